import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import fastifyCookie from '@fastify/cookie';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AccountsConfig } from '../config.ts';
import { csrfRejected } from '../lib/errors.ts';
import type { Reader } from './reader.ts';
import type { ReaderSlots } from './reader-slots.tsx';
import type { SessionService } from './session.service.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /** The signed-in reader, or null. Set before any handler runs. */
    reader: Reader | null;
    /** The CSRF token for forms and JSON calls in this response (put it in `<CsrfField>` or `x-csrf-token`). */
    csrfToken(): string;
  }
  interface FastifyContextConfig {
    /** `false` exempts a POST/PUT/PATCH/DELETE route from CSRF checks: only for requests that carry no cookies' authority (e.g. one-click unsubscribe from a mail program). */
    csrf?: boolean;
  }
}

export const SESSION_COOKIE = 'sahifa_session';
const ANONYMOUS_COOKIE = 'sahifa_csrf';
/** The form field and the header that carry the CSRF token. */
export const CSRF_FIELD = '_csrf';
export const CSRF_HEADER = 'x-csrf-token';
const UNSAFE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

export interface SessionPluginDeps {
  sessions: SessionService;
  slots: ReaderSlots;
  config: AccountsConfig;
  siteUrl: string;
  /** Loads the HMAC key for CSRF tokens, shared by every process (app_secrets); called until it succeeds. */
  loadCsrfKey: () => Promise<string>;
}

/**
 * Sessions for every route: reads the session cookie into `request.reader`, checks CSRF on every state-changing
 * request, and personalizes reader slots for signed-in readers, whose pages are then `Cache-Control: private,
 * no-store` without an ETag. Anonymous requests cost nothing here (no cookie, no query).
 */
export async function sessionPlugin(app: FastifyInstance, deps: SessionPluginDeps): Promise<void> {
  await app.register(fastifyCookie);
  const anonymousIds = new WeakMap<FastifyRequest, { id: string; fresh: boolean }>();
  // Loaded on the first request rather than at build time: the app must start (and answer /readyz) before the
  // database is migrated.
  let csrfKey: string | null = null;
  const sign = (subject: string) => {
    if (!csrfKey) throw new Error('CSRF key not loaded: the database is not migrated');
    return createHmac('sha256', csrfKey).update(subject).digest('base64url');
  };
  const siteOrigin = new URL(deps.siteUrl).origin;

  app.decorateRequest('reader', null);
  app.decorateRequest('csrfToken', function (this: FastifyRequest) {
    if (this.reader) return sign(`session:${this.reader.sessionId}`);
    let anonymous = anonymousIds.get(this);
    if (!anonymous) {
      const existing = this.cookies[ANONYMOUS_COOKIE];
      anonymous = existing && /^[\w-]{22}$/.test(existing) ? { id: existing, fresh: false } : { id: randomBytes(16).toString('base64url'), fresh: true };
      anonymousIds.set(this, anonymous);
    }
    return sign(`anonymous:${anonymous.id}`);
  });

  app.addHook('onRequest', async (request, reply) => {
    if (!csrfKey) csrfKey = await deps.loadCsrfKey().catch(() => null);
    const token = request.cookies[SESSION_COOKIE];
    if (!token || request.url.startsWith('/assets/')) return;
    request.reader = await deps.sessions.resolve(token);
    if (!request.reader) clearSessionCookie(reply, deps.config);
  });

  app.addHook('preHandler', async (request) => {
    if (!UNSAFE_METHODS.has(request.method) || request.routeOptions.config.csrf === false) return;
    // A browser says where a request comes from; a request another site's page made is refused before the token.
    const origin = request.headers.origin;
    if (origin && origin !== siteOrigin && origin !== `${request.protocol}://${request.host}`) throw csrfRejected(`origin ${origin}`);
    if (request.headers['sec-fetch-site'] === 'cross-site') throw csrfRejected('cross-site request');
    const body = request.body as Record<string, unknown> | undefined;
    const given = (typeof body === 'object' && body !== null ? body[CSRF_FIELD] : undefined) ?? request.headers[CSRF_HEADER];
    if (typeof given !== 'string' || !given) throw csrfRejected('missing CSRF token');
    const expected = request.reader
      ? sign(`session:${request.reader.sessionId}`)
      : request.cookies[ANONYMOUS_COOKIE]
        ? sign(`anonymous:${request.cookies[ANONYMOUS_COOKIE]}`)
        : null;
    if (!expected || !safeEqual(given, expected)) throw csrfRejected('invalid CSRF token');
  });

  app.addHook('onSend', async (request, reply, payload) => {
    const anonymous = anonymousIds.get(request);
    if (anonymous?.fresh && !request.reader) {
      reply.setCookie(ANONYMOUS_COOKIE, anonymous.id, { path: '/', httpOnly: true, sameSite: 'lax', secure: deps.config.secureCookies });
    }
    const type = String(reply.getHeader('content-type') ?? '');
    if (!type.startsWith('text/html')) return payload;
    // Shared caches must not hand one reader's page to another: pages differ by cookie.
    reply.header('vary', 'Cookie');
    if (!request.reader) return payload;
    reply.header('cache-control', 'private, no-store');
    if (typeof payload !== 'string') return payload;
    return deps.slots.personalize(payload, request.reader, request);
  });
}

/** Starts a session for `userId` in this browser, ending the one it had (a fresh token on every sign-in). */
export async function signIn(request: FastifyRequest, reply: FastifyReply, sessions: SessionService, userId: string, config: AccountsConfig) {
  const { token } = await sessions.start(userId, {
    userAgent: request.headers['user-agent'],
    ip: request.ip,
    replacing: request.reader?.sessionId,
  });
  reply.setCookie(SESSION_COOKIE, token, {
    path: '/',
    httpOnly: true,
    sameSite: 'lax',
    secure: config.secureCookies,
    maxAge: Math.floor(config.sessionMaxMs / 1000),
  });
}

/** Ends this browser's session. */
export async function signOut(request: FastifyRequest, reply: FastifyReply, sessions: SessionService, config: AccountsConfig) {
  if (request.reader) await sessions.end(request.reader.sessionId);
  request.reader = null;
  clearSessionCookie(reply, config);
}

function clearSessionCookie(reply: FastifyReply, config: AccountsConfig) {
  reply.clearCookie(SESSION_COOKIE, { path: '/', httpOnly: true, sameSite: 'lax', secure: config.secureCookies });
}

function safeEqual(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}
