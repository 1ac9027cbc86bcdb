import { expect, it } from 'vitest';
import { insertReader } from '../../test/build-reader.ts';
import { describeEachEngine } from '../../test/engines.ts';
import { loadConfig } from '../config.ts';
import { enqueueJob } from './job.ts';
import { jobRepository } from './job.repository.ts';
import { pruneAccountsJob } from './prune-accounts.job.ts';
import type { JobServices } from './services.ts';
import { createWorker, type WorkerLog } from './worker.ts';

const quiet: WorkerLog = { info() {}, warn() {}, error() {} };
const HOUR = 3600 * 1000;

describeEachEngine('accounts.prune job', (database) => {
  it('deletes ended sessions, spent or expired tokens and ended rate-limit windows, keeps the rest, and comes back later', async () => {
    const db = database.handle.db;
    const config = loadConfig({ SITE_URL: 'https://news.example' });
    const reader = await insertReader(db);
    const now = Date.now();
    const at = (offsetMs: number) => new Date(now + offsetMs).toISOString();
    const session = (id: string, lastSeen: number, expires: number) => ({ id, user_id: reader.id, created_at: at(-2 * HOUR), last_seen_at: at(lastSeen), expires_at: at(expires), user_agent: null, ip: null });
    await db
      .insertInto('sessions')
      .values([
        session('live', -HOUR, 24 * HOUR),
        session('past-absolute-limit', -HOUR, -1000),
        session('idle-too-long', -config.accounts.sessionIdleMs - HOUR, 24 * HOUR),
      ])
      .execute();
    const token = (id: string, expires: number, used: string | null) => ({ id, user_id: reader.id, purpose: 'magic' as const, created_at: at(-HOUR), expires_at: at(expires), used_at: used });
    await db
      .insertInto('account_tokens')
      .values([token('unused', 10 * 60_000, null), token('spent', 10 * 60_000, at(-60_000)), token('expired', -60_000, null)])
      .execute();
    await db
      .insertInto('rate_limits')
      .values([
        { key: 'signin:ip:live', hits: 3, expires_at: at(60_000) },
        { key: 'signin:ip:ended', hits: 9, expires_at: at(-60_000) },
      ])
      .execute();

    const { job } = await enqueueJob(db, pruneAccountsJob, {});
    const services = { db, config, log: quiet } as unknown as JobServices;
    const worker = createWorker({ db, definitions: [pruneAccountsJob], services, concurrency: 1, pollIntervalMs: 20, leaseMs: 5000, log: quiet });
    expect(await worker.runDue()).toBe(1);

    expect((await db.selectFrom('sessions').select('id').where('user_id', '=', reader.id).execute()).map((row) => row.id)).toEqual(['live']);
    expect((await db.selectFrom('account_tokens').select('id').where('user_id', '=', reader.id).execute()).map((row) => row.id)).toEqual(['unused']);
    expect((await db.selectFrom('rate_limits').select('key').where('key', 'like', 'signin:ip:%').execute()).map((row) => row.key)).toEqual(['signin:ip:live']);
    const again = await jobRepository(db).find(job.id);
    expect(again?.status).toBe('pending');
    expect(Date.parse(again!.run_at)).toBeGreaterThan(now + HOUR / 2);
  });
});
