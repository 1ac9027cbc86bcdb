import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { parseHTML } from 'linkedom';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachEngine } from '../../test/engines.ts';
import { startSmtpSink, type SmtpSink } from '../../test/smtp-sink.ts';
import { buildApp } from '../app.ts';
import { loadConfig } from '../config.ts';
import { createMailer, type Mailer } from '../mail/mailer.ts';
import { saveSettings } from '../newsroom/site-settings.service.ts';
import { hashToken } from './session.service.ts';

const STRONG = 'نخلة تحت المطر 2026';

/** One browser: keeps cookies between requests and reads CSRF tokens from the forms it is shown. */
let lastOctet = 0;
function browser(app: () => FastifyInstance, ip = `203.0.113.${++lastOctet}`) {
  const cookies = new Map<string, string>();
  const remember = (response: LightMyRequestResponse) => {
    for (const cookie of response.cookies) {
      if (cookie.value === '' || cookie.maxAge === 0) cookies.delete(cookie.name);
      else cookies.set(cookie.name, cookie.value);
    }
    return response;
  };
  const cookieHeader = () => [...cookies].map(([name, value]) => `${name}=${value}`).join('; ');
  return {
    cookies,
    get: async (url: string) => remember(await app().inject({ url, headers: { cookie: cookieHeader() }, remoteAddress: ip })),
    /** Opens `formPage`, then submits its form whose action is `action` with `fields`. */
    async submit(formPage: string, action: string, fields: Record<string, string> = {}) {
      const page = remember(await app().inject({ url: formPage, headers: { cookie: cookieHeader() }, remoteAddress: ip }));
      const form = parseHTML(page.body).document.querySelector(`form[action="${action}"]`);
      if (!form) throw new Error(`no form posting to ${action} on ${formPage} (${page.statusCode})`);
      const csrf = form.querySelector('input[name="_csrf"]')?.getAttribute('value') ?? '';
      return this.post(action, { _csrf: csrf, ...fields });
    },
    post: async (url: string, fields: Record<string, string>) =>
      remember(
        await app().inject({
          method: 'POST',
          url,
          remoteAddress: ip,
          headers: { cookie: cookieHeader(), 'content-type': 'application/x-www-form-urlencoded' },
          payload: new URLSearchParams(fields).toString(),
        }),
      ),
  };
}

const main = (response: LightMyRequestResponse) => parseHTML(response.body).document.querySelector('main')!;
const pathOf = (url: string) => new URL(url).pathname;

describeEachEngine('reader accounts', (database) => {
  let sink: SmtpSink;
  let mailer: Mailer;
  let server: FastifyInstance;
  const app = () => server;

  beforeAll(async () => {
    sink = await startSmtpSink();
    const config = loadConfig({ SITE_URL: 'https://news.example', SMTP_URL: sink.url });
    mailer = createMailer(config.mail);
    server = await buildApp({ config, database: database.handle, mailer });
  });
  afterAll(async () => {
    await server.close();
    await mailer.close();
    await sink.close();
  });

  it('signs up, verifies the address from the Arabic email, and is signed in with a fresh, Secure, HttpOnly cookie', async () => {
    const reader = browser(app);
    const signedUp = await reader.submit('/account/signup', '/account/signup', { email: '  Huda@Example.COM ', password: STRONG, displayName: 'هدى' });
    expect(signedUp.statusCode).toBe(200);
    expect(main(signedUp).textContent).toContain('أرسلنا رسالة إلى بريدك');
    expect(reader.cookies.has('sahifa_session')).toBe(false);

    const mail = await sink.waitForMessageTo('huda@example.com');
    expect(mail.subject).toBe('أكّد بريدك في صحيفة');
    expect(mail.html).toContain('dir="rtl"');
    expect(mail.text).toContain('أكّد بريدي');
    const link = mail.links.find((url) => url.includes('/account/verify/'))!;
    // Only the hash of the token is stored.
    const token = pathOf(link).split('/').pop()!;
    const stored = await database.handle.db.selectFrom('account_tokens').select('id').where('purpose', '=', 'verify').execute();
    expect(stored.map((row) => row.id)).toContain(hashToken(token));
    expect(JSON.stringify(stored)).not.toContain(token);

    const verified = await reader.submit(pathOf(link), pathOf(link));
    expect(verified.statusCode).toBe(303);
    expect(verified.headers.location).toBe('/onboarding');
    const cookie = verified.cookies.find((c) => c.name === 'sahifa_session')!;
    expect(cookie).toMatchObject({ httpOnly: true, secure: true, sameSite: 'Lax', path: '/' });
    const account = await reader.get('/account');
    expect(main(account).textContent).toContain('huda@example.com');
    expect(main(account).textContent).toContain('بريد مؤكَّد');

    // The link works once.
    expect((await browser(app).submit(pathOf(link), pathOf(link))).statusCode).toBe(410);
  });

  it('answers sign-up for an address that has an account exactly as for a new one; the email says what happened', async () => {
    sink.clear();
    const existing = await browser(app).submit('/account/signup', '/account/signup', { email: 'huda@example.com', password: STRONG, displayName: '' });
    const fresh = await browser(app).submit('/account/signup', '/account/signup', { email: 'nour@example.com', password: STRONG, displayName: '' });
    expect(existing.statusCode).toBe(fresh.statusCode);
    const body = (response: LightMyRequestResponse) => main(response).textContent!.replace(/\S+@example\.com/, 'EMAIL');
    expect(body(existing)).toBe(body(fresh));
    expect((await sink.waitForMessageTo('huda@example.com')).subject).toBe('لديك حساب في صحيفة بالفعل');
    expect((await sink.waitForMessageTo('nour@example.com')).subject).toBe('أكّد بريدك في صحيفة');
    const huda = await database.handle.db.selectFrom('users').select('id').where('email', '=', 'huda@example.com').execute();
    expect(huda).toHaveLength(1);
  });

  it('refuses short and guessable passwords with an Arabic reason, keeping what was typed', async () => {
    const reader = browser(app);
    const short = await reader.submit('/account/signup', '/account/signup', { email: 'weak@example.com', password: 'قصيرة', displayName: 'سامي' });
    expect(short.statusCode).toBe(422);
    expect(main(short).querySelector('.form-problem')?.textContent).toContain('١٠ أحرف على الأقل');
    const common = await reader.submit('/account/signup', '/account/signup', { email: 'weak@example.com', password: 'password1234', displayName: 'سامي' });
    expect(main(common).querySelector('.form-problem')?.textContent).toContain('سهلة التخمين');
    expect(main(common).querySelector('input[name="email"]')?.getAttribute('value')).toBe('weak@example.com');
    const own = await reader.submit('/account/signup', '/account/signup', { email: 'weak@example.com', password: 'weak@example.com', displayName: '' });
    expect(own.statusCode).toBe(422);
    const invalid = await reader.submit('/account/signup', '/account/signup', { email: 'not an address', password: STRONG, displayName: '' });
    expect(main(invalid).querySelector('.form-problem')?.textContent).toBe('عنوان البريد غير صالح.');
    expect(await database.handle.db.selectFrom('users').select('id').where('email', '=', 'weak@example.com').execute()).toEqual([]);
  });

  it('signs in with a password only when the address is verified, and says the same for a wrong password and an unknown address', async () => {
    const before = browser(app);
    await before.get('/');
    const unverified = await browser(app).submit('/account/signin', '/account/signin', { email: 'nour@example.com', password: STRONG, next: '/' });
    expect(main(unverified).textContent).toContain('لم تؤكد بريدك بعد');

    const wrong = await browser(app).submit('/account/signin', '/account/signin', { email: 'huda@example.com', password: 'not the password', next: '/' });
    const unknown = await browser(app).submit('/account/signin', '/account/signin', { email: 'nobody@example.com', password: STRONG, next: '/' });
    expect(wrong.statusCode).toBe(401);
    expect(unknown.statusCode).toBe(401);
    expect(main(wrong).querySelector('.form-problem')?.textContent).toBe(main(unknown).querySelector('.form-problem')?.textContent);

    const reader = browser(app);
    const signedIn = await reader.submit('/account/signin?next=%2Fsearch', '/account/signin', { email: 'HUDA@example.com', password: STRONG, next: '/search' });
    expect(signedIn.statusCode).toBe(303);
    expect(signedIn.headers.location).toBe('/search');
    const first = reader.cookies.get('sahifa_session');
    // Signing in again in the same browser replaces its session: the old token stops working.
    await reader.submit('/account/signin', '/account/signin', { email: 'huda@example.com', password: STRONG, next: '//evil.example' });
    expect(reader.cookies.get('sahifa_session')).not.toBe(first);
    const old = await app().inject({ url: '/account', headers: { cookie: `sahifa_session=${first}` } });
    expect(old.statusCode).toBe(303);
    const open = await reader.submit('/account/signin', '/account/signin', { email: 'huda@example.com', password: STRONG, next: 'https://evil.example/' });
    expect(open.headers.location).toBe('/account');
  });

  it('signs in by a one-time magic link; an unknown address is told by email, with the same page', async () => {
    sink.clear();
    const reader = browser(app);
    const requested = await reader.submit('/account/signin', '/account/magic', { email: 'huda@example.com' });
    const unknown = await browser(app).submit('/account/signin', '/account/magic', { email: 'stranger@example.com' });
    expect(main(requested).textContent!.replace(/\S+@example\.com/, '')).toBe(main(unknown).textContent!.replace(/\S+@example\.com/, ''));
    expect((await sink.waitForMessageTo('stranger@example.com')).subject).toBe('لا حساب بهذا البريد في صحيفة');
    const link = pathOf((await sink.waitForMessageTo('huda@example.com')).links.find((url) => url.includes('/account/magic/'))!);
    // Opening the link (as mail scanners do) spends nothing; the button does.
    expect((await reader.get(link)).statusCode).toBe(200);
    const signedIn = await reader.submit(link, link);
    expect(signedIn.headers.location).toBe('/account');
    expect((await reader.get('/account')).statusCode).toBe(200);
    expect((await browser(app).submit(link, link)).statusCode).toBe(410);
  });

  it('sends its messages in the site’s name from the settings, at MAIL_FROM’s address', async () => {
    sink.clear();
    await browser(app).submit('/account/signin', '/account/magic', { email: 'before@example.com' });
    const before = (await sink.waitForMessageTo('before@example.com')).parsed.from?.value[0];
    expect(before).toMatchObject({ name: 'صحيفة', address: 'no-reply@news.example' });

    await saveSettings(database.handle.db, { siteName: 'صحيفة "الغد"', description: '', timeZone: 'Asia/Riyadh', footerText: '', logoMediaId: '' }, { id: null, name: 'مديرة الموقع' });
    await browser(app).submit('/account/signin', '/account/magic', { email: 'after@example.com' });
    const after = await sink.waitForMessageTo('after@example.com');
    expect(after.parsed.from?.value[0]).toMatchObject({ name: 'صحيفة الغد', address: 'no-reply@news.example' });
    expect(after.subject).toBe('لا حساب بهذا البريد في صحيفة "الغد"');
    await database.handle.db.deleteFrom('site_settings').execute();
  });

  it('resets a forgotten password by link, ending every session, and the old password stops working', async () => {
    sink.clear();
    const other = browser(app);
    await other.submit('/account/signin', '/account/signin', { email: 'huda@example.com', password: STRONG, next: '/' });
    expect((await other.get('/account')).statusCode).toBe(200);

    const reader = browser(app);
    await reader.submit('/account/reset', '/account/reset', { email: 'huda@example.com' });
    const link = pathOf((await sink.waitForMessageTo('huda@example.com')).links.find((url) => url.includes('/account/reset/'))!);
    const weak = await reader.submit(link, link, { password: '123456789012' });
    expect(weak.statusCode).toBe(422);
    const reset = await reader.submit(link, link, { password: 'زيتون وزعتر على الفطور' });
    expect(reset.headers.location).toBe('/account?notice=password');
    expect((await reader.get('/account')).statusCode).toBe(200);
    expect((await other.get('/account')).statusCode).toBe(303);
    const oldPassword = await browser(app).submit('/account/signin', '/account/signin', { email: 'huda@example.com', password: STRONG, next: '/' });
    expect(oldPassword.statusCode).toBe(401);
    expect((await browser(app).submit(link, link, { password: 'زيتون وزعتر على العشاء' })).statusCode).toBe(410);
  });

  it('edits the profile, lists and revokes sessions, signs out, and signs out everywhere', async () => {
    const password = 'زيتون وزعتر على الفطور';
    const laptop = browser(app);
    const phone = browser(app);
    await laptop.submit('/account/signin', '/account/signin', { email: 'huda@example.com', password, next: '/' });
    await phone.submit('/account/signin', '/account/signin', { email: 'huda@example.com', password, next: '/' });

    const saved = await laptop.submit('/account', '/account/profile', { displayName: '  هدى الخطيب ', digits: 'latn', dateStyle: 'hijri', language: 'en' });
    expect(saved.headers.location).toBe('/account?notice=saved');
    const accountPage = await laptop.get('/account?notice=saved');
    const account = main(accountPage);
    // The preferences apply at once: this reader chose the English interface.
    expect(parseHTML(accountPage.body).document.documentElement.getAttribute('lang')).toBe('en');
    expect(account.querySelector('.notice')?.textContent).toBe('Your preferences are saved.');
    expect(account.querySelector('#profile-name')?.getAttribute('value')).toBe('هدى الخطيب');
    expect(account.querySelector('#digits-latn')?.hasAttribute('checked')).toBe(true);
    expect(account.querySelector('#dateStyle-hijri')?.hasAttribute('checked')).toBe(true);
    const badProfile = await laptop.submit('/account', '/account/profile', { displayName: 'x', digits: 'roman', dateStyle: 'both', language: 'ar' });
    expect(badProfile.statusCode).toBe(400);

    // The laptop revokes the phone's session from the list.
    const revoke = account.querySelector('form[action^="/account/sessions/"][action$="/revoke"]')!.getAttribute('action')!;
    await laptop.submit('/account', revoke);
    expect((await phone.get('/account')).statusCode).toBe(303);
    expect((await laptop.get('/account')).statusCode).toBe(200);

    const signedOut = await laptop.submit('/account', '/account/signout');
    expect(signedOut.headers.location).toBe('/');
    expect(laptop.cookies.has('sahifa_session')).toBe(false);

    await laptop.submit('/account/signin', '/account/signin', { email: 'huda@example.com', password, next: '/' });
    await phone.submit('/account/signin', '/account/signin', { email: 'huda@example.com', password, next: '/' });
    await phone.submit('/account', '/account/sessions/revoke-all');
    expect((await laptop.get('/account')).statusCode).toBe(303);
    expect((await phone.get('/account')).statusCode).toBe(303);
  });

  it('exports everything as JSON and deletes the account after confirmation, keeping no address behind', async () => {
    const password = 'زيتون وزعتر على الفطور';
    // Earlier tests spent this account's sign-in attempts (successful ones count too).
    await database.handle.db.deleteFrom('rate_limits').execute();
    const reader = browser(app);
    await reader.submit('/account/signin', '/account/signin', { email: 'huda@example.com', password, next: '/' });
    const exported = await reader.get('/account/export');
    expect(exported.headers['content-disposition']).toContain('attachment');
    const data = exported.json();
    expect(data.account).toMatchObject({ email: 'huda@example.com', displayName: 'هدى الخطيب', preferences: { digits: 'latn', dateStyle: 'hijri', language: 'en' } });
    expect(data.sessions).toHaveLength(1);
    expect(data.readerActivity).toMatchObject({ follows: [], savedArticles: [] });

    const refused = await reader.submit('/account', '/account/delete', { confirm: 'someone@example.com' });
    expect(refused.statusCode).toBe(400);
    sink.clear();
    const deleted = await reader.submit('/account', '/account/delete', { confirm: 'Huda@example.com' });
    expect(deleted.statusCode).toBe(200);
    expect(main(deleted).textContent).toContain('حذفنا حسابك');
    expect(reader.cookies.has('sahifa_session')).toBe(false);
    expect((await sink.waitForMessageTo('huda@example.com')).subject).toBe('حُذف حسابك في صحيفة');
    for (const table of ['users', 'sessions', 'account_tokens'] as const) {
      const rows = await database.handle.db.selectFrom(table).selectAll().execute();
      expect(JSON.stringify(rows)).not.toContain('huda@example.com');
    }
    expect(await database.handle.db.selectFrom('sessions').selectAll().execute()).toHaveLength(0);
  });

  it('makes account tokens of 256 random bits, keeps only their hash, and refuses one past its expiry', async () => {
    await database.handle.db.deleteFrom('rate_limits').execute();
    sink.clear();
    const reader = browser(app);
    await reader.submit('/account/signup', '/account/signup', { email: 'salma@example.com', password: STRONG, displayName: 'سلمى' });
    const link = pathOf((await sink.waitForMessageTo('salma@example.com')).links.find((url) => url.includes('/account/verify/'))!);
    const token = link.split('/').pop()!;
    expect(Buffer.from(token, 'base64url').length).toBe(32);
    const stored = await database.handle.db.selectFrom('account_tokens').select(['id', 'created_at', 'expires_at']).where('id', 'in', [token, hashToken(token)]).execute();
    expect(stored.map((row) => row.id)).toEqual([hashToken(token)]);
    expect(Date.parse(stored[0]!.expires_at) - Date.parse(stored[0]!.created_at)).toBe(24 * 3600_000);
    await database.handle.db.updateTable('account_tokens').set({ expires_at: new Date(Date.now() - 1000).toISOString() }).where('id', '=', hashToken(token)).execute();
    expect((await reader.submit(link, link)).statusCode).toBe(410);
    expect(reader.cookies.has('sahifa_session')).toBe(false);
  });

  it('limits sign-up, magic-link and reset requests per account and per address', async () => {
    await database.handle.db.deleteFrom('rate_limits').execute();
    const forms: { page: string; action: string; fields: Record<string, string> }[] = [
      { page: '/account/signup', action: '/account/signup', fields: { password: STRONG, displayName: '' } },
      { page: '/account/signin', action: '/account/magic', fields: {} },
      { page: '/account/reset', action: '/account/reset', fields: {} },
    ];
    for (const form of forms) {
      // Per account: three requests for one address in 15 minutes, whatever address they come from.
      const statuses: number[] = [];
      for (let i = 0; i < 4; i++) {
        statuses.push((await browser(app).submit(form.page, form.action, { email: `limited${form.action.replaceAll('/', '-')}@example.com`, ...form.fields })).statusCode);
      }
      expect(statuses, form.action).toEqual([200, 200, 200, 429]);
      // Per address: ten requests from one client address, whatever account they name.
      const client = browser(app);
      const fromOneAddress: number[] = [];
      for (let i = 0; i < 11; i++) {
        fromOneAddress.push((await client.submit(form.page, form.action, { email: `many${i}${form.action.replaceAll('/', '-')}@example.com`, ...form.fields })).statusCode);
      }
      expect(fromOneAddress, form.action).toEqual([...Array(10).fill(200), 429]);
    }
    sink.clear();
  });

  it('limits sign-in attempts per account and per address, counting across processes', async () => {
    const config = loadConfig({ SITE_URL: 'https://news.example', SMTP_URL: sink.url });
    const secondProcess = await buildApp({ config, database: database.handle, mailer });
    try {
      const attempts: number[] = [];
      for (let i = 0; i < 12; i++) {
        const process = i % 2 === 0 ? app : () => secondProcess;
        const response = await browser(process, '198.51.100.9').submit('/account/signin', '/account/signin', {
          email: 'target@example.com',
          password: `guess number ${i}`,
          next: '/',
        });
        attempts.push(response.statusCode);
      }
      expect(attempts.slice(0, 10)).toEqual(Array(10).fill(401));
      expect(attempts.slice(10)).toEqual([429, 429]);
      const limited = await browser(app, '198.51.100.10').submit('/account/signin', '/account/signin', { email: 'target@example.com', password: 'x', next: '/' });
      expect(limited.statusCode).toBe(429);
      expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
      expect(parseHTML(limited.body).document.querySelector('h1')?.textContent).toBe('محاولات كثيرة');
      // Another account from another address is not affected.
      const other = await browser(app, '198.51.100.11').submit('/account/signin', '/account/signin', { email: 'other@example.com', password: 'x', next: '/' });
      expect(other.statusCode).toBe(401);
    } finally {
      await secondProcess.close();
    }
  });
});
