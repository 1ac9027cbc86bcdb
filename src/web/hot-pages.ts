import type { FastifyInstance, FastifyRequest } from 'fastify';

/** A page route whose anonymous answer is the same for every anonymous visitor asking the same thing. */
export interface HotRoute {
  /** The route as registered, e.g. '/search'. */
  url: string;
  /** What the answer depends on, read from the request the way the route reads it (e.g. the parsed query). */
  key(request: FastifyRequest): string;
}

export interface HotPagesOptions {
  routes: HotRoute[];
  /** The site's current generation (page-cache.repository.ts): any change readers can see makes a new one. */
  generation(): Promise<number>;
  /** How long an answer is reused, at most, within one generation (the anonymous feed moves with readers' reads). */
  ttlMs?: number;
  /** Answers kept per process; the least recently used go first. */
  maxEntries?: number;
}

interface Entry {
  body: Buffer;
  headers: Record<string, string>;
  expiresAt: number;
}

/** Headers of the answer that belong to the page itself (not to one response: request id, ETag, cookies). */
const KEPT_HEADERS = ['content-type', 'cache-control', 'last-modified'];

/**
 * Keeps, in this process's memory, the last answers of costly pages that every anonymous visitor gets alike —
 * search results, the anonymous "لك" feed — so that many readers asking for the same query at once cost one
 * render: the first request renders and the others wait for it (coalescing), then later ones are served from
 * memory until the site changes (the generation) or `ttlMs` passes. Signed-in readers always get a fresh render.
 *
 * Per process and safe to lose: a restart or another web process only renders once more. Memory is bounded by
 * `maxEntries` answers.
 */
export function hotPages(app: FastifyInstance, options: HotPagesOptions): void {
  const { ttlMs = 30_000, maxEntries = 500 } = options;
  const routes = new Map(options.routes.map((route) => [route.url, route]));
  const entries = new Map<string, Entry>();
  const rendering = new Map<string, Promise<Entry | null>>();
  /** The render this request was asked to do for others, and how to hand its answer over. */
  const owners = new WeakMap<FastifyRequest, { key: string; render: Promise<Entry | null>; settle: (entry: Entry | null) => void }>();

  /** Ends this request's turn as the renderer of its key (another request may have taken the key over since). */
  const release = (request: FastifyRequest) => {
    const owner = owners.get(request);
    if (!owner) return undefined;
    owners.delete(request);
    if (rendering.get(owner.key) === owner.render) rendering.delete(owner.key);
    return owner;
  };

  const fresh = (key: string): Entry | undefined => {
    const entry = entries.get(key);
    if (!entry) return undefined;
    entries.delete(key);
    if (entry.expiresAt <= Date.now()) return undefined;
    entries.set(key, entry); // most recently used last
    return entry;
  };

  app.addHook('preHandler', async (request, reply) => {
    const route = request.method === 'GET' ? routes.get(request.routeOptions.url ?? '') : undefined;
    if (!route || request.reader) return;
    const key = `${await options.generation()}\n${route.key(request)}`;
    // No await between looking and claiming the render: a request that finds nothing renders for the others.
    const inFlight = rendering.get(key);
    const cached = fresh(key) ?? (inFlight && (await inFlight));
    if (cached) {
      reply.headers(cached.headers);
      return reply.send(cached.body);
    }
    // Nobody is rendering it (or their render failed): this request does, for the ones that come meanwhile.
    let settle!: (entry: Entry | null) => void;
    const render = new Promise<Entry | null>((resolve) => (settle = resolve));
    rendering.set(key, render);
    owners.set(request, { key, render, settle });
  });

  // After the ETag hook (registered earlier): the body is the exact bytes sent, and a 304 is not kept.
  app.addHook('onSend', async (request, reply, payload) => {
    const owner = release(request);
    if (!owner) return payload;
    if (reply.statusCode !== 200 || !(Buffer.isBuffer(payload) || typeof payload === 'string')) return owner.settle(null), payload;
    const headers: Record<string, string> = {};
    for (const name of KEPT_HEADERS) {
      const value = reply.getHeader(name);
      if (value !== undefined) headers[name] = String(value);
    }
    const entry = { body: Buffer.isBuffer(payload) ? payload : Buffer.from(payload), headers, expiresAt: Date.now() + ttlMs };
    entries.set(owner.key, entry);
    if (entries.size > maxEntries) entries.delete(entries.keys().next().value!);
    owner.settle(entry);
    return payload;
  });

  // A render that ended without an answer (the client went away) lets its waiters render themselves.
  const abandon = async (request: FastifyRequest) => release(request)?.settle(null);
  app.addHook('onResponse', abandon);
  app.addHook('onRequestAbort', abandon);
}
