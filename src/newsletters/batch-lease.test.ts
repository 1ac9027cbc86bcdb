import { afterAll, beforeAll, expect, it } from 'vitest';
import { buildArticle } from '../../test/build-article.ts';
import { describeEachEngine } from '../../test/engines.ts';
import { testSendDeps } from '../../test/newsletters.ts';
import { type SmtpSink, startSmtpSink } from '../../test/smtp-sink.ts';
import { articleRepository } from '../articles/article.repository.ts';
import { saveImportedArticle } from '../articles/article.service.ts';
import { loadConfig } from '../config.ts';
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

  it('sends nothing more of its batch once held off the CPU past its lease; the lane that takes over sends the rest once', async () => {
    const emails = Array.from({ length: 20 }, (_, i) => `starved${i}@example.org`);
    await importSubscribers(db(), DEFAULT_NEWSLETTER_SLUG, emails);
    const saved = await saveImportedArticle(db(), buildArticle({ title: 'افتتاح معرض الكتاب في الميناء' }));
    const daily = (await newsletterRepository(db()).findNewsletterBySlug(DEFAULT_NEWSLETTER_SLUG))!;
    const { send } = await createIssue(db(), { newsletterId: daily.id, articleIds: [(await articleRepository(db()).findBySlug(saved.slug))!.id] });
    await scheduleIssue(db(), send.id);
    const deps = testSendDeps(db(), mailer, { NEWSLETTER_BATCH: '20' });
    await prepareSend(deps, send.id);

    const leaseMs = 2000;
    const signal = new AbortController().signal;
    const handedOver: string[] = [];
    let thief: Promise<unknown> = Promise.resolve();
    // The first message handed to the mailer: the lane is starved past its lease right then, and meanwhile another
    // lane claims the lapsed rows and sends them. Then this one message goes out too (it was on its way: the one
    // duplicate a stall can make), and the starved lane looks at the rest of its batch.
    const starvedMailer: Mailer = {
      ...mailer,
      async send(message) {
        handedOver.push(String(message.to));
        if (handedOver.length === 1) {
          starve(leaseMs + 500);
          thief = deliverSend(deps, send.id, { workerId: 'thief', leaseMs: 60_000, signal });
          await thief;
        }
        return mailer.send(message);
      },
    };
    await deliverSend({ ...deps, mailer: starvedMailer }, send.id, { workerId: 'starved', leaseMs, signal });
    await thief;

    // Nothing handed over after the stall: the other 19 were withheld, not sent by the starved lane.
    expect(handedOver).toHaveLength(1);
    const received = sink.messages.map((mail) => mail.envelope.to[0]!);
    expect([...received].sort()).toEqual([...emails, handedOver[0]!].sort());
    const rows = await db().selectFrom('send_recipients').select(['status', 'locked_by']).where('send_id', '=', send.id).execute();
    expect(rows.every((row) => row.status === 'sent' && row.locked_by === 'thief')).toBe(true);
    expect(await sendRepository(db()).findSend(send.id)).toMatchObject({ status: 'sent', sent_count: 20 });
  });
});
