import { hash } from 'node:crypto';
import type { FastifyInstance, FastifyReply } from 'fastify';

/**
 * ETags for every successful GET (a hash of the body), Cache-Control, and 304 Not Modified when the client's
 * copy is current (If-None-Match, or If-Modified-Since against a Last-Modified the route set). Readers and
 * feed readers that poll get an empty answer instead of the whole page.
 */
export function conditionalGet(app: FastifyInstance, maxAgeSeconds = 60): void {
  app.addHook('onSend', async (request, reply, payload) => {
    if ((request.method !== 'GET' && request.method !== 'HEAD') || reply.statusCode !== 200) return payload;
    if (typeof payload !== 'string' && !Buffer.isBuffer(payload)) return payload;
    // A page made for one reader (Cache-Control: private or no-store) gets no ETag a shared cache could match.
    if (/private|no-store/.test(String(reply.getHeader('cache-control') ?? ''))) return payload;
    // Encoded once here and sent as these bytes: encoding Arabic text to UTF-8 costs more than hashing it.
    const body = typeof payload === 'string' ? Buffer.from(payload) : payload;
    const etag = `"${hash('sha1', body, 'base64url')}"`;
    reply.header('etag', etag);
    if (!reply.hasHeader('cache-control')) reply.header('cache-control', `public, max-age=${maxAgeSeconds}`);
    if (isFresh(request.headers['if-none-match'], request.headers['if-modified-since'], etag, reply.getHeader('last-modified'))) {
      reply.code(304);
      return '';
    }
    return body;
  });
}

function isFresh(
  ifNoneMatch: string | undefined,
  ifModifiedSince: string | undefined,
  etag: string,
  lastModified: unknown,
): boolean {
  if (ifNoneMatch) return ifNoneMatch.split(',').some((tag) => tag.trim().replace(/^W\//, '') === etag || tag.trim() === '*');
  if (ifModifiedSince && typeof lastModified === 'string') {
    const since = Date.parse(ifModifiedSince);
    return !Number.isNaN(since) && Date.parse(lastModified) <= since;
  }
  return false;
}

/** HTTP date for a Last-Modified header, at whole seconds as HTTP dates are. */
export function httpDate(iso: string): string {
  return new Date(iso).toUTCString();
}

/**
 * Last-Modified for a response built from these rows and, for pages and feeds that show the site's settings
 * (name, logo, footer, time zone), the settings saved at `settingsChangedAt`: the newest of those changes, so a
 * client holding a copy from before a settings change gets the new page. Nothing is set when there is neither,
 * so such a page is only ever revalidated by its ETag.
 */
export function setLastModified(reply: FastifyReply, rows: { updated_at: string }[], settingsChangedAt: string | null = null): void {
  let newest = settingsChangedAt ?? '';
  for (const row of rows) if (row.updated_at > newest) newest = row.updated_at;
  if (newest) reply.header('last-modified', httpDate(newest));
}
