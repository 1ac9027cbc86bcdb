import { createHash, randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import type { Reader } from './reader.ts';
import { sessionsRepository } from './sessions.repository.ts';

export interface SessionSettings {
  /** A session unused for this long ends. */
  idleMs: number;
  /** A session ends this long after sign-in, used or not. */
  maxMs: number;
}

/** last_seen_at is written at most this often, so reading pages does not mean writing a row each time. */
const TOUCH_INTERVAL_MS = 60 * 60_000;

/** A new random token (256 bits, base64url). */
export function newToken(): string {
  return randomBytes(32).toString('base64url');
}

/** What the database keeps of a token: its SHA-256, so a leaked table cannot be used as cookies or links. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/**
 * Server-side sessions. The browser holds a random token; the `sessions` row is keyed by its hash. `clock`
 * exists so tests can step past the idle and absolute limits.
 */
export function sessionService(db: Kysely<Database>, settings: SessionSettings, clock: () => Date = () => new Date()) {
  const repo = sessionsRepository(db);
  return {
    /**
     * Starts a session for a user and returns the cookie's token. `replacing` is the session the browser had:
     * it is ended, so signing in always yields a fresh token (no session fixation).
     */
    async start(userId: string, client: { userAgent?: string | undefined; ip?: string | undefined; replacing?: string | undefined }) {
      const now = clock();
      const token = newToken();
      const id = hashToken(token);
      await db.transaction().execute(async (trx) => {
        const sessions = sessionsRepository(trx);
        if (client.replacing) await sessions.delete(client.replacing);
        await sessions.insert({
          id,
          userId,
          now: now.toISOString(),
          expiresAt: new Date(now.getTime() + settings.maxMs).toISOString(),
          userAgent: client.userAgent?.slice(0, 300) ?? null,
          ip: client.ip ?? null,
        });
      });
      return { token, sessionId: id };
    },

    /** The reader a cookie's token belongs to, or null when unknown, idle too long or past its absolute expiry. */
    async resolve(token: string): Promise<Reader | null> {
      if (token.length > 100) return null;
      const id = hashToken(token);
      const row = await repo.findWithUser(id);
      if (!row) return null;
      const now = clock();
      const lastSeen = Date.parse(row.last_seen_at);
      if (row.expires_at <= now.toISOString() || now.getTime() - lastSeen >= settings.idleMs) {
        await repo.delete(id);
        return null;
      }
      if (now.getTime() - lastSeen >= TOUCH_INTERVAL_MS) await repo.touch(id, now.toISOString());
      return {
        id: row.user_id,
        email: row.email,
        displayName: row.display_name,
        role: row.role,
        emailVerified: row.email_verified_at !== null,
        preferences: { digits: row.digits, dateStyle: row.date_style, language: row.language },
        sessionId: row.id,
      };
    },

    end: (sessionId: string) => repo.delete(sessionId),

    /** Ends every session of the user but `exceptId` (sign out everywhere else, password change). */
    endAll: (userId: string, exceptId?: string) => repo.deleteAllForUser(userId, exceptId),

    /** Ends one of the user's own sessions; false when it is not theirs or already gone. */
    revoke: (userId: string, sessionId: string) => repo.deleteOwn(sessionId, userId),

    list: (userId: string) => repo.listForUser(userId),

    /** Deletes sessions that can no longer be used; housekeeping, safe to run any time. */
    prune: () => {
      const now = clock();
      return repo.deleteExpired(now.toISOString(), new Date(now.getTime() - settings.idleMs).toISOString());
    },
  };
}

export type SessionService = ReturnType<typeof sessionService>;
