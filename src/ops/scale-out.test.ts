import { describe, expect, it } from 'vitest';
import { buildArticle } from '../../test/build-article.ts';
import { databaseUrlOf, freshPostgresSchema } from '../../test/engines.ts';
import { manualNewsletterForm } from '../../test/newsletters.ts';
import { type RunningSahifa, startSahifa } from '../../test/run-sahifa.ts';
import { type SmtpSink, startSmtpSink } from '../../test/smtp-sink.ts';
import { saveImportedArticle } from '../articles/article.service.ts';
import { openDatabase } from '../db/database.ts';
import { migrateToLatest } from '../db/migrate.ts';
import { enqueueScheduledPublication } from '../jobs/publish-scheduled.job.ts';
import { saveNewsletter } from '../newsletters/newsletter-settings.service.ts';
import { createIssue, scheduleIssue } from '../newsletters/sends.service.ts';
import { scheduleArticle } from '../newsroom/article-editing.service.ts';

const postgresUrl = process.env.TEST_DATABASE_URL;
const EDITOR = { id: null, name: 'محررة الاختبار' };
const SITE_URL = 'https://news.example';
const READERS = 24;

/** The anonymous CSRF cookie and form token of a page, as a browser would keep them. */
async function formOf(url: string): Promise<{ cookie: string; token: string }> {
  const response = await fetch(url);
  expect(response.status).toBe(200);
  const token = /name="_csrf" value="([^"]+)"/.exec(await response.text())?.[1];
  const cookie = response.headers.getSetCookie().find((c) => c.startsWith('sahifa_csrf='))?.split(';')[0];
  expect(token && cookie).toBeTruthy();
  return { cookie: cookie!, token: token! };
}

function postForm(url: string, cookie: string, fields: Record<string, string>): Promise<Response> {
  return fetch(url, { method: 'POST', headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(fields).toString(), redirect: 'manual' });
}

/**
 * One reader signing up the way a browser does, each step through the other web process than the one before:
 * the signup form, the confirmation email (sent by the web process that took the form), the confirm page, the
 * confirm button. The anonymous CSRF cookie of one process must be good on the other (the key is in the database).
 */
async function subscribeThroughTheWeb(sink: SmtpSink, webs: RunningSahifa[], index: number, email: string, newsletterSlug: string): Promise<void> {
  const [first, second] = index % 2 ? [webs[1]!, webs[0]!] : [webs[0]!, webs[1]!];
  const signup = await formOf(`${first.baseUrl}/newsletters`);
  const subscribed = await postForm(`${second.baseUrl}/newsletters/subscribe`, signup.cookie, { _csrf: signup.token, email, newsletter: newsletterSlug });
  expect(subscribed.status).toBe(200);
  const mail = await sink.waitForMessageTo(email, 30_000);
  const link = mail.links.find((href) => href.startsWith(`${SITE_URL}/newsletters/confirm/`))!;
  const confirmPath = new URL(link).pathname;
  const confirm = await formOf(`${first.baseUrl}${confirmPath}`);
  const confirmed = await postForm(`${second.baseUrl}${confirmPath}`, confirm.cookie, { _csrf: confirm.token });
  expect(confirmed.status).toBe(200);
}

describe.runIf(postgresUrl)('scale-out: 2 web and 2 worker processes on one PostgreSQL', () => {
  it('serves through both web processes, publishes every scheduled article and delivers a newsletter issue exactly once', async () => {
    const fresh = await freshPostgresSchema(postgresUrl!);
    const database = openDatabase(fresh.target);
    const sink = await startSmtpSink();
    const processes: RunningSahifa[] = [];
    try {
      const { db } = database;
      await migrateToLatest(db);
      const ids: string[] = [];
      for (let i = 0; i < 8; i++) {
        const { slug } = await saveImportedArticle(db, buildArticle({ title: `خبر مجدول للنشر رقم ${i + 1}` }));
        ids.push((await db.selectFrom('articles').select('id').where('slug', '=', slug).executeTakeFirstOrThrow()).id);
      }
      const { slug: issueSlug } = await saveImportedArticle(db, buildArticle({ title: 'افتتاح مكتبة عامة في الحي القديم' }));
      const issueArticle = (await db.selectFrom('articles').select('id').where('slug', '=', issueSlug).executeTakeFirstOrThrow()).id;
      // A newsletter sent only when an editor says so: no daily or weekly plan can add an issue of its own mid-test.
      const newsletterId = await saveNewsletter(
        db,
        null,
        manualNewsletterForm('نشرة الاختبار', 'scale-out'),
        EDITOR,
      );

      const env = {
        DATABASE_URL: databaseUrlOf(fresh.target),
        SITE_URL,
        SMTP_URL: sink.url,
        WORKER_IN_PROCESS: 'false',
        WORKER_POLL_MS: '100',
        LOG_LEVEL: 'info',
      };
      const started = await Promise.all([
        startSahifa(['serve'], env, 120_000),
        startSahifa(['serve'], env, 120_000),
        startSahifa(['worker'], env, 120_000, /job worker started/),
        startSahifa(['worker'], env, 120_000, /job worker started/),
      ]);
      processes.push(...started);
      const webs = started.slice(0, 2);

      // Readers sign up and confirm through both web processes, several at a time.
      const emails = Array.from({ length: READERS }, (_, i) => `reader${i}@scale-out.example.org`);
      await Promise.all(emails.map((email, i) => subscribeThroughTheWeb(sink, webs, i, email, 'scale-out')));
      const confirmed = await db.selectFrom('subscriptions').select('subscriber_id').where('newsletter_id', '=', newsletterId).where('status', '=', 'confirmed').execute();
      expect(confirmed).toHaveLength(READERS);

      // Articles scheduled a few seconds ahead, each with its publish job, as the newsroom does; the issue too.
      const at = new Date(Date.now() + 3_000);
      for (const id of ids) await scheduleArticle(db, id, at, EDITOR, { onScheduled: enqueueScheduledPublication });
      const { send } = await createIssue(db, { newsletterId, articleIds: [issueArticle] });
      await scheduleIssue(db, send.id, at);

      // Traffic through both web processes until every article is published and the issue is sent.
      const statuses: number[] = [];
      const deadline = Date.now() + 90_000;
      let published = 0;
      let jobsDone = 0;
      let sendStatus = '';
      while (Date.now() < deadline) {
        for (const web of webs) statuses.push((await fetch(`${web.baseUrl}/`)).status);
        published = (await db.selectFrom('articles').select('id').where('id', 'in', ids).where('status', '=', 'published').execute()).length;
        // The first publish job publishes every due article; the others then find nothing left to do.
        jobsDone = (await db.selectFrom('jobs').select('id').where('kind', '=', 'newsroom.publish-scheduled').where('status', '=', 'done').execute()).length;
        sendStatus = (await db.selectFrom('newsletter_sends').select('status').where('id', '=', send.id).executeTakeFirstOrThrow()).status;
        if (published === ids.length && jobsDone === ids.length && sendStatus === 'sent') break;
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
      expect(published).toBe(ids.length);
      expect(sendStatus).toBe('sent');
      expect(statuses.every((status) => status === 200)).toBe(true);

      // Exactly once: one publication in the audit log per article, each job done on its first attempt.
      const audits = await db.selectFrom('audit_log').select('subject_id').where('action', '=', 'article.publish').execute();
      expect(audits.map((a) => a.subject_id).sort()).toEqual([...ids].sort());
      const jobs = await db.selectFrom('jobs').select(['status', 'attempts', 'locked_by']).where('kind', '=', 'newsroom.publish-scheduled').execute();
      expect(jobs).toHaveLength(ids.length);
      expect(jobs.map((job) => `${job.status}/${job.attempts}`)).toEqual(ids.map(() => 'done/1'));

      // Every reader received, on the real SMTP server, one confirmation and one copy of the issue — no more.
      const finished = await db.selectFrom('newsletter_sends').select(['recipients_total', 'sent_count', 'failed_count']).where('id', '=', send.id).executeTakeFirstOrThrow();
      expect(finished).toEqual({ recipients_total: READERS, sent_count: READERS, failed_count: 0 });
      const received = (subject: (text: string) => boolean) => {
        const perAddress = new Map<string, number>();
        for (const mail of sink.messages.filter((m) => subject(m.subject))) for (const to of mail.envelope.to) perAddress.set(to, (perAddress.get(to) ?? 0) + 1);
        return Object.fromEntries([...perAddress].sort());
      };
      const once = Object.fromEntries([...emails].sort().map((email) => [email, 1]));
      expect(received((subject) => subject.startsWith('أكّد اشتراكك'))).toEqual(once);
      expect(received((subject) => subject === 'نشرة الاختبار: افتتاح مكتبة عامة في الحي القديم')).toEqual(once);
      expect(sink.messages).toHaveLength(2 * READERS);

      // Both web processes see the published articles (the page cache is shared through the database).
      for (const web of webs) {
        const api = (await (await fetch(`${web.baseUrl}/api/articles`)).json()) as { articles?: { title: string }[] };
        expect(JSON.stringify(api)).toContain('خبر مجدول للنشر رقم 1');
      }

      // Graceful stop of all four.
      for (const running of processes) running.child.kill('SIGTERM');
      expect(await Promise.all(processes.map((running) => running.exited))).toEqual([0, 0, 0, 0]);
    } finally {
      for (const running of processes) running.child.kill('SIGKILL');
      await sink.close();
      await database.close();
      await fresh.drop();
    }
  }, 300_000);
});
