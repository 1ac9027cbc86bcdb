import { parseHTML } from 'linkedom';
import { expect, it } from 'vitest';
import { buildArticle } from '../../test/build-article.ts';
import { insertReader } from '../../test/build-reader.ts';
import { describeEachEngine } from '../../test/engines.ts';
import { buildApp } from '../app.ts';
import { saveImportedArticle } from '../articles/article.service.ts';
import { loadConfig } from '../config.ts';
import type { Role } from '../db/schema.ts';
import { requireRole } from './guards.ts';
import { SESSION_COOKIE } from './session.plugin.ts';
import { sessionService } from './session.service.ts';

describeEachEngine('sessions, CSRF and roles on every route', (database) => {
  const config = loadConfig({ SITE_URL: 'https://news.example' });
  const sessions = () => sessionService(database.handle.db, { idleMs: config.accounts.sessionIdleMs, maxMs: config.accounts.sessionMaxMs });

  /** The app plus the routes other capabilities would add: a guarded area and a form that changes state. */
  async function app() {
    const instance = await buildApp({ config, database: database.handle });
    instance.register(async (admin) => {
      admin.addHook('preHandler', requireRole('editor'));
      admin.get('/guarded', async (request) => ({ area: 'editorial', role: request.reader?.role }));
    });
    instance.register(async (admin) => {
      admin.addHook('preHandler', requireRole('admin'));
      admin.get('/guarded/admins', async () => ({ area: 'users' }));
    });
    instance.get('/form', async (request, reply) => reply.type('text/html; charset=utf-8').send(`<p>${request.csrfToken()}</p>`));
    instance.post('/form', async (request) => ({ done: true, reader: request.reader?.id ?? null }));
    instance.post('/webhook', { config: { csrf: false } }, async () => ({ done: true }));
    return instance;
  }

  async function signedIn(role: Role = 'reader') {
    const user = await insertReader(database.handle.db, { role, display_name: 'ليلى' });
    const { token } = await sessions().start(user.id, {});
    return { user, cookie: `${SESSION_COOKIE}=${token}` };
  }

  it('serves anonymous readers the shared cached page, and signed-in readers their own private copy of it', async () => {
    const saved = await saveImportedArticle(database.handle.db, buildArticle({ title: 'افتتاح حديقة عامة في وسط المدينة' }));
    const url = `/article/${encodeURIComponent(saved.slug)}`;
    const server = await app();

    const anonymous = await server.inject({ url });
    expect(anonymous.headers['set-cookie']).toBeUndefined();
    expect(anonymous.headers.etag).toBeDefined();
    expect(anonymous.headers['cache-control']).toContain('public');
    expect(anonymous.headers.vary).toBe('Cookie');
    expect(parseHTML(anonymous.body).document.querySelector('.reader-prompt a.button')?.getAttribute('href')).toBe('/account/signup');

    const { user, cookie } = await signedIn();
    const personal = await server.inject({ url, headers: { cookie } });
    expect(personal.statusCode).toBe(200);
    expect(personal.headers.etag).toBeUndefined();
    expect(personal.headers['cache-control']).toBe('private, no-store');
    const prompt = parseHTML(personal.body).document.querySelector('.reader-prompt');
    expect(prompt?.textContent).toContain('لم تشترك بعد');
    expect(prompt?.textContent).toContain('ليلى');
    expect(prompt?.querySelector('a.button')).toBeNull();
    expect(personal.body).toContain('افتتاح حديقة عامة في وسط المدينة');

    // The cache still holds the anonymous page: no reader's name ever reaches what everyone is served.
    const cached = await database.handle.db.selectFrom('page_cache').select('html').where('path', '=', url).executeTakeFirstOrThrow();
    expect(cached.html).not.toContain('ليلى');
    expect(cached.html).toContain('/account/signup');
    const again = await server.inject({ url });
    expect(again.body).toBe(anonymous.body);
    expect(user.id).toBeTruthy();
  });

  it('forgets a cookie that names no session and clears it', async () => {
    const response = await (await app()).inject({ url: '/', headers: { cookie: `${SESSION_COOKIE}=forged` } });
    expect(response.statusCode).toBe(200);
    expect(String(response.headers['set-cookie'])).toMatch(new RegExp(`^${SESSION_COOKIE}=;.*Max-Age=0`));
    expect(parseHTML(response.body).document.querySelector('.reader-prompt a.button')).not.toBeNull();
  });

  it('refuses a state-changing request without the token of this browser, or from another site', async () => {
    const server = await app();
    expect((await server.inject({ method: 'POST', url: '/form', payload: { x: '1' } })).statusCode).toBe(403);

    // Anonymous: the token is bound to a cookie the form page sets.
    const page = await server.inject({ url: '/form' });
    const anonymousCookie = String(page.headers['set-cookie']).split(';')[0]!;
    expect(String(page.headers['set-cookie'])).toMatch(/HttpOnly/);
    const anonymousToken = page.body.replace(/<\/?p>/g, '');
    const form = (cookie: string, token: string, headers: Record<string, string> = {}) =>
      server.inject({
        method: 'POST',
        url: '/form',
        headers: { cookie, 'content-type': 'application/x-www-form-urlencoded', ...headers },
        payload: `_csrf=${encodeURIComponent(token)}`,
      });
    expect((await form(anonymousCookie, anonymousToken)).statusCode).toBe(200);
    expect((await form('sahifa_csrf=AAAAAAAAAAAAAAAAAAAAAA', anonymousToken)).statusCode).toBe(403);

    // Signed in: the token is bound to the session; another session's token is refused.
    const reader = await signedIn();
    const other = await signedIn();
    const token = (await server.inject({ url: '/form', headers: { cookie: reader.cookie } })).body.replace(/<\/?p>/g, '');
    const otherToken = (await server.inject({ url: '/form', headers: { cookie: other.cookie } })).body.replace(/<\/?p>/g, '');
    const accepted = await form(reader.cookie, token);
    expect(accepted.json()).toEqual({ done: true, reader: reader.user.id });
    expect((await form(reader.cookie, otherToken)).statusCode).toBe(403);
    expect((await form(reader.cookie, token, { origin: 'https://evil.example' })).statusCode).toBe(403);
    expect((await form(reader.cookie, token, { 'sec-fetch-site': 'cross-site' })).statusCode).toBe(403);
    expect((await form(reader.cookie, token, { origin: 'https://news.example' })).statusCode).toBe(200);

    // JSON calls carry it in a header.
    const json = await server.inject({ method: 'POST', url: '/form', headers: { cookie: reader.cookie, 'x-csrf-token': token }, payload: { a: 1 } });
    expect(json.statusCode).toBe(200);
    const refused = await server.inject({ method: 'POST', url: '/form', headers: { cookie: reader.cookie }, payload: { a: 1 } });
    expect(refused.statusCode).toBe(403);
    expect(parseHTML(refused.body).document.querySelector('h1')?.textContent).toBe('لا يمكنك الوصول إلى هذه الصفحة');

    expect((await server.inject({ method: 'POST', url: '/webhook', payload: {} })).statusCode).toBe(200);
  });

  it('lets editors and admins into guarded routes, turns readers away with 403 and sends anonymous visitors to sign in', async () => {
    const server = await app();
    const anonymous = await server.inject({ url: '/guarded' });
    expect(anonymous.statusCode).toBe(303);
    expect(anonymous.headers.location).toBe('/account/signin?next=%2Fguarded');
    expect((await server.inject({ url: '/guarded', headers: { cookie: (await signedIn('reader')).cookie } })).statusCode).toBe(403);
    const editor = await signedIn('editor');
    expect((await server.inject({ url: '/guarded', headers: { cookie: editor.cookie } })).json()).toEqual({ area: 'editorial', role: 'editor' });
    expect((await server.inject({ url: '/guarded/admins', headers: { cookie: editor.cookie } })).statusCode).toBe(403);
    const admin = await signedIn('admin');
    expect((await server.inject({ url: '/guarded', headers: { cookie: admin.cookie } })).statusCode).toBe(200);
    expect((await server.inject({ url: '/guarded/admins', headers: { cookie: admin.cookie } })).statusCode).toBe(200);
  });
});
