import { type ChildProcess, spawn } from 'node:child_process';
import { afterEach, expect, it } from 'vitest';
import { buildArticle } from '../../test/build-article.ts';
import { type CountingSink, startCountingSink } from '../../test/counting-smtp-sink.ts';
import { databaseUrlOf, describeEachEngine, type TestDatabase } from '../../test/engines.ts';
import { SAHIFA_BIN } from '../../test/run-sahifa.ts';
import { waitFor } from '../../test/wait-for.ts';
import { articleRepository } from '../articles/article.repository.ts';
import { saveImportedArticle } from '../articles/article.service.ts';
import { newsletterRepository } from './newsletter.repository.ts';
import { DEFAULT_NEWSLETTER_SLUG, ensureDefaultNewsletters, importSubscribers } from './newsletters.service.ts';
import { sendRepository } from './send.repository.ts';
import { createIssue, scheduleIssue } from './sends.service.ts';

// The delivery engine's promise, tested with real processes, a real SMTP server and kill -9: nothing lost,
// nothing sent twice outside the one documented window (accepted by the server, not yet recorded).

const children: ChildProcess[] = [];
afterEach(async () => {
  for (const child of children.splice(0)) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
});

/**
 * Starts `sahifa worker` as a child process sending through the sink, with a short lease so a dead one's work is
 * taken over quickly — but not so short that a crowded machine starves a live worker past it: such a worker sends
 * nothing more of its batch, but the messages it had already handed to the mailer may then come twice, which these
 * tests would count as duplicates.
 */
function startWorker(database: TestDatabase, sink: CountingSink, env: Record<string, string> = {}): ChildProcess {
  const child = spawn(process.execPath, [SAHIFA_BIN, 'worker'], {
    env: {
      ...process.env,
      DATABASE_URL: databaseUrlOf(database.target),
      SMTP_URL: sink.url,
      SITE_URL: 'https://news.example',
      JOB_LEASE_SECONDS: '10',
      WORKER_POLL_MS: '100',
      LOG_LEVEL: process.env.CRASH_LOG ?? 'warn',
      ...env,
    },
    stdio: ['ignore', process.env.CRASH_LOG ? 'inherit' : 'ignore', 'inherit'],
  });
  children.push(child);
  return child;
}

const exited = (child: ChildProcess) =>
  child.exitCode !== null || child.signalCode !== null ? Promise.resolve() : new Promise<void>((resolve) => child.once('exit', () => resolve()));

async function prepareSend(database: TestDatabase, recipients: number, tag: string): Promise<{ sendId: string; emails: string[] }> {
  const { db } = database.handle;
  await ensureDefaultNewsletters(db, { name: 'صحيفة', address: 'newsletters@news.example' }, 'Asia/Riyadh');
  const emails = Array.from({ length: recipients }, (_, i) => `reader${i}@${tag}.example.org`);
  await importSubscribers(db, DEFAULT_NEWSLETTER_SLUG, emails);
  const saved = await saveImportedArticle(db, buildArticle({ title: `افتتاح سوق جديد للمزارعين ${tag}` }));
  const article = (await articleRepository(db).findBySlug(saved.slug))!;
  const daily = (await newsletterRepository(db).findNewsletterBySlug(DEFAULT_NEWSLETTER_SLUG))!;
  // Only this test's readers: earlier blocks on the same database have their own sends.
  await db
    .updateTable('subscriptions')
    .set({ status: 'unsubscribed' })
    .where('newsletter_id', '=', daily.id)
    .where('subscriber_id', 'in', db.selectFrom('subscribers').select('id').where('email', 'not like', `%@${tag}.example.org`))
    .execute();
  const { send } = await createIssue(db, { newsletterId: daily.id, articleIds: [article.id] });
  await scheduleIssue(db, send.id);
  return { sendId: send.id, emails };
}

describeEachEngine('newsletter delivery survives kill -9', (database) => {
  it('delivers every one of 10,000 messages exactly once when the worker is killed mid-send and another starts', { timeout: 240_000 }, async () => {
    const sink = await startCountingSink();
    try {
      const { sendId, emails } = await prepareSend(database, 10_000, `crash-${database.target.engine}`);
      const sends = sendRepository(database.handle.db);
      const first = startWorker(database, sink);

      // Mid-send: once 3,000 messages are accepted, the server stops answering. Messages are now in flight
      // (sent, not acknowledged) and batches are claimed but not sent. Every message the server did accept is
      // recorded within moments — outside the duplicate window — and then the worker is killed.
      await waitFor('3,000 accepted messages', async () => (sink.accepted >= 3000 ? true : undefined), 120_000);
      sink.hold();
      const acceptedBeforeKill = await waitFor(
        'every accepted message to be recorded',
        async () => {
          const counts = await sends.recipientCounts(sendId);
          return counts.sent === sink.accepted ? sink.accepted : undefined;
        },
        10_000,
      );
      first.kill('SIGKILL');
      await exited(first);
      sink.dropHeld();
      const atKill = await sends.recipientCounts(sendId);
      expect(atKill.sent).toBe(acceptedBeforeKill);
      expect(atKill.sending).toBeGreaterThan(0); // claimed by the dead worker: they must not be lost
      expect(atKill.pending + atKill.sending).toBe(10_000 - acceptedBeforeKill);

      // A new worker takes over once the dead one's leases expire.
      const second = startWorker(database, sink);
      await waitFor('the send to finish', async () => ((await sends.findSend(sendId))?.status === 'sent' ? true : undefined), 180_000);
      second.kill('SIGTERM');
      await exited(second);

      expect(sink.accepted).toBe(10_000);
      expect(sink.perRecipient.size).toBe(10_000);
      for (const email of emails) expect(sink.perRecipient.get(email), email).toBe(1);
      expect([...sink.perMessageId.values()].every((count) => count === 1)).toBe(true);
      expect(await sends.findSend(sendId)).toMatchObject({ status: 'sent', recipients_total: 10_000, sent_count: 10_000, failed_count: 0 });
    } finally {
      await sink.close();
    }
  });

  it('never loses a message to a kill at a random moment, and resends only what was accepted but not yet recorded', { timeout: 240_000 }, async () => {
    const sink = await startCountingSink();
    try {
      const { sendId, emails } = await prepareSend(database, 2_000, `random-${database.target.engine}`);
      const sends = sendRepository(database.handle.db);
      const first = startWorker(database, sink, { SMTP_POOL_SIZE: '5' });
      // No holding: the kill lands wherever the sender happens to be, possibly inside the duplicate window.
      await waitFor('500 accepted messages', async () => (sink.accepted >= 500 + Math.floor(Math.random() * 500) ? true : undefined), 120_000);
      first.kill('SIGKILL');
      await exited(first);
      // The duplicate window at the kill: messages the server accepted that the dead worker had not recorded.
      const window = sink.accepted - (await sends.recipientCounts(sendId)).sent;
      const second = startWorker(database, sink, { SMTP_POOL_SIZE: '5' });
      await waitFor('the send to finish', async () => ((await sends.findSend(sendId))?.status === 'sent' ? true : undefined), 180_000);
      second.kill('SIGTERM');
      await exited(second);

      for (const email of emails) expect(sink.perRecipient.get(email) ?? 0, email).toBeGreaterThanOrEqual(1);
      // Exactly the messages in the window were sent twice, nothing else; the window never exceeds the rows
      // the dead worker had claimed (NEWSLETTER_LANES × NEWSLETTER_BATCH = 200) and is usually 0 or 1.
      expect(sink.accepted - emails.length).toBe(window);
      expect(window).toBeLessThanOrEqual(200);
      // A resend carries the same Message-ID, so receiving systems can recognise it.
      expect(sink.perMessageId.size).toBe(emails.length);
      expect(await sends.findSend(sendId)).toMatchObject({ status: 'sent', sent_count: 2_000 });
    } finally {
      await sink.close();
    }
  });

  it('splits one send between three worker processes without sending anything twice', { timeout: 240_000 }, async () => {
    const sink = await startCountingSink();
    try {
      const { sendId, emails } = await prepareSend(database, 3_000, `split-${database.target.engine}`);
      const sends = sendRepository(database.handle.db);
      // Six lanes, two per worker: each worker takes some, and batches are claimed as they go. Nobody dies here,
      // so a lease no crowded machine outlives.
      const env = { NEWSLETTER_LANES: '6', WORKER_CONCURRENCY: '2', NEWSLETTER_BATCH: '25', JOB_LEASE_SECONDS: '30' };
      const workers = [startWorker(database, sink, env), startWorker(database, sink, env), startWorker(database, sink, env)];
      await waitFor('the send to finish', async () => ((await sends.findSend(sendId))?.status === 'sent' ? true : undefined), 180_000);
      for (const worker of workers) worker.kill('SIGTERM');
      await Promise.all(workers.map(exited));

      expect(sink.accepted).toBe(3_000);
      for (const email of emails) expect(sink.perRecipient.get(email), email).toBe(1);
      const senders = await database.handle.db
        .selectFrom('send_recipients')
        .select(['locked_by', (eb) => eb.fn.countAll<string | number>().as('n')])
        .where('send_id', '=', sendId)
        .groupBy('locked_by')
        .execute();
      // locked_by is host:pid:random/job: the process that sent each message.
      const processes = new Set(senders.map((row) => row.locked_by!.split('/')[0]));
      expect(processes.size).toBe(3);
    } finally {
      await sink.close();
    }
  });
});
