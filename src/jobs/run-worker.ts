import type { Config } from '../config.ts';
import type { DatabaseHandle } from '../db/database.ts';
import { createBulkMailer } from '../mail/bulk-mailer.ts';
import { createMailer } from '../mail/mailer.ts';
import { sendingAsSite } from '../mail/site-sender.ts';
import { loadSiteName } from '../web/site-chrome.ts';
import { newsletterSecret } from '../newsletters/secret.ts';
import { enqueueJob } from './job.ts';
import { PRUNE_JOBS_KEY, pruneJobsJob } from './prune-jobs.job.ts';
import { PRUNE_ACCOUNTS_KEY, pruneAccountsJob } from './prune-accounts.job.ts';
import { jobDefinitions } from './registry.ts';
import { NEWSLETTER_PLAN_KEY, planNewslettersJob } from './send-newsletter.job.ts';
import type { JobServices } from './services.ts';
import { type Worker, type WorkerLog, createWorker } from './worker.ts';

/**
 * Starts a job worker on an open, migrated database with the configured concurrency, poll interval and lease:
 * used by `sahifa worker` and, on the embedded database, by `sahifa serve`. Stop it with `worker.stop()`.
 */
export async function startJobWorker(config: Config, database: DatabaseHandle, log: WorkerLog): Promise<Worker> {
  // One mailer and one bulk mailer (one SMTP pool each) per worker process, shared by every job it runs; closed
  // when the worker stops.
  const mailer = sendingAsSite(createMailer(config.mail), config.mail.from, () => loadSiteName(database.db, config.siteName));
  const bulkMailer = createBulkMailer(config.mail, mailer);
  const services: JobServices = {
    db: database.db,
    config,
    log,
    newsletters: {
      db: database.db,
      siteName: config.siteName,
      siteUrl: config.siteUrl,
      secret: await newsletterSecret(database.db),
      mailer,
      bulkMailer,
      settings: config.newsletters,
    },
  };
  // The periodic clean-ups exist once however many workers start (dedupe key).
  await enqueueJob(database.db, pruneJobsJob, {}, { dedupeKey: PRUNE_JOBS_KEY });
  await enqueueJob(database.db, pruneAccountsJob, {}, { dedupeKey: PRUNE_ACCOUNTS_KEY });
  await enqueueJob(database.db, planNewslettersJob, {}, { dedupeKey: NEWSLETTER_PLAN_KEY });
  const worker = createWorker({
    db: database.db,
    definitions: jobDefinitions,
    services,
    concurrency: config.jobs.concurrency,
    pollIntervalMs: config.jobs.pollIntervalMs,
    leaseMs: config.jobs.leaseMs,
    log,
    afterStop: () => Promise.all([mailer.close(), bulkMailer.close()]).then(() => {}),
  });
  worker.start();
  log.info({ worker: worker.id, kinds: jobDefinitions.map((d) => d.kind) }, 'job worker started');
  return worker;
}
