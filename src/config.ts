import path from 'node:path';
import { z } from 'zod';
import type { S3Location } from './newsroom/s3-media-store.ts';

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
  NODE_ENV: z.string().default('development'),
  SMTP_URL: z
    .string()
    .regex(/^smtps?:\/\/[^/]/, 'SMTP_URL must be smtp://host:port or smtps://host:port (user:password@ allowed)')
    .optional(),
  SMTP_POOL_SIZE: z.coerce.number().int().min(1).max(100).default(5),
  /** Messages per second over the whole pool; 0 means no limit. */
  SMTP_RATE_PER_SECOND: z.coerce.number().int().min(0).max(100_000).default(0),
  MAIL_FROM: z.string().optional(),
  SESSION_IDLE_DAYS: z.coerce.number().min(0.01).max(365).default(30),
  SESSION_MAX_DAYS: z.coerce.number().min(0.01).max(3650).default(90),
  DKIM_DOMAIN: z.string().regex(/^[a-z0-9.-]+\.[a-z]{2,}$/i, 'DKIM_DOMAIN must be a domain name').optional(),
  DKIM_SELECTOR: z.string().regex(/^[a-z0-9._-]+$/i, 'DKIM_SELECTOR must be a DNS label').optional(),
  /** PEM text; "\n" escapes are accepted so the key fits on one line of an env file. */
  DKIM_PRIVATE_KEY: z.string().includes('PRIVATE KEY', { message: 'DKIM_PRIVATE_KEY must be a PEM private key' }).optional(),
  /** Background jobs (src/jobs): jobs at once per worker process, idle poll interval, lease length. */
  WORKER_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(4),
  WORKER_POLL_MS: z.coerce.number().int().min(10).max(60_000).default(1000),
  JOB_LEASE_SECONDS: z.coerce.number().min(1).max(3600).default(60),
  /** Run the job worker inside `serve`: auto = on the embedded SQLite database only. */
  WORKER_IN_PROCESS: z.enum(['auto', 'true', 'false']).default('auto'),
  /** A client that has not sent its request headers by then is disconnected (slowloris). */
  HEADERS_TIMEOUT_MS: z.coerce.number().int().min(100).max(600_000).default(10_000),
  /** A request (headers and body) not received by then gets 408. */
  REQUEST_TIMEOUT_MS: z.coerce.number().int().min(100).max(3_600_000).default(30_000),
  /** On SIGTERM, in-flight requests get this long to finish before the process exits anyway. */
  SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().min(0).max(600_000).default(25_000),
  /** The "لك" feed considers articles published within this many days. */
  FEED_WINDOW_DAYS: z.coerce.number().min(1).max(365).default(7),
  /** Newsletters (src/newsletters): delivery jobs per send, recipients per claim, retries, bounces, schedule. */
  NEWSLETTER_LANES: z.coerce.number().int().min(1).max(64).default(4),
  NEWSLETTER_BATCH: z.coerce.number().int().min(1).max(1000).default(50),
  NEWSLETTER_RETRY_SECONDS: z.coerce.number().min(0.01).max(86_400).default(60),
  NEWSLETTER_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(20).default(5),
  NEWSLETTER_BOUNCE_DOMAIN: z.string().regex(/^[a-z0-9.-]+$/i, 'NEWSLETTER_BOUNCE_DOMAIN must be a domain name').optional(),
  /** Bearer token the mail server sends with bounces piped to POST /newsletters/inbound; unset: no endpoint. */
  NEWSLETTER_INBOUND_TOKEN: z.string().min(16, 'NEWSLETTER_INBOUND_TOKEN must be at least 16 characters').optional(),
  NEWSLETTER_TIME_ZONE: z
    .string()
    .refine((zone) => isTimeZone(zone), 'NEWSLETTER_TIME_ZONE must be an IANA time zone such as Asia/Riyadh')
    .default('Asia/Riyadh'),
  /** Uploaded images in an S3-compatible bucket instead of DATA_DIR/media (endpoint, bucket and both keys together). */
  MEDIA_S3_ENDPOINT: z.string().url('MEDIA_S3_ENDPOINT must be a URL such as https://s3.eu-central-1.amazonaws.com').optional(),
  MEDIA_S3_BUCKET: z.string().regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, 'MEDIA_S3_BUCKET must be a bucket name').optional(),
  MEDIA_S3_REGION: z.string().default('us-east-1'),
  MEDIA_S3_ACCESS_KEY_ID: z.string().optional(),
  MEDIA_S3_SECRET_ACCESS_KEY: z.string().optional(),
  /** Where readers fetch the bucket's files directly (its public URL or a CDN); unset: the site serves them. */
  MEDIA_S3_PUBLIC_URL: z.string().url('MEDIA_S3_PUBLIC_URL must be a URL').optional(),
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
  /** NODE_ENV; anything but "production" enables development pages such as /dev/outbox. */
  readonly nodeEnv: string;
  readonly mail: MailConfig;
  readonly jobs: {
    readonly concurrency: number;
    readonly pollIntervalMs: number;
    readonly leaseMs: number;
    /** Whether `serve` runs a job worker in its own process. */
    readonly inProcess: boolean;
  };
  readonly headersTimeoutMs: number;
  readonly requestTimeoutMs: number;
  readonly shutdownTimeoutMs: number;
  readonly accounts: AccountsConfig;
  readonly feedWindowDays: number;
  readonly newsletters: NewsletterConfig;
  /** Where uploaded images are kept: an S3-compatible bucket when set, else `DATA_DIR/media`. */
  readonly mediaS3?: S3Location;
}

export interface AccountsConfig {
  readonly sessionIdleMs: number;
  readonly sessionMaxMs: number;
  /** Cookies carry `Secure` except when the site is plain http on localhost (development). */
  readonly secureCookies: boolean;
}

export interface NewsletterConfig {
  /** Delivery jobs per send: how many workers (or slots of one) can send one issue side by side. */
  readonly lanes: number;
  /** Recipients a delivery job claims at a time. */
  readonly batchSize: number;
  /** Delay before the first retry after a temporary (4xx) failure; each further retry waits four times longer. */
  readonly retryBaseMs: number;
  readonly maxAttempts: number;
  /** The domain of VERP bounce addresses (`b+…@domain`) and of the mailto unsubscribe address. */
  readonly bounceDomain: string;
  /** The site's zone for newsletters sent at a local time (readers without a zone of their own). */
  readonly timeZone: string;
  /** Enables POST /newsletters/inbound for requests carrying `Authorization: Bearer <token>`. */
  readonly inboundToken?: string;
}

export interface MailConfig {
  /** smtp:// or smtps:// URL; without it, messages are written to `outboxDir` instead of being sent. */
  readonly smtpUrl?: string;
  readonly poolSize: number;
  /** Messages per second over the pool; 0 for no limit. */
  readonly ratePerSecond: number;
  /** The From header of every message, e.g. `"صحيفة" <no-reply@example.com>`. */
  readonly from: string;
  readonly outboxDir: string;
  readonly dkim?: { readonly domainName: string; readonly keySelector: string; readonly privateKey: string };
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
  const siteUrl = (values.SITE_URL ?? `http://localhost:${values.PORT}`).replace(/\/$/, '');
  return Object.freeze({
    port: values.PORT,
    host: values.HOST,
    dataDir,
    database: databaseTarget(values.DATABASE_URL, dataDir),
    siteUrl,
    siteName: values.SITE_NAME,
    logLevel: values.LOG_LEVEL,
    workers: values.WEB_CONCURRENCY,
    nodeEnv: values.NODE_ENV,
    mail: Object.freeze({
      ...(values.SMTP_URL ? { smtpUrl: values.SMTP_URL } : {}),
      poolSize: values.SMTP_POOL_SIZE,
      ratePerSecond: values.SMTP_RATE_PER_SECOND,
      from: values.MAIL_FROM ?? `"${values.SITE_NAME.replaceAll('"', '')}" <no-reply@${new URL(siteUrl).hostname}>`,
      outboxDir: path.join(dataDir, 'outbox'),
      ...dkimConfig(values.DKIM_DOMAIN, values.DKIM_SELECTOR, values.DKIM_PRIVATE_KEY),
    }),
    jobs: Object.freeze({
      concurrency: values.WORKER_CONCURRENCY,
      pollIntervalMs: values.WORKER_POLL_MS,
      leaseMs: Math.round(values.JOB_LEASE_SECONDS * 1000),
      inProcess: values.WORKER_IN_PROCESS === 'auto' ? !values.DATABASE_URL?.startsWith('postgres') : values.WORKER_IN_PROCESS === 'true',
    }),
    headersTimeoutMs: Math.min(values.HEADERS_TIMEOUT_MS, values.REQUEST_TIMEOUT_MS),
    requestTimeoutMs: values.REQUEST_TIMEOUT_MS,
    shutdownTimeoutMs: values.SHUTDOWN_TIMEOUT_MS,
    accounts: Object.freeze({
      sessionIdleMs: values.SESSION_IDLE_DAYS * DAY_MS,
      sessionMaxMs: values.SESSION_MAX_DAYS * DAY_MS,
      secureCookies: !isPlainLocalhost(siteUrl),
    }),
    feedWindowDays: values.FEED_WINDOW_DAYS,
    newsletters: Object.freeze({
      lanes: values.NEWSLETTER_LANES,
      batchSize: values.NEWSLETTER_BATCH,
      retryBaseMs: Math.round(values.NEWSLETTER_RETRY_SECONDS * 1000),
      maxAttempts: values.NEWSLETTER_MAX_ATTEMPTS,
      bounceDomain: values.NEWSLETTER_BOUNCE_DOMAIN ?? new URL(siteUrl).hostname,
      timeZone: values.NEWSLETTER_TIME_ZONE,
      ...(values.NEWSLETTER_INBOUND_TOKEN ? { inboundToken: values.NEWSLETTER_INBOUND_TOKEN } : {}),
    }),
    ...mediaS3Config(values),
  });
}

const DAY_MS = 24 * 60 * 60_000;

function isPlainLocalhost(siteUrl: string): boolean {
  const url = new URL(siteUrl);
  return url.protocol === 'http:' && ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname);
}

/** A bucket needs its endpoint, name and both keys; some of them without the others is a mistake worth stopping for. */
function mediaS3Config(values: z.infer<typeof environmentSchema>): Pick<Config, 'mediaS3'> {
  const required = { MEDIA_S3_ENDPOINT: values.MEDIA_S3_ENDPOINT, MEDIA_S3_BUCKET: values.MEDIA_S3_BUCKET, MEDIA_S3_ACCESS_KEY_ID: values.MEDIA_S3_ACCESS_KEY_ID, MEDIA_S3_SECRET_ACCESS_KEY: values.MEDIA_S3_SECRET_ACCESS_KEY };
  const missing = Object.entries(required).filter(([, value]) => value === undefined).map(([name]) => name);
  if (missing.length === 4) return {};
  if (missing.length) throw new Error(`Invalid environment: an S3 media store also needs ${missing.join(', ')}`);
  return {
    mediaS3: Object.freeze({
      endpoint: values.MEDIA_S3_ENDPOINT!,
      bucket: values.MEDIA_S3_BUCKET!,
      region: values.MEDIA_S3_REGION,
      accessKeyId: values.MEDIA_S3_ACCESS_KEY_ID!,
      secretAccessKey: values.MEDIA_S3_SECRET_ACCESS_KEY!,
      ...(values.MEDIA_S3_PUBLIC_URL ? { publicUrl: values.MEDIA_S3_PUBLIC_URL } : {}),
    }),
  };
}

/** DKIM signs only with all three settings; one or two of them is a mistake worth stopping for. */
function dkimConfig(domain?: string, selector?: string, key?: string): Pick<MailConfig, 'dkim'> {
  const given = [domain, selector, key].filter((value) => value !== undefined).length;
  if (given === 0) return {};
  if (given < 3) throw new Error('Invalid environment: DKIM_DOMAIN, DKIM_SELECTOR and DKIM_PRIVATE_KEY must be set together');
  return { dkim: Object.freeze({ domainName: domain!, keySelector: selector!, privateKey: key!.replaceAll('\\n', '\n') }) };
}

function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

function databaseTarget(url: string | undefined, dataDir: string): DatabaseTarget {
  if (!url) return { engine: 'sqlite', file: path.join(dataDir, 'sahifa.db') };
  if (url.startsWith('sqlite:')) return { engine: 'sqlite', file: path.resolve(url.slice('sqlite:'.length)) };
  return { engine: 'postgres', connectionString: url };
}
