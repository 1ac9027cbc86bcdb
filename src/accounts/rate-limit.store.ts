import { type Kysely, sql } from 'kysely';
import type { Database } from '../db/schema.ts';

type Callback = (error: Error | null, result?: { current: number; ttl: number }) => void;

/**
 * A store for @fastify/rate-limit kept in the `rate_limits` table, so every process on one database counts
 * together. One upsert per hit, atomic on both engines: a window that has ended starts again at 1.
 */
export function databaseRateLimitStore(db: Kysely<Database>, clock: () => Date = () => new Date()) {
  return class DatabaseRateLimitStore {
    incr(key: string, callback: Callback, timeWindow: number): void {
      const now = clock();
      const nowIso = now.toISOString();
      const expiresAt = new Date(now.getTime() + timeWindow).toISOString();
      sql<{ hits: number | string; expires_at: string }>`
        insert into rate_limits (key, hits, expires_at) values (${key}, 1, ${expiresAt})
        on conflict (key) do update set
          hits = case when rate_limits.expires_at <= ${nowIso} then 1 else rate_limits.hits + 1 end,
          expires_at = case when rate_limits.expires_at <= ${nowIso} then excluded.expires_at else rate_limits.expires_at end
        returning hits, expires_at`
        .execute(db)
        .then(({ rows: [row] }) => callback(null, { current: Number(row!.hits), ttl: Math.max(0, Date.parse(row!.expires_at) - now.getTime()) }))
        .catch((error: Error) => callback(error));
    }

    child(): DatabaseRateLimitStore {
      return new DatabaseRateLimitStore();
    }
  };
}

/** Deletes the counters of windows that have ended (a new hit starts a fresh row anyway); housekeeping. */
export function deleteEndedRateLimitWindows(db: Kysely<Database>, now: Date) {
  return db.deleteFrom('rate_limits').where('expires_at', '<=', now.toISOString()).executeTakeFirst();
}
