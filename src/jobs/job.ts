import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { z } from 'zod';
import type { Database } from '../db/schema.ts';
import { invalidInput } from '../lib/errors.ts';
import { type JobRow, jobRepository } from './job.repository.ts';

/** A claimed job as its handler sees it. */
export interface ClaimedJob {
  id: string;
  kind: string;
  /** 1 on the first run; a run after a crash or a failure counts too. */
  attempt: number;
  maxAttempts: number;
  runAt: string;
}

/**
 * What a handler may ask for when it returns: nothing (the job is done), or to run again later without that
 * counting as a failure (e.g. "recipients are waiting for their retry time").
 */
export type JobOutcome = void | { runAgainAt: Date };

export interface JobContext<Services> {
  job: ClaimedJob;
  /** Aborted when the worker stops or loses the job's lease: stop at the next safe point. */
  signal: AbortSignal;
  services: Services;
  /** The worker running the job (host:pid:random), e.g. to name rows it claims in turn. */
  workerId: string;
}

/** One kind of job: its payload schema and its handler. Handlers must be idempotent (a crash reruns them). */
export interface JobDefinition<Payload = any, Services = any> {
  kind: string;
  payload: z.ZodType<Payload>;
  /** Runs before the job fails for good (a crash or lease loss counts). Default 5. */
  maxAttempts?: number;
  /** Delay before the next attempt after attempt `attempt` failed. Default: 30 s doubling, at most 1 h. */
  backoffMs?: (attempt: number) => number;
  run(payload: Payload, context: JobContext<Services>): Promise<JobOutcome>;
}

/** Declares a job kind; the identity function that makes TypeScript infer the payload from the schema. */
export function defineJob<Payload, Services>(definition: JobDefinition<Payload, Services>): JobDefinition<Payload, Services> {
  return definition;
}

export const DEFAULT_MAX_ATTEMPTS = 5;

export function defaultBackoffMs(attempt: number): number {
  return Math.min(30_000 * 2 ** Math.max(0, attempt - 1), 3_600_000);
}

export interface EnqueueOptions {
  /** When the job may run; default now. */
  runAt?: Date;
  /** At most one job ever holds this key (until finished jobs are pruned): enqueueing it again returns that job. */
  dedupeKey?: string;
  maxAttempts?: number;
  now?: Date;
}

/**
 * Adds a job, validating its payload with the definition's schema. Jobs carry ids, not objects. Inside a
 * transaction (pass the transaction as `db`) the job exists only if the transaction commits.
 */
export async function enqueueJob<Payload>(
  db: Kysely<Database>,
  definition: JobDefinition<Payload>,
  payload: Payload,
  options: EnqueueOptions = {},
): Promise<{ job: JobRow; created: boolean }> {
  const parsed = definition.payload.safeParse(payload);
  if (!parsed.success) {
    throw invalidInput(`payload of job ${definition.kind}: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  }
  const now = options.now ?? new Date();
  const { row, created } = await jobRepository(db).insert({
    id: randomUUID(),
    kind: definition.kind,
    payload: JSON.stringify(parsed.data),
    runAt: (options.runAt ?? now).toISOString(),
    maxAttempts: options.maxAttempts ?? definition.maxAttempts ?? DEFAULT_MAX_ATTEMPTS,
    dedupeKey: options.dedupeKey ?? null,
    now: now.toISOString(),
  });
  return { job: row, created };
}
