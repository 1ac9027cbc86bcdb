import { expect, it } from 'vitest';
import { buildArticle } from '../../test/build-article.ts';
import { startCountingSink } from '../../test/counting-smtp-sink.ts';
import { databaseUrlOf, describeEachEngine } from '../../test/engines.ts';
import { manualNewsletterForm } from '../../test/newsletters.ts';
import { type RunningSahifa, startSahifa } from '../../test/run-sahifa.ts';
import { startTcpGate } from '../../test/tcp-gate.ts';
import { waitFor } from '../../test/wait-for.ts';
import { saveImportedArticle } from '../articles/article.service.ts';
import { importSubscribers } from '../newsletters/newsletters.service.ts';
import { saveNewsletter } from '../newsletters/newsletter-settings.service.ts';
import { createIssue, scheduleIssue } from '../newsletters/sends.service.ts';

// The mail server goes away in the middle of a send and comes back on the same port: the real worker retries
// what it could not hand over, loses nothing, sends nothing twice, and finishes the send without a restart.

const RECIPIENTS = 600;

describeEachEngine('SMTP server down during a send', (database) => {
  it('retries every message the server did not accept, once it is back, and sends none twice', { timeout: 240_000 }, async () => {
    const { db } = database.handle;
    const sink = await startCountingSink();
    const gate = await startTcpGate(Number(new URL(sink.url).port));
    let worker: RunningSahifa | undefined;
    try {
      const newsletterId = await saveNewsletter(
        db,
        null,
        manualNewsletterForm('نشرة الانقطاع', 'outage'),
        { id: null, name: 'الاختبار' },
      );
      const emails = Array.from({ length: RECIPIENTS }, (_, i) => `reader${i}@outage.example.org`);
      await importSubscribers(db, 'outage', emails);
      const { slug } = await saveImportedArticle(db, buildArticle({ title: 'انقطاع الكهرباء عن أحياء المدينة' }));
      const article = (await db.selectFrom('articles').select('id').where('slug', '=', slug).executeTakeFirstOrThrow()).id;

      worker = await startSahifa(
        ['worker'],
        {
          DATABASE_URL: databaseUrlOf(database.target),
          SMTP_URL: `smtp://127.0.0.1:${gate.port}`,
          SITE_URL: 'https://news.example',
          // Retries come back after 0.5 s, 2 s, 8 s, 32 s: the outage below is far shorter than the five attempts.
          NEWSLETTER_RETRY_SECONDS: '0.5',
          // Longer than a batch can take on a crowded machine, so no live batch is taken over and sent again.
          JOB_LEASE_SECONDS: '10',
          WORKER_POLL_MS: '100',
          // 'job worker started' is an info line.
          LOG_LEVEL: 'info',
        },
        60_000,
        /job worker started/,
      );
      const { send } = await createIssue(db, { newsletterId, articleIds: [article] });
      await scheduleIssue(db, send.id);

      // Partway through, the server stops answering and goes down: what it was receiving is never accepted.
      await waitFor('a third of the messages', () => (sink.accepted >= RECIPIENTS / 3 ? true : undefined));
      sink.hold();
      // Answers the server gave before it stopped still reach the worker (a cut could lose a 250 on its way, and
      // a message accepted but not known to be would rightly be sent again); then the port goes away.
      await new Promise((resolve) => setTimeout(resolve, 500));
      await gate.shut();
      const acceptedBeforeOutage = sink.accepted;
      // The worker meets the outage: messages are put back for a later attempt, with the reason.
      const retrying = await waitFor('messages put back for a retry', async () => {
        const rows = await db.selectFrom('send_recipients').select(['error']).where('send_id', '=', send.id).where('status', '=', 'pending').where('error', 'is not', null).execute();
        return rows.length ? rows : undefined;
      });
      await new Promise((resolve) => setTimeout(resolve, 2_000));
      expect(sink.accepted).toBe(acceptedBeforeOutage);
      // Back on the same port; messages that arrived during the outage were never answered, so they do not count.
      sink.dropHeld();
      await gate.open();

      const done = await waitFor('the send to finish', async () => {
        const row = await db.selectFrom('newsletter_sends').select(['status', 'recipients_total', 'sent_count', 'failed_count']).where('id', '=', send.id).executeTakeFirstOrThrow();
        return row.status === 'sent' ? row : undefined;
      });
      expect(done).toEqual({ status: 'sent', recipients_total: RECIPIENTS, sent_count: RECIPIENTS, failed_count: 0 });
      expect(retrying[0]!.error).toMatch(/mail not delivered/);

      // None lost, none twice: each address accepted exactly once, each Message-ID once.
      expect(sink.accepted).toBe(RECIPIENTS);
      expect([...sink.perRecipient.keys()].sort()).toEqual([...emails].sort());
      expect([...sink.perRecipient.values()].every((count) => count === 1)).toBe(true);
      expect([...sink.perMessageId.values()].every((count) => count === 1)).toBe(true);
      // An unreachable server is not the readers' fault: nobody got a bounce or was suppressed for it.
      expect(await db.selectFrom('email_bounces').select('id').execute()).toEqual([]);
      expect(await db.selectFrom('email_suppressions').select('email').execute()).toEqual([]);

      // The same worker process did it all, and still stops cleanly.
      expect(worker.child.exitCode).toBeNull();
      worker.child.kill('SIGTERM');
      expect(await worker.exited).toBe(0);
    } finally {
      worker?.child.kill('SIGKILL');
      await gate.close();
      await sink.close();
    }
  });
});
