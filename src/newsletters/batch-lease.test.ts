import { afterAll, beforeAll, expect, it } from 'vitest';
import { buildArticle } from '../../test/build-article.ts';
import { describeEachEngine } from '../../test/engines.ts';
import { testSendDeps } from '../../test/newsletters.ts';
import { type SmtpSink, startSmtpSink } from '../../test/smtp-sink.ts';
import { articleRepository } from '../articles/article.repository.ts';
import { saveImportedArticle } from '../articles/article.service.ts';
import { loadConfig } from '../config.ts';
import { createBulkMailer } from '../mail/bulk-mailer.ts';
import { createMailer, type Mailer } from '../mail/mailer.ts';
import { newsletterRepository } from './newsletter.repository.ts';
import { DEFAULT_NEWSLETTER_SLUG, ensureDefaultNewsletters, importSubscribers } from './newsletters.service.ts';
import { sendRepository } from './send.repository.ts';
import { createIssue, deliverSend, prepareSend, scheduleIssue } from './sends.service.ts';

/** Holds this thread off the CPU, as a crowded machine does to a live worker: no timer, no heartbeat runs. */
const starve = (ms: number) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

describeEachEngine('a lane that lost its lease', (database) => {
  let sink: SmtpSink;
  let mailer: Mailer;
  const db = () => database.handle.db;

  beforeAll(async () => {
    sink = await startSmtpSink();
    mailer = createMailer({ ...loadConfig({}).mail, smtpUrl: sink.url });
    await ensureDefaultNewsletters(db(), { name: 'صحيفة', address: 'newsletters@news.example' }, 'Asia/Riyadh');
  });
  afterAll(async () => {
    await mailer.close();
    await sink.close();
  });

  /** A send of `size` readers, frozen and ready for its lanes. */
  async function frozenSend(tag: string, size: number) {
    const emails = Array.from({ length: size }, (_, i) => `${tag}${i}@example.org`);
    await importSubscribers(db(), DEFAULT_NEWSLETTER_SLUG, emails);
    const daily = (await newsletterRepository(db()).findNewsletterBySlug(DEFAULT_NEWSLETTER_SLUG))!;
    // Only this test's readers.
    await db()
      .updateTable('subscriptions')
      .set({ status: 'unsubscribed' })
      .where('newsletter_id', '=', daily.id)
      .where('subscriber_id', 'in', db().selectFrom('subscribers').select('id').where('email', 'not like', `${tag}%`))
      .execute();
    const saved = await saveImportedArticle(db(), buildArticle({ title: `افتتاح معرض الكتاب في الميناء ${tag}` }));
    const { send } = await createIssue(db(), { newsletterId: daily.id, articleIds: [(await articleRepository(db()).findBySlug(saved.slug))!.id] });
    await scheduleIssue(db(), send.id);
    await prepareSend(testSendDeps(db(), mailer), send.id);
    return { sendId: send.id, emails };
  }

  async function expectAllSentOnceBy(sendId: string, workerId: string) {
    const rows = await db().selectFrom('send_recipients').select(['status', 'locked_by']).where('send_id', '=', sendId).execute();
    expect(rows.every((row) => row.status === 'sent' && row.locked_by === workerId)).toBe(true);
    expect(await sendRepository(db()).findSend(sendId)).toMatchObject({ status: 'sent', sent_count: rows.length });
  }

  const leaseMs = 2000;
  const signal = new AbortController().signal;
  const env = { NEWSLETTER_BATCH: '20', SMTP_POOL_SIZE: '1' };

  it('writes nothing more of its batch to the SMTP server once held off the CPU past its lease; the lane that takes over sends each message once', async () => {
    const { sendId, emails } = await frozenSend('starvedsmtp', 20);
    // Two servers, to tell what each lane sent. The starved lane's first message is on the wire when the lane is
    // held off the CPU past its lease (the server is in this process); meanwhile the other lane claims the lapsed
    // rows and sends them all. That first message was already written: the one duplicate a stall can make.
    const theirSink = await startSmtpSink();
    const config = loadConfig(env);
    const starvedBulk = createBulkMailer({ ...config.mail, smtpUrl: sink.url }, mailer);
    const thiefBulk = createBulkMailer({ ...config.mail, smtpUrl: theirSink.url }, mailer);
    let thief: Promise<unknown> = Promise.resolve();
    sink.beforeAnswer(async () => {
      if (sink.messages.length > 0) return;
      starve(leaseMs + 500);
      thief = deliverSend(testSendDeps(db(), mailer, env, thiefBulk), sendId, { workerId: 'thief', leaseMs: 60_000, signal });
      await thief;
    });
    try {
      await deliverSend(testSendDeps(db(), mailer, env, starvedBulk), sendId, { workerId: 'starved', leaseMs, signal });
      await thief;
      expect(sink.messages).toHaveLength(1);
      expect(theirSink.messages.map((mail) => mail.envelope.to[0]).sort()).toEqual([...emails].sort());
      await expectAllSentOnceBy(sendId, 'thief');
    } finally {
      sink.beforeAnswer(() => {});
      await starvedBulk.close();
      await thiefBulk.close();
      await theirSink.close();
    }
  });

  it('hands nothing more of its batch to the mailer (the outbox path) once held off the CPU past its lease', async () => {
    const { sendId, emails } = await frozenSend('starvedoutbox', 20);
    const handedOver: string[] = [];
    let thief: Promise<unknown> = Promise.resolve();
    // The first message handed to the mailer: the lane is starved past its lease right then, and meanwhile another
    // lane claims the lapsed rows and sends them. Then this one message goes out too (it was on its way).
    const starvedMailer: Mailer = {
      ...mailer,
      async send(message) {
        handedOver.push(String(message.to));
        if (handedOver.length === 1) {
          starve(leaseMs + 500);
          thief = deliverSend(testSendDeps(db(), mailer, env), sendId, { workerId: 'thief', leaseMs: 60_000, signal });
          await thief;
        }
        return mailer.send(message);
      },
    };
    sink.clear();
    await deliverSend(testSendDeps(db(), starvedMailer, env), sendId, { workerId: 'starved', leaseMs, signal });
    await thief;
    // Nothing handed over after the stall: the other 19 were withheld, not sent by the starved lane.
    expect(handedOver).toHaveLength(1);
    expect(sink.messages.map((mail) => mail.envelope.to[0]!).sort()).toEqual([...emails, handedOver[0]!].sort());
    await expectAllSentOnceBy(sendId, 'thief');
  });
});
