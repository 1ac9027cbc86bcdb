import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import Fastify, { type FastifyInstance } from 'fastify';
import { articleRoutes } from './articles/articles.routes.tsx';
import { apiRoutes } from './articles/api.routes.ts';
import { feedRoutes } from './articles/feeds.routes.ts';
import { searchRoutes } from './search/search.routes.tsx';
import { understandingRoutes } from './understanding/understanding.routes.tsx';
import { readinessRoutes } from './ops/readiness.routes.ts';
import { conditionalGet } from './web/conditional-get.ts';
import { errorPages } from './web/error-pages.tsx';
import type { Config } from './config.ts';
import type { DatabaseHandle } from './db/database.ts';
import { FONT_DIRECTORIES } from './web/fonts.ts';
import { createMailer, type Mailer } from './mail/mailer.ts';
import { outboxRoutes } from './mail/outbox.routes.tsx';

const here = path.dirname(fileURLToPath(import.meta.url));

export interface AppDependencies {
  config: Config;
  database: DatabaseHandle;
  logger?: boolean | object;
  /** Defaults to `createMailer(config.mail)`, closed with the app; tests pass one aimed at an SMTP sink. */
  mailer?: Mailer;
}

/** Builds the web application without listening, so tests can use app.inject(). */
export async function buildApp({ config, database, logger = false, mailer: givenMailer }: AppDependencies): Promise<FastifyInstance> {
  const app = Fastify({ logger: logger === true ? { level: config.logLevel } : logger });
  const mailer = givenMailer ?? createMailer(config.mail);
  if (!givenMailer) app.addHook('onClose', () => mailer.close());

  await app.register(fastifyStatic, {
    root: path.join(here, 'web', 'assets'),
    prefix: '/assets/',
    maxAge: '1h',
  });
  // Font files never change under a given name: cache them for a year.
  await app.register(fastifyStatic, {
    root: FONT_DIRECTORIES,
    prefix: '/assets/fonts/',
    decorateReply: false,
    immutable: true,
    maxAge: '365d',
    allowedPath: (pathName) => pathName.endsWith('.woff2'),
  });

  app.get('/healthz', async () => {
    await database.db.selectFrom('sections').select('id').limit(1).execute();
    return { status: 'ok', engine: database.engine };
  });

  readinessRoutes(app, { db: database.db });

  const deps = { db: database.db, siteName: config.siteName, siteUrl: config.siteUrl };
  errorPages(app, deps);
  conditionalGet(app);
  articleRoutes(app, deps);
  feedRoutes(app, deps);
  apiRoutes(app, deps);
  searchRoutes(app, deps);
  understandingRoutes(app, deps);
  if (config.nodeEnv !== 'production') outboxRoutes(app, { ...deps, outboxDir: config.mail.outboxDir, mailerKind: mailer.kind });
  return app;
}
