import { afterAll, beforeAll, expect, it } from 'vitest';
import { buildArticle } from '../../test/build-article.ts';
import { describeEachEngine } from '../../test/engines.ts';
import { TEST_SECRET, runSendToEnd, testSendDeps, testWorker } from '../../test/newsletters.ts';
import { freePort } from '../../test/run-sahifa.ts';
import { type SmtpSink, startSmtpSink } from '../../test/smtp-sink.ts';
import { articleRepository } from '../articles/article.repository.ts';
import { saveImportedArticle } from '../articles/article.service.ts';
import { loadConfig } from '../config.ts';
import { jobRepository } from '../jobs/job.repository.ts';
import { type BulkMailer, createBulkMailer } from '../mail/bulk-mailer.ts';
import { createMailer, type Mailer } from '../mail/mailer.ts';
import { newsletterRepository } from './newsletter.repository.ts';
import { BREAKING_NEWSLETTER_SLUG, DEFAULT_NEWSLETTER_SLUG, ensureDefaultNewsletters, importSubscribers, subscribeAccount, unsubscribeWithToken } from './newsletters.service.ts';
import { follow } from '../feed/follow.service.ts';
import { sendRepository } from './send.repository.ts';
import { cancelSend, createIssue, enqueueBreakingNews, pauseSend, planScheduledIssues, resumeSend, scheduleIssue } from './sends.service.ts';
import { readBounceAddress } from './tokens.ts';
import { newsletterPersonalData } from './personal-data.ts';

describeEachEngine('newsletter delivery', (database) => {
  let sink: SmtpSink;
  let mailer: Mailer;
  // Newsletters go out through the lean pipelined client, as in a worker with SMTP_URL set.
  let bulkMailer: BulkMailer;
  const db = () => database.handle.db;
  const deps = () => testSendDeps(db(), mailer, {}, bulkMailer);
  const newsletter = async (slug: string) => (await newsletterRepository(db()).findNewsletterBySlug(slug))!;
  let counter = 0;
  /** A fresh newsletter audience for each test: its own addresses on the daily digest. */
  const audience = async (size: number) => {
    counter++;
    const emails = Array.from({ length: size }, (_, i) => `reader${i}.t${counter}@example.org`);
    await importSubscribers(db(), DEFAULT_NEWSLETTER_SLUG, emails);
    return emails;
  };
  const article = async (title: string, publishedAt = new Date().toISOString(), sectionName = 'ثقافة') => {
    const saved = await saveImportedArticle(db(), buildArticle({ title, subtitle: 'سطر تمهيدي قصير عن الخبر', publishedAt, sectionName }));
    return (await articleRepository(db()).findBySlug(saved.slug))!.id;
  };

  beforeAll(async () => {
    sink = await startSmtpSink();
    mailer = createMailer({ ...loadConfig({}).mail, smtpUrl: sink.url });
    bulkMailer = createBulkMailer({ ...loadConfig({}).mail, smtpUrl: sink.url }, mailer);
    await ensureDefaultNewsletters(db(), { name: 'صحيفة', address: 'newsletters@news.example' }, 'Asia/Riyadh');
  });
  afterAll(async () => {
    await mailer.close();
    await bulkMailer.close();
    await sink.close();
  });

  it('sends one RTL message with list headers to each confirmed reader, and only to them', async () => {
    sink.clear();
    const emails = await audience(3);
    const daily = await newsletter(DEFAULT_NEWSLETTER_SLUG);
    // Readers of this test only: everyone else on the list is unsubscribed from this issue's point of view.
    const others = await db().selectFrom('subscribers').select('id').where('email', 'not in', emails).execute();
    for (const other of others) await newsletterRepository(db()).unsubscribe(other.id, daily.id, 'page', new Date().toISOString());
    const id = await article('افتتاح جسر جديد فوق النهر');
    const { send } = await createIssue(db(), { newsletterId: daily.id, articleIds: [id] });
    await scheduleIssue(db(), send.id);
    const done = await runSendToEnd(testWorker(deps()), db(), send.id);
    expect(done).toMatchObject({ status: 'sent', recipients_total: 3, sent_count: 3, failed_count: 0 });

    const received = await sink.waitForMessages(3);
    expect(received.map((mail) => mail.envelope.to[0]).sort()).toEqual([...emails].sort());
    const mail = received[0]!;
    expect(mail.subject).toBe('الموجز اليومي: افتتاح جسر جديد فوق النهر');
    expect(mail.html).toMatch(/<html[^>]*lang="ar"[^>]*dir="rtl"/);
    expect(mail.html).toMatch(/<body[^>]*dir="rtl"[^>]*lang="ar"/);
    expect(mail.html).toContain('افتتاح جسر جديد فوق النهر');
    expect(mail.html).toContain(`https://news.example/newsletters/view/${send.id}`);
    expect(Buffer.byteLength(mail.html)).toBeLessThan(102_000);
    expect(mail.text).toContain('افتتاح جسر جديد فوق النهر');
    expect(mail.text).toContain('https://news.example/article/');
    expect(mail.raw.toString()).toMatch(/^List-Id: =\?UTF-8\?B\?[A-Za-z0-9+/=]+\?= <daily\.newsletters\.news\.example>\r?$/im);
    const listUnsubscribe = mail.raw.toString().match(/^List-Unsubscribe: (.*?)\r?$/m)?.[1] ?? '';
    expect(listUnsubscribe).toMatch(/^<https:\/\/news\.example\/unsubscribe\/[^>]+>, <mailto:unsubscribe@news\.example\?subject=unsubscribe%20[^>]+>$/);
    expect(mail.raw.toString()).toMatch(/^List-Unsubscribe-Post: List-Unsubscribe=One-Click\r?$/m);
    expect(mail.raw.toString()).toMatch(new RegExp(`^Feedback-ID: ${send.id.slice(0, 8)}:daily:newsletter:sahifa\r?$`, 'm'));
    expect(mail.parsed.headers.get('precedence')).toBe('bulk');
    expect(mail.parsed.messageId).toMatch(new RegExp(`^<${send.id}\\.[0-9a-f-]{36}@news\\.example>$`));
    // The envelope sender names the reader, for bounces that come back without saying whom they concern.
    const subscriber = await newsletterRepository(db()).findSubscriberByEmail(mail.envelope.to[0]!);
    expect(readBounceAddress(TEST_SECRET, mail.envelope.from)).toBe(subscriber!.id);

    // The unsubscribe link in the text part is the reader's own, and it works.
    const link = mail.links.find((url) => url.includes('/unsubscribe/'))!;
    expect(listUnsubscribe).toContain(link);
    await unsubscribeWithToken({ db: db(), secret: TEST_SECRET }, link.split('/unsubscribe/')[1]!, 'one_click');
    expect((await newsletterRepository(db()).findSubscription(subscriber!.id, daily.id))?.status).toBe('unsubscribed');
  });

  it('retries a 4xx answer later and suppresses a 5xx address for every later send', async () => {
    sink.clear();
    const [busy, gone, fine] = await audience(3);
    const daily = await newsletter(DEFAULT_NEWSLETTER_SLUG);
    sink.refuseRecipient(busy!, { code: 451, message: 'greylisted, try again' });
    sink.refuseRecipient(gone!, { code: 550, message: 'no such mailbox' });
    const { send } = await createIssue(db(), { newsletterId: daily.id, articleIds: [await article('مهرجان الكتاب يفتح أبوابه')] });
    await scheduleIssue(db(), send.id);
    // Retries wait a second here, so the worker runs in the background while the test watches the rows.
    const worker = testWorker(testSendDeps(db(), mailer, { NEWSLETTER_RETRY_SECONDS: '1' }, bulkMailer));
    worker.start();
    const row = (email: string) => db().selectFrom('send_recipients').selectAll().where('send_id', '=', send.id).where('email', '=', email).executeTakeFirst();
    try {
      await expect.poll(async () => (await row(busy!))?.attempts, { timeout: 10_000, interval: 20 }).toBe(1);
      expect(await row(busy!)).toMatchObject({ status: 'pending' });
      expect((await row(busy!))?.error).toContain('greylisted');
      await expect.poll(async () => (await row(gone!))?.status, { timeout: 10_000, interval: 20 }).toBe('failed');
      sink.acceptRecipient(busy!);
      await expect.poll(async () => (await sendRepository(db()).findSend(send.id))?.status, { timeout: 15_000, interval: 50 }).toBe('sent');
    } finally {
      await worker.stop();
    }
    const done = (await sendRepository(db()).findSend(send.id))!;
    expect(await row(busy!)).toMatchObject({ status: 'sent', attempts: 2 });
    expect(done).toMatchObject({ status: 'sent', failed_count: 1 });
    expect(sink.messages.map((mail) => mail.envelope.to[0]).filter((to) => [busy, gone, fine].includes(to))).toEqual(expect.arrayContaining([busy, fine]));
    expect(await newsletterRepository(db()).isSuppressed(gone!)).toBe(true);
    const bounce = await db().selectFrom('email_bounces').selectAll().where('email', '=', gone!).executeTakeFirst();
    expect(bounce).toMatchObject({ kind: 'hard', status_code: '550', send_id: send.id });

    // The next issue leaves the suppressed address out from the start.
    const next = await createIssue(db(), { newsletterId: daily.id, articleIds: [await article('افتتاح حديقة عامة')] });
    await scheduleIssue(db(), next.send.id);
    await runSendToEnd(worker, db(), next.send.id);
    const rows = await db().selectFrom('send_recipients').select('email').where('send_id', '=', next.send.id).execute();
    expect(rows.map((row) => row.email)).not.toContain(gone);
    expect(rows.map((row) => row.email)).toContain(fine);
  });

  it('keeps the messages waiting, at no cost to the readers, while the mail server cannot be reached, then sends them', async () => {
    sink.clear();
    const emails = await audience(2);
    const daily = await newsletter(DEFAULT_NEWSLETTER_SLUG);
    const { send } = await createIssue(db(), { newsletterId: daily.id, articleIds: [await article('افتتاح معرض الزهور في الحديقة')] });
    await scheduleIssue(db(), send.id);
    const closedPort = await freePort();
    const unreachable = createBulkMailer({ ...loadConfig({}).mail, smtpUrl: `smtp://127.0.0.1:${closedPort}` }, mailer);
    // One attempt allowed: were a connection failure charged to the reader, the first one would fail them.
    const settings = { NEWSLETTER_RETRY_SECONDS: '1', NEWSLETTER_MAX_ATTEMPTS: '1' };
    const rows = () => db().selectFrom('send_recipients').selectAll().where('send_id', '=', send.id).where('email', 'in', emails).execute();
    const offline = testWorker(testSendDeps(db(), mailer, settings, unreachable));
    offline.start();
    try {
      await expect.poll(async () => (await rows()).every((row) => row.error?.includes('could not connect')), { timeout: 10_000, interval: 20 }).toBe(true);
      await new Promise((resolve) => setTimeout(resolve, 2_500));
    } finally {
      await offline.stop();
      await unreachable.close();
    }
    for (const row of await rows()) expect(row).toMatchObject({ status: 'pending', attempts: 0 });
    expect(await db().selectFrom('email_bounces').selectAll().where('email', 'in', emails).execute()).toEqual([]);

    const online = testWorker(testSendDeps(db(), mailer, settings, bulkMailer));
    await runSendToEnd(online, db(), send.id);
    for (const row of await rows()) expect(row.status).toBe('sent');
    expect(sink.messages.map((mail) => mail.envelope.to[0]).filter((to) => emails.includes(to!)).sort()).toEqual([...emails].sort());
  });

  it('skips a reader who unsubscribed after the audience was frozen', async () => {
    sink.clear();
    const [leaving, staying] = await audience(2);
    const daily = await newsletter(DEFAULT_NEWSLETTER_SLUG);
    const { send } = await createIssue(db(), { newsletterId: daily.id, articleIds: [await article('سباق الدراجات في الساحل')] });
    await scheduleIssue(db(), send.id);
    const worker = testWorker(deps());
    await worker.runDue(); // freezes the audience and enqueues the lanes; no mail yet
    expect((await sendRepository(db()).findSend(send.id))?.status).toBe('sending');
    const subscriber = await newsletterRepository(db()).findSubscriberByEmail(leaving!);
    await newsletterRepository(db()).unsubscribe(subscriber!.id, daily.id, 'one_click', new Date().toISOString());
    await runSendToEnd(worker, db(), send.id);
    const recipients = sink.messages.map((mail) => mail.envelope.to[0]);
    expect(recipients).toContain(staying);
    expect(recipients).not.toContain(leaving);
    const row = await db().selectFrom('send_recipients').selectAll().where('send_id', '=', send.id).where('email', '=', leaving!).executeTakeFirst();
    expect(row?.status).toBe('skipped');
  });

  it('sends one breaking alert per article however often it is asked for, at most one an hour per reader', async () => {
    sink.clear();
    const breaking = await newsletter(BREAKING_NEWSLETTER_SLUG);
    const [reader] = await audience(1);
    const subscriber = await newsletterRepository(db()).findSubscriberByEmail(reader!);
    await newsletterRepository(db()).putSubscription({ subscriber_id: subscriber!.id, newsletter_id: breaking.id, status: 'confirmed', source: 'account', created_at: new Date().toISOString(), updated_at: new Date().toISOString() });
    const first = await article('زلزال خفيف يضرب المنطقة الشمالية');
    const a = await enqueueBreakingNews(db(), first);
    const b = await enqueueBreakingNews(db(), first);
    expect(b?.id).toBe(a?.id);
    const worker = testWorker(deps());
    const done = await runSendToEnd(worker, db(), a!.id);
    expect(done.recipients_total).toBeGreaterThanOrEqual(1);
    const alert = await sink.waitForMessageTo(reader!);
    expect(alert.subject).toBe('عاجل: زلزال خفيف يضرب المنطقة الشمالية');

    // A second story within the hour: the reader who just had an alert is left out of this one.
    const second = await enqueueBreakingNews(db(), await article('انقطاع الكهرباء في وسط المدينة'));
    const secondDone = await runSendToEnd(worker, db(), second!.id);
    const rows = await db().selectFrom('send_recipients').select('email').where('send_id', '=', secondDone.id).execute();
    expect(rows.map((row) => row.email)).not.toContain(reader);
  });

  it('pauses between batches, resumes where it stopped, and cancels', async () => {
    sink.clear();
    await audience(5);
    const daily = await newsletter(DEFAULT_NEWSLETTER_SLUG);
    const { send } = await createIssue(db(), { newsletterId: daily.id, articleIds: [await article('معرض للفنون التشكيلية')] });
    await scheduleIssue(db(), send.id);
    await pauseSend(db(), send.id);
    const worker = testWorker(deps());
    await worker.runDue();
    expect((await sendRepository(db()).findSend(send.id))?.status).toBe('paused');
    expect(sink.messages).toHaveLength(0);
    await resumeSend(db(), send.id, 2);
    const done = await runSendToEnd(worker, db(), send.id);
    expect(done.status).toBe('sent');
    expect(sink.messages.length).toBe(done.sent_count);

    const other = await createIssue(db(), { newsletterId: daily.id, articleIds: [await article('أمسية شعرية في المكتبة')] });
    await scheduleIssue(db(), other.send.id, new Date(Date.now() + 60_000));
    await cancelSend(db(), other.send.id);
    expect((await sendRepository(db()).findSend(other.send.id))?.status).toBe('cancelled');
    const job = await jobRepository(db()).findByDedupeKey(`newsletters.send:${other.send.id}`);
    await jobRepository(db()).reschedule(job!.id, new Date().toISOString(), new Date().toISOString());
    await worker.runDue();
    expect(await sendRepository(db()).recipientCounts(other.send.id)).toMatchObject({ pending: 0, sent: 0 });
  });

  it("schedules the daily digest at 07:00 in each reader's zone, once per day, with only that zone's readers", async () => {
    const daily = await newsletter(DEFAULT_NEWSLETTER_SLUG);
    const [riyadh, cairo] = await audience(2);
    await db().updateTable('subscribers').set({ time_zone: 'Africa/Cairo' }).where('email', '=', cairo!).execute();
    await article('سوق الخضار يفتح مبكرًا', '2031-03-04T02:00:00.000Z');
    // 04:30 UTC: 07:30 in Riyadh (the site's zone, also of readers without one), 06:30 in Cairo.
    const early = await planScheduledIssues(deps(), new Date('2031-03-04T04:30:00Z'));
    expect(early.map((send) => send.audience_time_zone)).toEqual(['Asia/Riyadh']);
    expect(await planScheduledIssues(deps(), new Date('2031-03-04T04:31:00Z'))).toEqual([]);
    const later = await planScheduledIssues(deps(), new Date('2031-03-04T05:00:00Z'));
    expect(later.map((send) => send.audience_time_zone)).toEqual(['Africa/Cairo']);
    // Friday 09:00 in Riyadh: «نشرتك» is due and has the week's article, but no reader yet, so no issue.
    expect(await newsletterRepository(db()).countByStatus((await newsletter('yours')).id)).toMatchObject({ confirmed: 0 });
    expect(await planScheduledIssues(deps(), new Date('2031-03-07T06:00:00Z'))).toEqual([]);
    const worker = testWorker(deps());
    await jobRepository(db()).reschedule((await jobRepository(db()).findByDedupeKey(`newsletters.send:${later[0]!.id}`))!.id, new Date().toISOString(), new Date().toISOString());
    await runSendToEnd(worker, db(), later[0]!.id);
    const rows = await db().selectFrom('send_recipients').select('email').where('send_id', '=', later[0]!.id).execute();
    expect(rows.map((row) => row.email)).toContain(cairo);
    expect(rows.map((row) => row.email)).not.toContain(riyadh);
  });

  it('gives a reader with an account the articles of their own feed in «نشرتك», and keeps them for a resend', async () => {
    sink.clear();
    const yours = await newsletter('yours');
    const sport = await article('الفريق المحلي يفوز بالكأس', new Date().toISOString(), 'رياضة');
    const sportSection = (await articleRepository(db()).findSectionByName('رياضة'))!;
    await subscribeAccount(db(), { userId: 'reader-follows-sport', email: 'fan@example.org' }, 'yours', 'account');
    await follow(db(), 'reader-follows-sport', 'section', sportSection.slug);
    await importSubscribers(db(), 'yours', ['anonymous.weekly@example.org']);
    const { send } = await createIssue(db(), { newsletterId: yours.id });
    await scheduleIssue(db(), send.id);
    await runSendToEnd(testWorker(deps()), db(), send.id);
    const fan = await sink.waitForMessageTo('fan@example.org');
    expect(fan.text).toContain('الفريق المحلي يفوز بالكأس');
    const rows = await db().selectFrom('send_recipients').select(['email', 'article_ids']).where('send_id', '=', send.id).execute();
    const fanIds = JSON.parse(rows.find((row) => row.email === 'fan@example.org')!.article_ids!) as string[];
    expect(fanIds).toContain(sport);
    expect(rows.find((row) => row.email === 'anonymous.weekly@example.org')?.article_ids).toBeNull();
  });

  it("exports a reader's subscriptions and erases them with the account", async () => {
    const reader = { id: 'reader-leaving-us', email: 'Leaving.Reader@example.org' };
    await subscribeAccount(db(), { userId: reader.id, email: reader.email }, DEFAULT_NEWSLETTER_SLUG, 'account');
    expect(await newsletterPersonalData.export(db(), reader)).toEqual({ email: 'leaving.reader@example.org', subscriptions: [{ newsletter: 'الموجز اليومي', status: 'confirmed' }] });
    await db().transaction().execute((trx) => newsletterPersonalData.erase!(trx, reader));
    expect(await newsletterRepository(db()).findSubscriberByEmail('leaving.reader@example.org')).toBeUndefined();
    expect(await db().selectFrom('subscriptions').select('subscriber_id').where('source', '=', 'account').where('subscriber_id', 'not in', db().selectFrom('subscribers').select('id')).execute()).toEqual([]);
  });

  it('never creates an empty issue', async () => {
    const daily = await newsletter(DEFAULT_NEWSLETTER_SLUG);
    await expect(createIssue(db(), { newsletterId: daily.id, articleIds: ['no-such-article'] })).rejects.toThrow(/not published: no-such-article/);
    const breaking = await newsletter(BREAKING_NEWSLETTER_SLUG);
    await expect(createIssue(db(), { newsletterId: breaking.id })).rejects.toThrow(/articles an editor chooses/);
  });
});
