import { expect, it } from 'vitest';
import { z } from 'zod';
import { describeEachEngine } from '../../test/engines.ts';
import { openDatabase } from '../db/database.ts';
import { defineJob, enqueueJob } from './job.ts';
import { jobRepository } from './job.repository.ts';
import { createWorker, type WorkerLog } from './worker.ts';

const quiet: WorkerLog = { info() {}, warn() {}, error() {} };

describeEachEngine('job worker', (database) => {
  const db = () => database.handle.db;
  const workerFor = (definitions: Parameters<typeof createWorker>[0]['definitions'], extra: Partial<Parameters<typeof createWorker>[0]> = {}) =>
    createWorker({ db: db(), definitions, services: {}, concurrency: 4, pollIntervalMs: 20, leaseMs: 5000, log: quiet, ...extra });

  it('runs a due job once with its validated payload and marks it done', async () => {
    const seen: string[] = [];
    const echo = defineJob({ kind: 'test.echo', payload: z.object({ word: z.string() }), run: async ({ word }) => void seen.push(word) });
    const { job } = await enqueueJob(db(), echo, { word: 'مرحبا' });
    const worker = workerFor([echo]);
    expect(await worker.runDue()).toBe(1);
    expect(await worker.runDue()).toBe(0);
    expect(seen).toEqual(['مرحبا']);
    const row = await jobRepository(db()).find(job.id);
    expect(row).toMatchObject({ status: 'done', attempts: 1, locked_by: null, last_error: null });
    expect(row?.finished_at).toBeTruthy();
  });

  it('rejects a payload its schema refuses, naming the field', async () => {
    const typed = defineJob({ kind: 'test.typed', payload: z.object({ articleId: z.string().min(1) }), run: async () => {} });
    await expect(enqueueJob(db(), typed, { articleId: '' })).rejects.toThrow(/test\.typed.*articleId/);
  });

  it('returns the existing job for a dedupe key instead of adding a second', async () => {
    const once = defineJob({ kind: 'test.once', payload: z.object({}), run: async () => {} });
    const first = await enqueueJob(db(), once, {}, { dedupeKey: 'once:1' });
    const second = await enqueueJob(db(), once, {}, { dedupeKey: 'once:1' });
    expect(first.created).toBe(true);
    expect(second.created).toBe(false);
    expect(second.job.id).toBe(first.job.id);
  });

  it('does not run a job before its time', async () => {
    let runs = 0;
    const later = defineJob({ kind: 'test.later', payload: z.object({}), run: async () => void runs++ });
    const { job } = await enqueueJob(db(), later, {}, { runAt: new Date(Date.now() + 60_000) });
    expect(await workerFor([later]).runDue()).toBe(0);
    expect(runs).toBe(0);
    await jobRepository(db()).reschedule(job.id, new Date(Date.now() - 1).toISOString(), new Date().toISOString());
    expect(await workerFor([later]).runDue()).toBe(1);
    expect(runs).toBe(1);
  });

  it('retries a failing job with backoff, then fails it for good after its last attempt', async () => {
    const failing = defineJob({
      kind: 'test.failing',
      payload: z.object({}),
      maxAttempts: 2,
      backoffMs: () => 0,
      run: async () => {
        throw new Error('SMTP down');
      },
    });
    const { job } = await enqueueJob(db(), failing, {});
    const worker = workerFor([failing]);
    await worker.runDue();
    expect(await jobRepository(db()).find(job.id)).toMatchObject({ status: 'pending', attempts: 1, last_error: 'SMTP down' });
    await worker.runDue();
    expect(await jobRepository(db()).find(job.id)).toMatchObject({ status: 'failed', attempts: 2, last_error: 'SMTP down' });
    expect(await worker.runDue()).toBe(0);
  });

  it('puts a job that asks to run again back in the queue without counting a failed attempt', async () => {
    const polling = defineJob({ kind: 'test.polling', payload: z.object({}), run: async () => ({ runAgainAt: new Date(Date.now() + 60_000) }) });
    const { job } = await enqueueJob(db(), polling, {});
    await workerFor([polling]).runDue();
    const row = await jobRepository(db()).find(job.id);
    expect(row).toMatchObject({ status: 'pending', attempts: 0 });
    expect(row!.run_at > new Date().toISOString()).toBe(true);
  });

  it('reclaims a job whose worker let its lease expire, and fences the first worker out', async () => {
    const stuck = defineJob({ kind: 'test.stuck', payload: z.object({}), run: async () => {} });
    const { job } = await enqueueJob(db(), stuck, {});
    const repository = jobRepository(db());
    const now = new Date();
    const [claimed] = await repository.claimDue({ kinds: ['test.stuck'], workerId: 'dead-worker', now: now.toISOString(), leaseUntil: new Date(now.getTime() + 100).toISOString(), limit: 5 });
    expect(claimed?.id).toBe(job.id);
    // Within the lease nobody else gets it.
    expect(await workerFor([stuck]).runDue()).toBe(0);
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(await workerFor([stuck], { id: 'live-worker' }).runDue()).toBe(1);
    const row = await repository.find(job.id);
    expect(row).toMatchObject({ status: 'done', attempts: 2 });
    expect(await repository.release(job.id, 'dead-worker', { status: 'failed', now: new Date().toISOString() })).toBe(false);
    expect(await repository.renewLease(job.id, 'dead-worker', new Date().toISOString(), new Date().toISOString())).toBe(false);
  });

  it('gives each job to exactly one of several concurrent workers on separate connections', async () => {
    const kind = 'test.split';
    const ran: string[] = [];
    const split = defineJob({
      kind,
      payload: z.object({ n: z.number() }),
      run: async ({ n }) => {
        ran.push(String(n));
        await new Promise((resolve) => setTimeout(resolve, 1));
      },
    });
    for (let n = 0; n < 120; n++) await enqueueJob(db(), split, { n });
    const handles = [0, 1, 2].map(() => openDatabase(database.target));
    try {
      const workers = handles.map((handle, i) =>
        createWorker({ db: handle.db, definitions: [split], services: {}, concurrency: 5, pollIntervalMs: 10, leaseMs: 5000, log: quiet, id: `w${i}` }),
      );
      const drain = async (worker: (typeof workers)[number]) => {
        let total = 0;
        for (let got = await worker.runDue(); got > 0; got = await worker.runDue()) total += got;
        return total;
      };
      const counts = await Promise.all(workers.map(drain));
      expect(counts.reduce((a, b) => a + b, 0)).toBe(120);
      expect(counts.filter((count) => count > 0).length).toBeGreaterThan(1);
    } finally {
      await Promise.all(handles.map((handle) => handle.close()));
    }
    expect(ran).toHaveLength(120);
    expect(new Set(ran).size).toBe(120);
  });

  it('runs a scheduled job once its time comes while the worker polls, and stops cleanly', async () => {
    const ranAt: number[] = [];
    const timed = defineJob({ kind: 'test.timed', payload: z.object({}), run: async () => void ranAt.push(Date.now()) });
    const due = Date.now() + 300;
    await enqueueJob(db(), timed, {}, { runAt: new Date(due) });
    const worker = workerFor([timed]);
    worker.start();
    try {
      await expect.poll(() => ranAt.length, { timeout: 5000, interval: 20 }).toBe(1);
    } finally {
      await worker.stop();
    }
    expect(ranAt[0]).toBeGreaterThanOrEqual(due);
  });

  it('hands a long job back when the worker stops, so another worker can take it at once', async () => {
    let started = 0;
    const long = defineJob({
      kind: 'test.long',
      payload: z.object({}),
      run: async (_payload, { signal }) => {
        started++;
        await new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
      },
    });
    const { job } = await enqueueJob(db(), long, {});
    const worker = workerFor([long]);
    worker.start();
    await expect.poll(() => started, { timeout: 5000, interval: 20 }).toBe(1);
    await worker.stop();
    expect(await jobRepository(db()).find(job.id)).toMatchObject({ status: 'pending', attempts: 0, locked_by: null });
  });
});
