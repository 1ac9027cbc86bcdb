import cluster from 'node:cluster';
import pino from 'pino';
import { buildApp } from './app.ts';
import type { Config } from './config.ts';
import { type DatabaseHandle, openDatabase } from './db/database.ts';
import { migrateToLatest } from './db/migrate.ts';
import { startJobWorker } from './jobs/run-worker.ts';
import type { Worker } from './jobs/worker.ts';

/**
 * Migrates the database (and runs `prepare`, e.g. the demo import) once, then serves: in this process, or in
 * `config.workers` worker processes sharing the port. Web processes keep no state of their own, so any number
 * of them (here or on other machines) can serve one database.
 */
export async function startServer(config: Config, prepare?: (database: DatabaseHandle) => Promise<void>): Promise<void> {
  if (!cluster.isPrimary) return listen(config, openDatabase(config.database));
  const database = openDatabase(config.database);
  await migrateToLatest(database.db);
  if (prepare) await prepare(database);
  // On the embedded database the job worker runs here (in the primary when there are web workers), so
  // `npm start` sends scheduled newsletters without a second command.
  const jobWorker = config.jobs.inProcess ? await startJobWorker(config, database, pino({ level: config.logLevel })) : null;
  if (config.workers <= 1) return listen(config, database, jobWorker);
  if (!jobWorker) await database.close();
  superviseWorkers(config.workers, async () => {
    await jobWorker?.stop();
    await database.close();
  });
}

async function listen(config: Config, database: DatabaseHandle, jobWorker: Worker | null = null): Promise<void> {
  const app = await buildApp({ config, database, logger: true });
  const shutdown = async (signal: string) => {
    app.log.info({ signal }, 'shutting down');
    await jobWorker?.stop();
    await app.close();
    await database.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void shutdown('SIGINT'));
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
  await app.listen({ port: config.port, host: config.host });
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
  const stop = (signal: NodeJS.Signals) => {
    stopping = true;
    for (const worker of Object.values(cluster.workers ?? {})) worker?.kill(signal);
    void afterStop();
  };
  process.once('SIGINT', () => stop('SIGINT'));
  process.once('SIGTERM', () => stop('SIGTERM'));
}
