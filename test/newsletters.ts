import type { Kysely } from 'kysely';
import { loadConfig } from '../src/config.ts';
import type { Database } from '../src/db/schema.ts';
import type { JobServices } from '../src/jobs/services.ts';
import { jobDefinitions } from '../src/jobs/registry.ts';
import { createWorker, type Worker, type WorkerLog } from '../src/jobs/worker.ts';
import { type BulkMailer, createBulkMailer } from '../src/mail/bulk-mailer.ts';
import type { Mailer } from '../src/mail/mailer.ts';
import type { SendDeps } from '../src/newsletters/sends.service.ts';
import { sendRepository } from '../src/newsletters/send.repository.ts';

export const TEST_SECRET = 'test-secret-not-for-production';

export const quietLog: WorkerLog = { info() {}, warn() {}, error() {} };

/**
 * Sending dependencies for a test: the site of `loadConfig(env)`, a fixed secret, fast retries. Newsletters go
 * through `bulkMailer` (e.g. `createBulkMailer` on an SMTP sink), else through `mailer`.
 */
export function testSendDeps(db: Kysely<Database>, mailer: Mailer, env: Record<string, string> = {}, bulkMailer?: BulkMailer): SendDeps {
  const config = loadConfig({ SITE_URL: 'https://news.example', NEWSLETTER_RETRY_SECONDS: '0.05', ...env });
  return {
    db,
    siteName: config.siteName,
    siteUrl: config.siteUrl,
    secret: TEST_SECRET,
    mailer,
    bulkMailer: bulkMailer ?? createBulkMailer(config.mail, mailer),
    settings: config.newsletters,
  };
}

/** A job worker running every registered job kind with these newsletter dependencies. */
export function testWorker(deps: SendDeps, options: { id?: string; leaseMs?: number; concurrency?: number } = {}): Worker {
  const config = loadConfig({ JOB_LEASE_SECONDS: String((options.leaseMs ?? 5000) / 1000) });
  const services: JobServices = { db: deps.db, config, log: quietLog, newsletters: deps };
  return createWorker({
    db: deps.db,
    definitions: jobDefinitions,
    services,
    concurrency: options.concurrency ?? 4,
    pollIntervalMs: 20,
    leaseMs: options.leaseMs ?? 5000,
    log: quietLog,
    ...(options.id ? { id: options.id } : {}),
  });
}

const FINAL = new Set(['sent', 'failed', 'cancelled', 'paused']);

/** Runs due jobs until the send reaches a final state (or `timeoutMs` passes); returns the send. */
export async function runSendToEnd(worker: Worker, db: Kysely<Database>, sendId: string, timeoutMs = 20_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    await worker.runDue();
    const send = await sendRepository(db).findSend(sendId);
    if (send && FINAL.has(send.status)) return send;
    if (Date.now() > deadline) throw new Error(`send ${sendId} still ${send?.status} after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** The admin form of a newsletter sent only when an editor says so (no daily or weekly plan adds issues of its own). */
export function manualNewsletterForm(name: string, slug: string) {
  return {
    name,
    slug,
    description: 'نشرة يرسلها المحررون',
    cadence: 'manual',
    sendTime: '',
    sendWeekday: '',
    timeZone: '',
    contentRule: 'curated',
    sectionId: '',
    articleLimit: '5',
    senderName: 'صحيفة',
    senderAddress: 'newsletters@news.example',
    replyTo: '',
    status: 'active',
    position: '10',
  };
}
