import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { buildArticle } from '../../test/build-article.ts';
import { describeEachEngine } from '../../test/engines.ts';
import { runSendToEnd, testSendDeps, testWorker } from '../../test/newsletters.ts';
import { type SmtpSink, startSmtpSink } from '../../test/smtp-sink.ts';
import { buildApp } from '../app.ts';
import { articleRepository } from '../articles/article.repository.ts';
import { saveImportedArticle } from '../articles/article.service.ts';
import { loadConfig } from '../config.ts';
import { createMailer, type Mailer } from '../mail/mailer.ts';
import { newsletterRepository } from './newsletter.repository.ts';
import { DEFAULT_NEWSLETTER_SLUG, ensureDefaultNewsletters } from './newsletters.service.ts';
import { newsletterSecret } from './secret.ts';
import { createIssue, scheduleIssue } from './sends.service.ts';
import { unsubscribeToken } from './tokens.ts';
import { insertReader } from '../../test/build-reader.ts';
import { SESSION_COOKIE } from '../accounts/session.plugin.ts';
import { sessionService } from '../accounts/session.service.ts';

/** The CSRF cookie and token of a fresh anonymous visitor, read from a page's form. */
async function csrf(app: FastifyInstance, url: string) {
  const page = await app.inject({ url });
  const token = /name="_csrf" value="([^"]+)"/.exec(page.body)?.[1];
  const cookie = page.cookies.find((c) => c.name === 'sahifa_csrf');
  if (!token || !cookie) throw new Error(`no CSRF token on ${url}`);
  return { token, cookie: `${cookie.name}=${cookie.value}` };
}

describeEachEngine('newsletter pages', (database) => {
  let sink: SmtpSink;
  let mailer: Mailer;
  let app: FastifyInstance;
  const config = loadConfig({ SITE_URL: 'https://news.example', NEWSLETTER_INBOUND_TOKEN: 'inbound-token-for-tests' });
  const db = () => database.handle.db;

  beforeAll(async () => {
    sink = await startSmtpSink();
    mailer = createMailer({ ...config.mail, smtpUrl: sink.url });
    await ensureDefaultNewsletters(db(), { name: 'صحيفة', address: 'newsletters@news.example' }, 'Asia/Riyadh');
    app = await buildApp({ config, database: database.handle, mailer });
  });
  afterAll(async () => {
    await app.close();
    await mailer.close();
    await sink.close();
  });

  it('lists the newsletters with a signup form, and in JSON', async () => {
    const page = await app.inject({ url: '/newsletters' });
    expect(page.statusCode).toBe(200);
    for (const name of ['الموجز اليومي', 'عاجل', 'نشرتك']) expect(page.body).toContain(name);
    expect(page.body).toContain('action="/newsletters/subscribe"');
    const api = await app.inject({ url: '/api/newsletters' });
    expect(api.json().newsletters.map((n: { slug: string }) => n.slug)).toEqual(['daily', 'breaking', 'yours']);
  });

  it('signs up with double opt-in: one confirmation mail, a link that confirms once', async () => {
    const { token, cookie } = await csrf(app, '/newsletters');
    const signup = await app.inject({
      method: 'POST',
      url: '/newsletters/subscribe',
      headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
      payload: `_csrf=${token}&email=${encodeURIComponent(' New.Reader@Example.org ')}&newsletter=daily&newsletter=breaking`,
    });
    expect(signup.statusCode).toBe(200);
    expect(signup.body).toContain('تحقق من بريدك');
    const subscriber = await newsletterRepository(db()).findSubscriberByEmail('new.reader@example.org');
    const daily = (await newsletterRepository(db()).findNewsletterBySlug('daily'))!;
    expect((await newsletterRepository(db()).findSubscription(subscriber!.id, daily.id))?.status).toBe('unconfirmed');

    const mail = await sink.waitForMessageTo('new.reader@example.org');
    expect(mail.subject).toContain('الموجز اليومي');
    expect(mail.html).toMatch(/<html[^>]*lang="ar"[^>]*dir="rtl"/);
    const link = mail.links.find((url) => url.startsWith('https://news.example/newsletters/confirm/'))!;
    const path = new URL(link).pathname;
    // Opening the link only shows a button: link scanners must not confirm for anyone.
    const confirmPage = await app.inject({ url: path });
    expect(confirmPage.statusCode).toBe(200);
    expect((await newsletterRepository(db()).findSubscription(subscriber!.id, daily.id))?.status).toBe('unconfirmed');
    const form = await csrf(app, path);
    const confirm = () =>
      app.inject({ method: 'POST', url: path, headers: { cookie: form.cookie, 'content-type': 'application/x-www-form-urlencoded' }, payload: `_csrf=${form.token}` });
    const confirmed = await confirm();
    expect(confirmed.statusCode).toBe(200);
    expect(confirmed.body).toContain('تم تأكيد اشتراكك');
    expect((await newsletterRepository(db()).findSubscription(subscriber!.id, daily.id))?.status).toBe('confirmed');
    expect((await confirm()).statusCode).toBe(404);
  });

  it('refuses a bad address with the reason, keeping what was typed', async () => {
    const { token, cookie } = await csrf(app, '/newsletters');
    const response = await app.inject({
      method: 'POST',
      url: '/newsletters/subscribe',
      headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
      payload: `_csrf=${token}&email=not-an-address&newsletter=daily`,
    });
    expect(response.statusCode).toBe(400);
    expect(response.body).toContain('اكتب عنوان بريد إلكتروني صحيحًا');
    expect(response.body).toContain('value="not-an-address"');
  });

  it('unsubscribes in one click without session or CSRF token, idempotently; a forged link is refused', async () => {
    const subscriber = await newsletterRepository(db()).upsertSubscriber({ id: crypto.randomUUID(), email: 'oneclick@example.org', user_id: null, time_zone: null, created_at: new Date().toISOString(), updated_at: new Date().toISOString() });
    const daily = (await newsletterRepository(db()).findNewsletterBySlug(DEFAULT_NEWSLETTER_SLUG))!;
    await newsletterRepository(db()).putSubscription({ subscriber_id: subscriber.id, newsletter_id: daily.id, status: 'confirmed', source: 'import', created_at: new Date().toISOString(), updated_at: new Date().toISOString() });
    const token = unsubscribeToken(await newsletterSecret(db()), subscriber.id, daily.id);

    const page = await app.inject({ url: `/unsubscribe/${token}` });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('نعم، ألغِ اشتراكي');
    expect(page.body).toContain('o•••@example.org');

    const oneClick = () =>
      app.inject({ method: 'POST', url: `/unsubscribe/${token}`, headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: 'List-Unsubscribe=One-Click' });
    expect((await oneClick()).statusCode).toBe(200);
    expect(await newsletterRepository(db()).findSubscription(subscriber.id, daily.id)).toMatchObject({ status: 'unsubscribed', unsubscribe_source: 'one_click' });
    const again = await oneClick();
    expect(again.statusCode).toBe(200);
    expect(again.body).toContain('أُلغي اشتراكك');
    const forged = await app.inject({ method: 'POST', url: `/unsubscribe/${subscriber.id}.${daily.id}.AAAAAAAAAAAAAAAAAAAAAA`, payload: 'List-Unsubscribe=One-Click', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expect(forged.statusCode).toBe(404);
  });

  it("shows a sent issue in the browser without anyone's unsubscribe link, and hides drafts", async () => {
    const saved = await saveImportedArticle(db(), buildArticle({ title: 'افتتاح متحف التاريخ الطبيعي' }));
    const article = (await articleRepository(db()).findBySlug(saved.slug))!;
    const daily = (await newsletterRepository(db()).findNewsletterBySlug(DEFAULT_NEWSLETTER_SLUG))!;
    const { send } = await createIssue(db(), { newsletterId: daily.id, articleIds: [article.id] });
    expect((await app.inject({ url: `/newsletters/view/${send.id}` })).statusCode).toBe(404);
    await scheduleIssue(db(), send.id);
    await runSendToEnd(testWorker(testSendDeps(db(), mailer)), db(), send.id);
    const view = await app.inject({ url: `/newsletters/view/${send.id}` });
    expect(view.statusCode).toBe(200);
    expect(view.body).toMatch(/<html[^>]*lang="ar"[^>]*dir="rtl"/);
    expect(view.body).toContain('افتتاح متحف التاريخ الطبيعي');
    expect(view.body).not.toContain('%%UNSUBSCRIBE_URL%%');
    expect(view.body).not.toContain('/unsubscribe/');
    expect(view.headers['content-security-policy']).toContain("default-src 'none'");
  });

  it('takes bounces at the inbound endpoint only with its token', async () => {
    const report = 'From: MAILER-DAEMON@mx.example\r\nTo: b+x@news.example\r\nSubject: failure\r\nMIME-Version: 1.0\r\nContent-Type: multipart/report; report-type=delivery-status; boundary="z"\r\n\r\n--z\r\nContent-Type: text/plain\r\n\r\nfailed\r\n--z\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; mx.example\r\n\r\nFinal-Recipient: rfc822; nobody@example.org\r\nAction: failed\r\nStatus: 5.1.1\r\n\r\n--z--\r\n';
    const post = (authorization?: string) =>
      app.inject({ method: 'POST', url: '/newsletters/inbound', headers: { 'content-type': 'message/rfc822', ...(authorization ? { authorization } : {}) }, payload: report });
    expect((await post()).statusCode).toBe(401);
    expect((await post('Bearer wrong-token-wrong-token')).statusCode).toBe(401);
    const accepted = await post('Bearer inbound-token-for-tests');
    expect(accepted.statusCode).toBe(200);
    expect(accepted.json()).toEqual({ kind: 'bounce', addresses: ['nobody@example.org'] });
    expect(await newsletterRepository(db()).isSuppressed('nobody@example.org')).toBe(true);
  });

  /** A signed-in browser: the session cookie, and the page's CSRF token for that session. */
  async function signedIn(role: 'reader' | 'editor' = 'reader') {
    const reader = await insertReader(db(), { role });
    const { token } = await sessionService(db(), { idleMs: 3_600_000, maxMs: 3_600_000 }).start(reader.id, {});
    const cookie = `${SESSION_COOKIE}=${token}`;
    const page = await app.inject({ url: '/newsletters', headers: { cookie } });
    const csrfToken = /name="_csrf" value="([^"]+)"/.exec(page.body)?.[1];
    return { reader, cookie, csrfToken: csrfToken! };
  }

  it('shows a signed-in reader «لم تشترك بعد» with a one-click subscribe, then «مشترك»', async () => {
    const { reader, cookie, csrfToken } = await signedIn();
    const before = await app.inject({ url: '/newsletters', headers: { cookie } });
    expect(before.body).toContain('لم تشترك بعد');
    expect(before.body).toContain('action="/account/newsletters/daily/subscribe"');
    const subscribe = await app.inject({
      method: 'POST',
      url: '/account/newsletters/daily/subscribe',
      headers: { cookie, 'content-type': 'application/x-www-form-urlencoded', referer: 'https://news.example/search?q=x' },
      payload: `_csrf=${csrfToken}`,
    });
    expect(subscribe.statusCode).toBe(303);
    expect(subscribe.headers.location).toBe('/search?q=x');
    const subscriber = await newsletterRepository(db()).findSubscriberByUser(reader.id);
    expect(subscriber?.email).toBe(reader.email.toLowerCase());
    const after = await app.inject({ url: '/newsletters', headers: { cookie } });
    expect(after.body).toContain('مشترك');
    expect(after.body).toContain('action="/account/newsletters/daily/unsubscribe"');
    // Without the CSRF token the same POST is refused.
    const forged = await app.inject({ method: 'POST', url: '/account/newsletters/breaking/subscribe', headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' }, payload: '' });
    expect(forged.statusCode).toBe(403);
    const unsubscribe = await app.inject({
      method: 'POST',
      url: '/account/newsletters/daily/unsubscribe',
      headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
      payload: `_csrf=${csrfToken}&next=/newsletters`,
    });
    expect(unsubscribe.headers.location).toBe('/newsletters');
    expect((await app.inject({ url: '/newsletters', headers: { cookie } })).body).toContain('لم تشترك بعد');
  });

  it('lets a signed-in reader choose the time zone their scheduled newsletters arrive in, checked against Intl', async () => {
    const { reader, cookie, csrfToken } = await signedIn();
    const post = (timeZone: string, token = csrfToken) =>
      app.inject({
        method: 'POST',
        url: '/account/newsletters/time-zone',
        headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
        payload: new URLSearchParams({ _csrf: token, timeZone }).toString(),
      });
    const page = await app.inject({ url: '/newsletters', headers: { cookie } });
    expect(page.body).toContain('action="/account/newsletters/time-zone"');
    expect(page.body).toMatch(new RegExp(`<option value(="")? selected(="")?>توقيت الموقع \\(${config.newsletters.timeZone}\\)`));

    const saved = await post('africa/casablanca');
    expect(saved.statusCode).toBe(303);
    expect(saved.headers.location).toBe('/newsletters?saved=time-zone');
    // Spelled as Intl spells it, so readers of one zone share one issue.
    expect((await newsletterRepository(db()).findSubscriberByUser(reader.id))?.time_zone).toBe('Africa/Casablanca');
    const after = await app.inject({ url: '/newsletters?saved=time-zone', headers: { cookie } });
    expect(after.body).toContain('حُفظ توقيتك');
    expect(after.body).toMatch(/<option value="Africa\/Casablanca" selected/);

    const wrong = await post('Mars/Olympus');
    expect(wrong.statusCode).toBe(400);
    expect(wrong.body).toContain('اختر منطقتك الزمنية من القائمة.');
    expect((await newsletterRepository(db()).findSubscriberByUser(reader.id))?.time_zone).toBe('Africa/Casablanca');

    // Back to the site's zone.
    expect((await post('')).statusCode).toBe(303);
    expect((await newsletterRepository(db()).findSubscriberByUser(reader.id))?.time_zone).toBeNull();
    // Without the CSRF token, or signed out, nothing changes.
    expect((await post('Asia/Dubai', 'forged')).statusCode).toBe(403);
    const anonymous = await app.inject({ method: 'POST', url: '/account/newsletters/time-zone', headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: 'timeZone=Asia/Dubai' });
    expect([401, 403]).toContain(anonymous.statusCode);
    expect((await newsletterRepository(db()).findSubscriberByUser(reader.id))?.time_zone).toBeNull();
  });

  it('lets an editor make an issue, preview it and send a test to themselves; readers may not', async () => {
    const reader = await signedIn('reader');
    expect((await app.inject({ url: '/newsletters/admin', headers: { cookie: reader.cookie } })).statusCode).toBe(403);
    const editor = await signedIn('editor');
    const saved = await saveImportedArticle(db(), buildArticle({ title: 'مهرجان المسرح يعلن برنامجه', publishedAt: new Date().toISOString() }));
    const created = await app.inject({
      method: 'POST',
      url: '/newsletters/admin/sends',
      headers: { cookie: editor.cookie, 'content-type': 'application/x-www-form-urlencoded' },
      payload: `_csrf=${editor.csrfToken}&newsletter=daily&articles=${encodeURIComponent(`https://news.example/article/${saved.slug}`)}&subject=${encodeURIComponent('عدد خاص عن المسرح')}`,
    });
    expect(created.statusCode).toBe(303);
    const sendPath = created.headers.location as string;
    const page = await app.inject({ url: sendPath, headers: { cookie: editor.cookie } });
    expect(page.body).toContain('عدد خاص عن المسرح');
    expect(page.body).toContain('مسودة');
    const preview = await app.inject({ url: `${sendPath}/preview`, headers: { cookie: editor.cookie } });
    expect(preview.body).toContain('مهرجان المسرح يعلن برنامجه');
    expect(preview.headers['content-security-policy']).toContain("frame-ancestors 'self'");
    const test = await app.inject({ method: 'POST', url: `${sendPath}/test`, headers: { cookie: editor.cookie, 'content-type': 'application/x-www-form-urlencoded' }, payload: `_csrf=${editor.csrfToken}` });
    expect(test.statusCode).toBe(303);
    const mail = await sink.waitForMessageTo(editor.reader.email);
    expect(mail.subject).toBe('[تجربة] عدد خاص عن المسرح');
    expect(mail.text).toContain('مهرجان المسرح يعلن برنامجه');
  });
});
