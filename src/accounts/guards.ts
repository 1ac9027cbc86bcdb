import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Role } from '../db/schema.ts';
import { forbidden, signInRequired } from '../lib/errors.ts';
import { roleAtLeast } from './reader.ts';

type Guard = (request: FastifyRequest, reply: FastifyReply) => Promise<unknown>;

/** Where an anonymous visitor is sent to sign in, coming back to `path` afterwards. */
export function signInPath(path: string): string {
  return `/account/signin?next=${encodeURIComponent(path)}`;
}

/**
 * A preHandler for routes only signed-in readers may use. An anonymous page request is redirected to sign-in
 * (and brought back); an anonymous JSON request (/api/…) gets 401.
 */
export function requireReader(): Guard {
  return async (request, reply) => {
    if (request.reader) return;
    if (request.url.startsWith('/api/') || request.method !== 'GET') throw signInRequired();
    return reply.redirect(signInPath(request.url), 303);
  };
}

/**
 * A preHandler for routes that need a role: `requireRole('editor')` admits editors and admins, `requireRole('admin')`
 * only admins. Anonymous visitors are treated as by `requireReader()`; signed-in readers below the role get 403.
 */
export function requireRole(minimum: Exclude<Role, 'reader'>): Guard {
  const signedIn = requireReader();
  return async (request, reply) => {
    if (!request.reader) return signedIn(request, reply);
    if (!roleAtLeast(request.reader.role, minimum)) throw forbidden(request.url);
  };
}
