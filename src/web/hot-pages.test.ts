import Fastify, { type FastifyInstance } from 'fastify';
import { describe, expect, it } from 'vitest';
import { buildArticle } from '../../test/build-article.ts';
import { describeEachEngine } from '../../test/engines.ts';
import { buildApp } from '../app.ts';
import { saveImportedArticle } from '../articles/article.service.ts';
import { loadConfig } from '../config.ts';
import { conditionalGet } from './conditional-get.ts';
import { hotPages } from './hot-pages.ts';

/** A page that counts its renders and can be held until `release()`, behind hotPages as app.ts wires it. */
async function countingApp(options: { ttlMs?: number; maxEntries?: number } = {}) {
  const state = { renders: 0, generation: 1, status: 200, gate: Promise.resolve() as Promise<void> };
  const app: FastifyInstance = Fastify();
  // Signed in, for these tests, is a header (the session plugin sets request.reader in the app).
  app.decorateRequest('reader', null);
  app.addHook('onRequest', async (request) => {
    if (request.headers['x-reader']) request.reader = { id: String(request.headers['x-reader']) } as never;
  });
  conditionalGet(app);
  hotPages(app, { generation: async () => state.generation, routes: [{ url: '/page', key: (request) => JSON.stringify((request.query as { q?: unknown }).q) }], ...options });
  app.get('/page', async (request, reply) => {
    state.renders++;
    await state.gate;
    reply.code(state.status).type('text/html; charset=utf-8').header('last-modified', 'Mon, 30 Nov 2026 01:00:00 GMT');
    return `<p>${String((request.query as { q?: string }).q)} #${state.renders} ${request.reader ? 'signed in' : 'anonymous'}</p>`;
  });
  return { app, state };
}

describe('hot pages', () => {
  it('renders an anonymous page once and serves the same bytes and page headers again, with a fresh ETag check', async () => {
    const { app, state } = await countingApp();
    const first = await app.inject({ url: '/page?q=a' });
    const second = await app.inject({ url: '/page?q=a' });
    expect(state.renders).toBe(1);
    expect(second.body).toBe(first.body);
    expect(second.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(second.headers['last-modified']).toBe('Mon, 30 Nov 2026 01:00:00 GMT');
    expect(second.headers.etag).toBe(first.headers.etag);
    expect((await app.inject({ url: '/page?q=a', headers: { 'if-none-match': first.headers.etag as string } })).statusCode).toBe(304);
    // Another question is another page.
    expect((await app.inject({ url: '/page?q=b' })).body).toBe('<p>b #2 anonymous</p>');
  });

  it('lets concurrent requests for the same page wait for one render', async () => {
    const { app, state } = await countingApp();
    let release!: () => void;
    state.gate = new Promise((resolve) => (release = resolve));
    const responses = Array.from({ length: 10 }, () => app.inject({ url: '/page?q=hot' }));
    await new Promise((resolve) => setTimeout(resolve, 50));
    release();
    const bodies = (await Promise.all(responses)).map((response) => response.body);
    expect(state.renders).toBe(1);
    expect(new Set(bodies)).toEqual(new Set(['<p>hot #1 anonymous</p>']));
  });

  it('renders again once the site changes (a new generation) or the time to live has passed', async () => {
    const { app, state } = await countingApp({ ttlMs: 30 });
    await app.inject({ url: '/page?q=a' });
    state.generation = 2;
    expect((await app.inject({ url: '/page?q=a' })).body).toBe('<p>a #2 anonymous</p>');
    expect((await app.inject({ url: '/page?q=a' })).body).toBe('<p>a #2 anonymous</p>');
    await new Promise((resolve) => setTimeout(resolve, 40));
    expect((await app.inject({ url: '/page?q=a' })).body).toBe('<p>a #3 anonymous</p>');
  });

  it('always renders for signed-in readers, and never hands their page to anyone', async () => {
    const { app, state } = await countingApp();
    expect((await app.inject({ url: '/page?q=a', headers: { 'x-reader': 'r1' } })).body).toBe('<p>a #1 signed in</p>');
    expect((await app.inject({ url: '/page?q=a', headers: { 'x-reader': 'r1' } })).body).toBe('<p>a #2 signed in</p>');
    expect((await app.inject({ url: '/page?q=a' })).body).toBe('<p>a #3 anonymous</p>');
    expect(state.renders).toBe(3);
  });

  it('keeps no error page, and waiters of a failed render render themselves', async () => {
    const { app, state } = await countingApp();
    state.status = 503;
    let release!: () => void;
    state.gate = new Promise((resolve) => (release = resolve));
    const responses = [app.inject({ url: '/page?q=a' }), app.inject({ url: '/page?q=a' })];
    await new Promise((resolve) => setTimeout(resolve, 50));
    release();
    expect((await Promise.all(responses)).map((response) => response.statusCode)).toEqual([503, 503]);
    expect(state.renders).toBe(2);
    state.status = 200;
    expect((await app.inject({ url: '/page?q=a' })).statusCode).toBe(200);
  });

  it('forgets the least recently used page beyond its size', async () => {
    const { app, state } = await countingApp({ maxEntries: 2 });
    for (const q of ['a', 'b', 'a', 'c', 'a', 'b']) await app.inject({ url: `/page?q=${q}` });
    // a, b rendered; a reused; c pushes out b (a was used since); a reused; b rendered again.
    expect(state.renders).toBe(4);
  });
});

describeEachEngine('hot pages in the app', (database) => {
  it('shows a newly published article in search results, the anonymous feed and the home page right away', async () => {
    const app = await buildApp({ config: loadConfig({}), database: database.handle });
    const search = () => app.inject({ url: `/search?q=${encodeURIComponent('القنطرة')}` });
    expect((await search()).body).not.toContain('ترميم القنطرة الحجرية');
    const latest = (await app.inject({ url: '/for-you?view=latest' })).body;
    expect(latest).not.toContain('ترميم القنطرة الحجرية');
    expect((await app.inject({ url: '/' })).body).not.toContain('ترميم القنطرة الحجرية');
    await saveImportedArticle(database.handle.db, buildArticle({ title: 'ترميم القنطرة الحجرية في البلدة القديمة' }));
    expect((await search()).body).toContain('ترميم <mark>القنطرة</mark> الحجرية');
    expect((await app.inject({ url: '/for-you?view=latest' })).body).toContain('ترميم القنطرة الحجرية');
    expect((await app.inject({ url: '/' })).body).toContain('ترميم القنطرة الحجرية');
    await app.close();
  });
});
