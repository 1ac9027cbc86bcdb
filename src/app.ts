import { randomUUID } from 'node:crypto';
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
import { createMetrics, type Metrics, metricsRoutes } from './ops/metrics.ts';
import { conditionalGet } from './web/conditional-get.ts';
import { errorPages } from './web/error-pages.tsx';
import type { Config } from './config.ts';
import type { DatabaseHandle } from './db/database.ts';
import { FONT_DIRECTORIES } from './web/fonts.ts';
import { createMailer, type Mailer } from './mail/mailer.ts';
import { outboxRoutes } from './mail/outbox.routes.tsx';
import { sendingAsSite } from './mail/site-sender.ts';
import { loadSiteName } from './web/site-chrome.ts';
import fastifyFormbody from '@fastify/formbody';
import fastifyHelmet from '@fastify/helmet';
import { secretsRepository } from './accounts/accounts.repository.ts';
import { createReaderSlots } from './accounts/reader-slots.tsx';
import { registerReaderPrompt } from './accounts/reader-prompt.slot.tsx';
import { sessionPlugin } from './accounts/session.plugin.ts';
import { newToken, sessionService } from './accounts/session.service.ts';
import { forYouRoutes } from './feed/feed.routes.tsx';
import { DEFAULT_FEED_SETTINGS } from './feed/feed.service.ts';
import { entityFollowActions, registerFeedSlots } from './feed/feed.slots.tsx';
import { createPopularNow } from './feed/popular-now.ts';
import { createFeatureCache } from './feed/article-features.ts';
import { createReadRecorder } from './feed/read-recorder.ts';
import { savedRoutes } from './saved/saved.routes.tsx';
import { folderMediaStore } from './newsroom/media-store.ts';
import { s3MediaStore } from './newsroom/s3-media-store.ts';
import { newsroomRoutes } from './newsroom/newsroom.routes.tsx';
import { accountsService } from './accounts/accounts.service.ts';
import { accountsRoutes } from './accounts/accounts.routes.tsx';
import type { PersonalDataSource } from './accounts/personal-data.ts';
import { exportReaderActivity, forgetReader } from './feed/follow.service.ts';
import { newsletterAdminRoutes } from './newsletters/newsletters.admin.tsx';
import { newsletterRoutes } from './newsletters/newsletters.routes.tsx';
import { isAccountSubscribed } from './newsletters/newsletters.service.ts';
import { newsletterRepository } from './newsletters/newsletter.repository.ts';
import { newsletterSecret } from './newsletters/secret.ts';
import { newsletterPersonalData } from './newsletters/personal-data.ts';
import { hotPages } from './web/hot-pages.ts';
import { pageCacheRepository } from './articles/page-cache.repository.ts';

const here = path.dirname(fileURLToPath(import.meta.url));

export interface AppDependencies {
  config: Config;
  database: DatabaseHandle;
  logger?: boolean | object;
  /** Defaults to `createMailer(config.mail)`, closed with the app; tests pass one aimed at an SMTP sink. */
  mailer?: Mailer;
  /** This process's metrics (server.ts makes them, with process metrics and cluster aggregation); fresh ones by default. */
  metrics?: Metrics;
}

/** Largest request body accepted (forms, API); larger ones get 413 before they are read to the end. */
export const BODY_LIMIT_BYTES = 1024 * 1024;

/** A request id from the proxy in front (nginx's $request_id) is kept if it looks like one; otherwise a new one is made. */
const REQUEST_ID = /^[\w.:-]{1,128}$/;

/** Builds the web application without listening, so tests can use app.inject(). */
export async function buildApp({ config, database, logger = false, mailer: givenMailer, metrics = createMetrics({ database }) }: AppDependencies): Promise<FastifyInstance> {
  const app = Fastify({
    logger: logger === true ? { level: config.logLevel } : logger,
    // Unique across processes and machines, so one id finds a request in the logs of a whole fleet.
    requestIdHeader: false,
    genReqId: (request) => {
      const given = request.headers['x-request-id'];
      return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
    },
    bodyLimit: BODY_LIMIT_BYTES,
    requestTimeout: config.requestTimeoutMs,
    // Checked every second rather than Node's default 30 s, so a slow client is cut off close to the limit.
    http: { headersTimeout: config.headersTimeoutMs, connectionsCheckingInterval: 1_000 },
  });
  const transport = givenMailer ?? createMailer(config.mail);
  if (!givenMailer) app.addHook('onClose', () => transport.close());
  const mailer = sendingAsSite(transport, config.mail.from, () => loadSiteName(database.db, config.siteName));
  app.addHook('onRequest', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });
  metricsRoutes(app, metrics);

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
  await app.register(fastifyFormbody);
  // Security headers on every response. The policy allows only our own scripts, styles, fonts and forms: pages
  // have no inline script or style (JSON-LD is data, not run). /dev/outbox/:id/html sets its own stricter policy.
  await app.register(fastifyHelmet, {
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        'default-src': ["'self'"],
        'script-src': ["'self'"],
        'style-src': ["'self'"],
        'img-src': ["'self'", 'data:', 'https:'],
        'font-src': ["'self'"],
        'connect-src': ["'self'"],
        'form-action': ["'self'"],
        'frame-ancestors': ["'self'"],
        'base-uri': ["'none'"],
        'object-src': ["'none'"],
        // Only where the site is https: on plain-http localhost it would send the browser to a port with no TLS.
        ...(config.accounts.secureCookies ? { 'upgrade-insecure-requests': [] } : {}),
      },
    },
    // Cross-origin isolation would stop feed readers and mail programs from loading our images.
    crossOriginEmbedderPolicy: false,
    crossOriginResourcePolicy: { policy: 'same-site' },
    // Not no-referrer: with it browsers send `Origin: null` on our own form posts, which the CSRF check refuses.
    referrerPolicy: { policy: 'strict-origin-when-cross-origin' },
  });
  // Sessions before conditionalGet: a signed-in reader's page is personalized and private, never given a shared ETag.
  const sessions = sessionService(database.db, { idleMs: config.accounts.sessionIdleMs, maxMs: config.accounts.sessionMaxMs });
  const readerSlots = createReaderSlots();
  const loadCsrfKey = () => secretsRepository(database.db).getOrCreate('csrf', newToken);
  await sessionPlugin(app, { sessions, slots: readerSlots, config: config.accounts, siteUrl: config.siteUrl, loadCsrfKey });
  registerReaderPrompt(readerSlots, {
    isSubscribed: (reader) => isAccountSubscribed(database.db, reader.id),
    async subscribe() {
      const newsletter = await newsletterRepository(database.db).findDefaultNewsletter();
      return newsletter ? { action: `/account/newsletters/${newsletter.slug}/subscribe`, newsletterName: newsletter.name } : null;
    },
    manageHref: '/newsletters',
  });
  registerFeedSlots(readerSlots, database.db);
  // Reads are batched in memory and written about once a second; closing the app writes what is left.
  const recorder = createReadRecorder(database.db, { onError: (error) => app.log.warn({ err: error }, 'read events not stored') });
  app.addHook('onClose', () => recorder.close());
  // What other capabilities keep about a reader: in the account's export, and erased with the account.
  const personalData: PersonalDataSource[] = [
    { name: 'readerActivity', export: (db, reader) => exportReaderActivity(db, reader.id), erase: (trx, reader) => forgetReader(trx, reader.id) },
    newsletterPersonalData,
  ];
  const accounts = accountsService({ db: database.db, mailer, sessions, siteName: config.siteName, siteUrl: config.siteUrl, personalData });
  conditionalGet(app);
  // After conditionalGet: what is kept is the exact body sent, never a 304.
  hotPages(app, {
    generation: pageCacheRepository(database.db).generation,
    routes: [
      // The route's own inputs, as given: the same text (or list) asks the same question.
      { url: '/search', key: (request) => JSON.stringify([(request.query as Record<string, unknown>).q, (request.query as Record<string, unknown>).page]) },
      { url: '/for-you', key: (request) => JSON.stringify((request.query as Record<string, unknown>).view) },
      // Also in the page cache, but after each publish every reader of the moment would render it again at once.
      { url: '/', key: () => '' },
    ],
  });
  articleRoutes(app, deps);
  feedRoutes(app, deps);
  apiRoutes(app, deps);
  searchRoutes(app, deps);
  understandingRoutes(app, { ...deps, entityActions: entityFollowActions });
  forYouRoutes(app, {
    ...deps,
    recorder,
    popularNow: createPopularNow(database.db),
    articleFeatures: createFeatureCache(database.db),
    settings: { ...DEFAULT_FEED_SETTINGS, windowDays: config.feedWindowDays },
  });
  savedRoutes(app, deps);
  const media = config.mediaS3 ? s3MediaStore(config.mediaS3) : folderMediaStore(path.join(config.dataDir, 'media'));
  await newsroomRoutes(app, { ...deps, media });
  await accountsRoutes(app, { db: database.db, siteName: config.siteName, accounts, sessions, config: config.accounts });
  // The newsletter HMAC key is read on first use, like the CSRF key: the app starts before the database may be ready.
  let secret: Promise<string> | null = null;
  const loadNewsletterSecret = () => (secret ??= newsletterSecret(database.db).catch((error: unknown) => ((secret = null), Promise.reject(error))));
  const newsletterDeps = {
    ...deps,
    mailer,
    secret: loadNewsletterSecret,
    settings: config.newsletters,
    ...(config.newsletters.inboundToken ? { inboundToken: config.newsletters.inboundToken } : {}),
  };
  newsletterRoutes(app, newsletterDeps);
  newsletterAdminRoutes(app, newsletterDeps);
  if (config.nodeEnv !== 'production') outboxRoutes(app, { ...deps, outboxDir: config.mail.outboxDir, mailerKind: mailer.kind });
  return app;
}
