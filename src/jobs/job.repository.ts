import { type Kysely, type Selectable, sql } from 'kysely';
import { claimRows } from '../db/claim.ts';
import type { Database, JobsTable, JobStatus } from '../db/schema.ts';

export type JobRow = Selectable<JobsTable>;

export interface NewJob {
  id: string;
  kind: string;
  payload: string;
  runAt: string;
  maxAttempts: number;
  dedupeKey: string | null;
  now: string;
}

/** All SQL for the jobs table. Every change to a claimed job names the worker holding it (fencing). */
export function jobRepository(db: Kysely<Database>) {
  return {
    /** Inserts the job unless one with the same dedupe key exists; returns whichever row now holds the key. */
    async insert(job: NewJob): Promise<{ row: JobRow; created: boolean }> {
      const inserted = await db
        .insertInto('jobs')
        .values({
          id: job.id,
          kind: job.kind,
          payload: job.payload,
          status: 'pending',
          run_at: job.runAt,
          attempts: 0,
          max_attempts: job.maxAttempts,
          dedupe_key: job.dedupeKey,
          created_at: job.now,
          updated_at: job.now,
        })
        .onConflict((oc) => oc.column('dedupe_key').doNothing())
        .returningAll()
        .executeTakeFirst();
      if (inserted) return { row: inserted, created: true };
      const existing = await db.selectFrom('jobs').selectAll().where('dedupe_key', '=', job.dedupeKey).executeTakeFirstOrThrow();
      return { row: existing, created: false };
    },

    find: (id: string) => db.selectFrom('jobs').selectAll().where('id', '=', id).executeTakeFirst(),

    findByDedupeKey: (key: string) => db.selectFrom('jobs').selectAll().where('dedupe_key', '=', key).executeTakeFirst(),

    list(filter: { kind?: string; status?: JobStatus; limit: number }) {
      let query = db.selectFrom('jobs').selectAll();
      if (filter.kind) query = query.where('kind', '=', filter.kind);
      if (filter.status) query = query.where('status', '=', filter.status);
      return query.orderBy('run_at', 'desc').limit(filter.limit).execute();
    },

    /**
     * Claims due jobs of the given kinds: pending ones whose time has come, and running ones whose worker let its
     * lease expire (it died or hung). Each claim counts as an attempt.
     */
    claimDue(options: { kinds: string[]; workerId: string; now: string; leaseUntil: string; limit: number }): Promise<JobRow[]> {
      if (!options.kinds.length) return Promise.resolve([]);
      return claimRows<JobRow>(db, {
        table: 'jobs',
        key: 'id',
        scope: sql`kind in (${sql.join(options.kinds)})`,
        claimable: sql`((status = 'pending' and run_at <= ${options.now})
          or (status = 'running' and locked_until < ${options.now}))`,
        orderBy: sql`run_at, id`,
        limit: options.limit,
        set: sql`status = 'running', locked_by = ${options.workerId}, locked_until = ${options.leaseUntil},
          attempts = attempts + 1, updated_at = ${options.now}`,
      });
    },

    /** Extends the lease while the worker still holds the job; false when it was reclaimed by another. */
    async renewLease(id: string, workerId: string, leaseUntil: string, now: string): Promise<boolean> {
      const result = await db
        .updateTable('jobs')
        .set({ locked_until: leaseUntil, updated_at: now })
        .where('id', '=', id)
        .where('locked_by', '=', workerId)
        .where('status', '=', 'running')
        .executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    },

    /** Ends a claimed job: done, failed for good, or back to pending for a later run. */
    async release(
      id: string,
      workerId: string,
      change: { status: 'done' | 'failed' | 'pending'; runAt?: string; error?: string | null; refundAttempt?: boolean; now: string },
    ): Promise<boolean> {
      const result = await db
        .updateTable('jobs')
        .set((eb) => ({
          status: change.status,
          locked_by: null,
          locked_until: null,
          updated_at: change.now,
          ...(change.runAt ? { run_at: change.runAt } : {}),
          ...(change.error !== undefined ? { last_error: change.error } : {}),
          ...(change.status === 'pending' ? {} : { finished_at: change.now }),
          ...(change.refundAttempt ? { attempts: eb('attempts', '-', 1) } : {}),
        }))
        .where('id', '=', id)
        .where('locked_by', '=', workerId)
        .where('status', '=', 'running')
        .executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    },

    /** Cancels a job that has not started; false when it is running or finished. */
    async cancel(id: string, now: string): Promise<boolean> {
      const result = await db
        .updateTable('jobs')
        .set({ status: 'cancelled', updated_at: now, finished_at: now })
        .where('id', '=', id)
        .where('status', '=', 'pending')
        .executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    },

    /** Moves a pending job to another time; false when it is running or finished. */
    async reschedule(id: string, runAt: string, now: string): Promise<boolean> {
      const result = await db
        .updateTable('jobs')
        .set({ run_at: runAt, updated_at: now })
        .where('id', '=', id)
        .where('status', '=', 'pending')
        .executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    },

    /** Deletes finished jobs (done, failed, cancelled) that finished before `before`. */
    async pruneFinished(before: string): Promise<number> {
      const result = await db
        .deleteFrom('jobs')
        .where('status', 'in', ['done', 'failed', 'cancelled'])
        .where('finished_at', '<', before)
        .executeTakeFirst();
      return Number(result.numDeletedRows);
    },
  };
}

export type JobRepository = ReturnType<typeof jobRepository>;
