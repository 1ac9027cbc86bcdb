import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import { accountsRepository } from './accounts.repository.ts';
import { deleteEndedRateLimitWindows } from './rate-limit.store.ts';
import { type SessionSettings, sessionService } from './session.service.ts';

/**
 * Deletes what can no longer be used: sessions past their idle or absolute limit, account tokens spent or
 * expired, and the rate-limit counters of ended windows. Each would be refused anyway; this keeps the tables
 * small and keeps no trace of old sign-ins longer than needed. Safe to run at any time, by any process.
 */
export async function pruneExpiredAccountData(db: Kysely<Database>, settings: SessionSettings, now = new Date()) {
  const [sessions] = await sessionService(db, settings, () => now).prune();
  const [tokens] = await accountsRepository(db).deleteStaleTokens(now.toISOString());
  const rateLimits = await deleteEndedRateLimitWindows(db, now);
  return {
    sessions: Number(sessions?.numDeletedRows ?? 0),
    tokens: Number(tokens?.numDeletedRows ?? 0),
    rateLimits: Number(rateLimits.numDeletedRows),
  };
}
