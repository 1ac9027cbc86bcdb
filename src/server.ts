import cluster from 'node:cluster';
import type { FastifyInstance } from 'fastify';
import pino from 'pino';
import { buildApp } from './app.ts';
import type { Config } from './config.ts';
import { type DatabaseHandle, openDatabase } from './db/database.ts';
import { migrateToLatest } from './db/migrate.ts';
import { startJobWorker } from './jobs/run-worker.ts';
import type { Worker } from './jobs/worker.ts';
import { ensureDefaultNewsletters } from './newsletters/newsletters.service.ts';
import { parseSender } from './mail/site-sender.ts';
import { clusterCollector, createMetrics, serveClusterMetrics } from './ops/metrics.ts';

/**
 * Migrates the database (and runs `prepare`, e.g. the demo import) once, then serves: in this process, or in
 * `config.workers` worker processes sharing the port. Web processes keep no state of their own, so any number
 * of them (here or on other machines) can serve one database.
 */
export async function startServer(config: Config, prepare?: (database: DatabaseHandle) => Promise<void>): Promise<void> {
  if (!cluster.isPrimary) return listen(config, openWebDatabase(config));
  const database = openWebDatabase(config);
  await migrateToLatest(database.db);
  await ensureDefaultNewsletters(database.db, parseSender(config.mail.from, config.siteName), config.newsletters.timeZone);
  if (prepare) await prepare(database);
  // On the embedded database the job worker runs here (in the primary when there are web workers), so
  // `npm start` sends scheduled newsletters without a second command.
  const jobWorker = config.jobs.inProcess ? await startJobWorker(config, database, pino({ level: config.logLevel })) : null;
  if (config.workers <= 1) return listen(config, database, jobWorker);
  if (!jobWorker) await database.close();
  serveClusterMetrics();
  superviseWorkers(config.workers, async () => {
    await jobWorker?.stop();
    await database.close();
  });
}

function openWebDatabase(config: Config): DatabaseHandle {
  return openDatabase(config.database, {
    // Expected when PostgreSQL restarts or a connection is terminated: worth a line, not a crash.
    onIdleConnectionError: (error) => console.error(JSON.stringify({ level: 40, time: Date.now(), msg: 'database: idle connection lost', err: error.message })),
  });
}

async function listen(config: Config, database: DatabaseHandle, jobWorker: Worker | null = null): Promise<void> {
  const metrics = createMetrics({ database, processMetrics: true });
  const collect = cluster.isWorker ? clusterCollector(metrics.registry) : undefined;
  const app = await buildApp({ config, database, logger: true, metrics: collect ? { ...metrics, collect } : metrics });
  let stopping = false;
  // `on`, not `once`: systemd and Ctrl-C signal the primary and its workers alike, and the primary passes the
  // signal on, so a worker may get it twice; a second one must not kill it mid-shutdown.
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    app.log.info({ signal }, 'shutting down: no new connections, finishing requests in flight');
    void shutDown(app, database, config.shutdownTimeoutMs, jobWorker).then((clean) => process.exit(clean ? 0 : 1));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  await app.listen({ port: config.port, host: config.host });
}

/**
 * Graceful shutdown: stop accepting connections, close idle keep-alive ones, let requests in flight finish (a
 * request arriving on a busy keep-alive connection meanwhile gets 503 and `Connection: close`) and the job
 * worker, if any, finish or hand back its current jobs; then close the database. Resolves false when work was
 * still running after `timeoutMs`; the caller exits anyway.
 */
export async function shutDown(app: FastifyInstance, database: DatabaseHandle, timeoutMs: number, jobWorker: Worker | null = null): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), timeoutMs);
  });
  const closed = Promise.all([app.close(), jobWorker?.stop()]).then(() => true as const);
  // app.close() closes the keep-alive connections idle at that moment; one whose request finishes later would keep
  // the server open until the client hangs up, so close those as they become idle.
  const sweep = setInterval(() => app.server.closeIdleConnections(), 100);
  const clean = await Promise.race([closed, timedOut]);
  clearInterval(sweep);
  clearTimeout(timer);
  if (!clean) app.log.error({ timeoutMs }, 'shutdown: work still running after the timeout; exiting anyway');
  await database.close().catch((error: unknown) => app.log.error({ err: error }, 'shutdown: closing the database failed'));
  app.log.info('shut down');
  return clean;
}

/** Forks the workers, replaces one that dies, and passes a shutdown signal on to all of them. */
function superviseWorkers(count: number, afterStop: () => Promise<void>): void {
  let stopping = false;
  for (let i = 0; i < count; i++) cluster.fork();
  cluster.on('exit', (worker, code) => {
    if (stopping) return;
    console.error(`worker ${worker.process.pid} exited with ${code}; starting another`);
    cluster.fork();
  });
  // The signal itself, not worker.kill(), which first cuts the IPC channel and so skips the worker's graceful
  // shutdown. The primary exits by itself once the last worker has and afterStop is done.
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill(signal);
    void afterStop();
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}
