import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import { DEFAULT_MAX_ATTEMPTS, type ClaimedJob, type JobDefinition, defaultBackoffMs } from './job.ts';
import { type JobRow, jobRepository } from './job.repository.ts';

/** The part of a pino logger the worker uses. */
export interface WorkerLog {
  info(details: object, message: string): void;
  warn(details: object, message: string): void;
  error(details: object, message: string): void;
}

export interface WorkerOptions<Services> {
  db: Kysely<Database>;
  definitions: JobDefinition<any, Services>[];
  services: Services;
  /** Jobs run at once by this process. */
  concurrency: number;
  /** How often to look for due jobs when idle; a scheduled job starts at most this late. */
  pollIntervalMs: number;
  /** How long a claim lasts without renewal; the worker renews it every third of that while the job runs. */
  leaseMs: number;
  log: WorkerLog;
  /** Names this worker in `locked_by`; default host:pid:random. */
  id?: string;
  /** Runs once every job has stopped, e.g. to close the SMTP pool the jobs shared. */
  afterStop?: () => Promise<void>;
}

export interface Worker {
  readonly id: string;
  /** Starts the poll loop (returns at once). */
  start(): void;
  /** Stops claiming, asks running jobs to stop at their next safe point, and waits for them. */
  stop(): Promise<void>;
  /** Claims the jobs due now (up to `concurrency`) and runs them to the end; for tests and one-shot commands. */
  runDue(): Promise<number>;
}

/**
 * A job worker: claims due jobs with a lease, runs them, renews the lease while they run, and records the
 * outcome. Any number of workers (in this process or others, on one database) share the jobs table; a job whose
 * worker died is claimed again once its lease expires.
 */
export function createWorker<Services>(options: WorkerOptions<Services>): Worker {
  const id = options.id ?? `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
  const repository = jobRepository(options.db);
  const byKind = new Map(options.definitions.map((definition) => [definition.kind, definition]));
  const running = new Map<string, { controller: AbortController; done: Promise<void> }>();
  let stopping = false;
  let loop: Promise<void> | null = null;
  let wake: (() => void) | null = null;

  const leaseUntil = () => new Date(Date.now() + options.leaseMs).toISOString();

  async function claim(limit: number): Promise<JobRow[]> {
    return repository.claimDue({
      kinds: [...byKind.keys()],
      workerId: id,
      now: new Date().toISOString(),
      leaseUntil: leaseUntil(),
      limit,
    });
  }

  function launch(row: JobRow): Promise<void> {
    const controller = new AbortController();
    const done = runJob(row, controller).finally(() => {
      running.delete(row.id);
      wake?.();
    });
    running.set(row.id, { controller, done });
    return done;
  }

  async function runJob(row: JobRow, controller: AbortController): Promise<void> {
    const definition = byKind.get(row.kind)!;
    const job: ClaimedJob = { id: row.id, kind: row.kind, attempt: row.attempts, maxAttempts: row.max_attempts, runAt: row.run_at };
    const renew = setInterval(() => {
      repository
        .renewLease(row.id, id, leaseUntil(), new Date().toISOString())
        .then((held) => {
          if (!held) controller.abort(new Error('lease lost'));
        })
        .catch((error: unknown) => options.log.warn({ job: row.id, err: error }, 'could not renew job lease'));
    }, Math.max(50, Math.floor(options.leaseMs / 3)));
    const release = (change: Parameters<typeof repository.release>[2]) =>
      repository.release(row.id, id, change).then((held) => {
        if (!held) options.log.warn({ job: row.id, kind: row.kind }, 'job was reclaimed by another worker before it ended here');
      });
    try {
      const payload = definition.payload.safeParse(JSON.parse(row.payload));
      if (!payload.success) {
        await release({ status: 'failed', error: `invalid payload: ${payload.error.message}`, now: new Date().toISOString() });
        return;
      }
      const outcome = await definition.run(payload.data, { job, signal: controller.signal, services: options.services, workerId: id });
      const now = new Date().toISOString();
      if (outcome && 'runAgainAt' in outcome) {
        await release({ status: 'pending', runAt: outcome.runAgainAt.toISOString(), refundAttempt: true, now });
      } else if (controller.signal.aborted && stopping) {
        // The handler stopped early because we are shutting down: hand the job back for another worker now.
        await release({ status: 'pending', runAt: now, refundAttempt: true, now });
      } else {
        await release({ status: 'done', error: null, now });
      }
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      const now = new Date();
      if (controller.signal.aborted && stopping) {
        await release({ status: 'pending', runAt: now.toISOString(), refundAttempt: true, error: message, now: now.toISOString() });
      } else if (row.attempts >= (row.max_attempts || DEFAULT_MAX_ATTEMPTS)) {
        options.log.error({ job: row.id, kind: row.kind, attempt: row.attempts, err: error }, 'job failed for good');
        await release({ status: 'failed', error: message, now: now.toISOString() });
      } else {
        const delay = (definition.backoffMs ?? defaultBackoffMs)(row.attempts);
        options.log.warn({ job: row.id, kind: row.kind, attempt: row.attempts, retryInMs: delay, err: error }, 'job failed; will retry');
        await release({ status: 'pending', runAt: new Date(now.getTime() + delay).toISOString(), error: message, now: now.toISOString() });
      }
    } finally {
      clearInterval(renew);
    }
  }

  async function pollLoop(): Promise<void> {
    while (!stopping) {
      let claimed = 0;
      const free = options.concurrency - running.size;
      if (free > 0) {
        try {
          const rows = await claim(free);
          claimed = rows.length;
          for (const row of rows) void launch(row);
        } catch (error) {
          options.log.error({ err: error }, 'could not claim jobs');
        }
      }
      // More may be due when every free slot was filled; otherwise wait for the next poll or a finished job.
      if (claimed > 0 && claimed === free) continue;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, options.pollIntervalMs);
        wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      wake = null;
    }
  }

  return {
    id,
    start() {
      if (loop) return;
      stopping = false;
      loop = pollLoop();
    },
    async stop() {
      stopping = true;
      wake?.();
      for (const { controller } of running.values()) controller.abort(new Error('worker stopping'));
      await loop;
      await Promise.all([...running.values()].map((entry) => entry.done));
      loop = null;
      await options.afterStop?.();
    },
    async runDue() {
      const rows = await claim(options.concurrency);
      await Promise.all(rows.map(launch));
      return rows.length;
    },
  };
}
