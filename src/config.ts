import path from 'node:path';
import { z } from 'zod';

const environmentSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().default('127.0.0.1'),
  DATA_DIR: z.string().default('./data'),
  DATABASE_URL: z
    .string()
    .regex(/^(postgres(ql)?:\/\/|sqlite:)/, 'DATABASE_URL must start with postgres:// or sqlite:')
    .optional(),
  SITE_URL: z.string().url().optional(),
  SITE_NAME: z.string().default('صحيفة'),
  /** Web worker processes; Heroku's name for it, understood by most hosts. */
  WEB_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(1),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

export type DatabaseTarget =
  | { engine: 'sqlite'; file: string }
  | { engine: 'postgres'; connectionString: string; schema?: string };

export interface Config {
  readonly port: number;
  readonly host: string;
  readonly dataDir: string;
  readonly database: DatabaseTarget;
  readonly siteUrl: string;
  readonly siteName: string;
  readonly logLevel: string;
  readonly workers: number;
}

/**
 * The only reader of process.env. Fails fast, naming the variable that is wrong.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  // An empty variable (PORT= in an env file) means "not set", not "set to nothing".
  const present = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== ''));
  const parsed = environmentSchema.safeParse(present);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
    throw new Error(`Invalid environment: ${problems.join('; ')}`);
  }
  const values = parsed.data;
  const dataDir = path.resolve(values.DATA_DIR);
  return Object.freeze({
    port: values.PORT,
    host: values.HOST,
    dataDir,
    database: databaseTarget(values.DATABASE_URL, dataDir),
    siteUrl: (values.SITE_URL ?? `http://localhost:${values.PORT}`).replace(/\/$/, ''),
    siteName: values.SITE_NAME,
    logLevel: values.LOG_LEVEL,
    workers: values.WEB_CONCURRENCY,
  });
}

function databaseTarget(url: string | undefined, dataDir: string): DatabaseTarget {
  if (!url) return { engine: 'sqlite', file: path.join(dataDir, 'sahifa.db') };
  if (url.startsWith('sqlite:')) return { engine: 'sqlite', file: path.resolve(url.slice('sqlite:'.length)) };
  return { engine: 'postgres', connectionString: url };
}
