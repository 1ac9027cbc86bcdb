import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { conditionalGet, setLastModified } from './conditional-get.ts';

/** A bare app with one page changed at a known time, so only the caching rules are under test. */
async function appWithPage(body: string) {
  const app = Fastify();
  conditionalGet(app);
  app.get('/page', async (_request, reply) => {
    setLastModified(reply, [{ updated_at: '2026-11-20T08:00:00.000Z' }, { updated_at: '2026-11-25T06:30:00.000Z' }]);
    return reply.type('text/html; charset=utf-8').send(body);
  });
  app.get('/empty', async (_request, reply) => {
    setLastModified(reply, []);
    return 'لا شيء';
  });
  app.get('/missing', async (_request, reply) => reply.code(404).send('غير موجود'));
  return app;
}

describe('conditional GET', () => {
  it('tags a page with a strong ETag of its bytes, its newest change and a short public cache', async () => {
    const app = await appWithPage('<p>مرحباً</p>');
    const response = await app.inject({ url: '/page' });
    expect(response.headers.etag).toMatch(/^"[\w-]{27}"$/);
    expect(response.headers['last-modified']).toBe('Wed, 25 Nov 2026 06:30:00 GMT');
    expect(response.headers['cache-control']).toBe('public, max-age=60');
    expect(response.body).toBe('<p>مرحباً</p>');
    expect(Number(response.headers['content-length'])).toBe(Buffer.byteLength('<p>مرحباً</p>'));
    const other = await (await appWithPage('<p>وداعاً</p>')).inject({ url: '/page' });
    expect(other.headers.etag).not.toBe(response.headers.etag);
  });

  it('answers 304 to a matching If-None-Match, including weak and listed tags, and to a current If-Modified-Since', async () => {
    const app = await appWithPage('<p>مرحباً</p>');
    const etag = (await app.inject({ url: '/page' })).headers.etag as string;
    for (const ifNoneMatch of [etag, `W/${etag}`, `"other", ${etag}`, '*']) {
      expect((await app.inject({ url: '/page', headers: { 'if-none-match': ifNoneMatch } })).statusCode, ifNoneMatch).toBe(304);
    }
    expect((await app.inject({ url: '/page', headers: { 'if-modified-since': 'Wed, 25 Nov 2026 06:30:00 GMT' } })).statusCode).toBe(304);
    expect((await app.inject({ url: '/page', headers: { 'if-modified-since': 'Wed, 25 Nov 2026 06:29:59 GMT' } })).statusCode).toBe(200);
    expect((await app.inject({ url: '/page', headers: { 'if-modified-since': 'not a date' } })).statusCode).toBe(200);
  });

  it('lets If-None-Match decide when both are sent, as HTTP requires', async () => {
    const app = await appWithPage('<p>مرحباً</p>');
    const response = await app.inject({
      url: '/page',
      headers: { 'if-none-match': '"stale"', 'if-modified-since': 'Wed, 25 Nov 2026 06:30:00 GMT' },
    });
    expect(response.statusCode).toBe(200);
  });

  it('sets no Last-Modified for an empty list and leaves errors uncached', async () => {
    const app = await appWithPage('');
    expect((await app.inject({ url: '/empty' })).headers['last-modified']).toBeUndefined();
    const missing = await app.inject({ url: '/missing' });
    expect(missing.headers.etag).toBeUndefined();
    expect(missing.headers['cache-control']).toBeUndefined();
  });
});
