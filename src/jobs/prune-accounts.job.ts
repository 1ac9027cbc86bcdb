import { z } from 'zod';
import { pruneExpiredAccountData } from '../accounts/prune-expired.ts';
import { defineJob } from './job.ts';
import type { JobServices } from './services.ts';

const EVERY_MS = 3600 * 1000;

/** Deletes ended sessions, spent or expired account tokens and ended rate-limit windows, then comes back in an hour. */
export const pruneAccountsJob = defineJob({
  kind: 'accounts.prune',
  payload: z.object({}),
  async run(_payload, { services }: { services: JobServices }) {
    const now = new Date();
    const { sessionIdleMs: idleMs, sessionMaxMs: maxMs } = services.config.accounts;
    const deleted = await pruneExpiredAccountData(services.db, { idleMs, maxMs }, now);
    if (deleted.sessions + deleted.tokens + deleted.rateLimits > 0) services.log.info(deleted, 'pruned expired account data');
    return { runAgainAt: new Date(now.getTime() + EVERY_MS) };
  },
});

export const PRUNE_ACCOUNTS_KEY = 'accounts.prune';
