import type { Config } from '../config.ts';
import type { DatabaseHandle } from '../db/database.ts';
import { enqueueJob } from './job.ts';
import { PRUNE_JOBS_KEY, pruneJobsJob } from './prune-jobs.job.ts';
import { jobDefinitions } from './registry.ts';
import type { JobServices } from './services.ts';
import { type Worker, type WorkerLog, createWorker } from './worker.ts';

/**
 * Starts a job worker on an open, migrated database with the configured concurrency, poll interval and lease:
 * used by `sahifa worker` and, on the embedded database, by `sahifa serve`. Stop it with `worker.stop()`.
 */
export async function startJobWorker(config: Config, database: DatabaseHandle, log: WorkerLog): Promise<Worker> {
  const services: JobServices = { db: database.db, config, log };
  // The periodic clean-up exists once however many workers start (dedupe key).
  await enqueueJob(database.db, pruneJobsJob, {}, { dedupeKey: PRUNE_JOBS_KEY });
  const worker = createWorker({
    db: database.db,
    definitions: jobDefinitions,
    services,
    concurrency: config.jobs.concurrency,
    pollIntervalMs: config.jobs.pollIntervalMs,
    leaseMs: config.jobs.leaseMs,
    log,
  });
  worker.start();
  log.info({ worker: worker.id, kinds: jobDefinitions.map((d) => d.kind) }, 'job worker started');
  return worker;
}
