import { z } from 'zod';
import { defineJob } from './job.ts';
import { jobRepository } from './job.repository.ts';
import type { JobServices } from './services.ts';

/** Finished jobs are kept this long for inspection, then deleted. */
const KEEP_FINISHED_MS = 7 * 24 * 3600 * 1000;
const EVERY_MS = 6 * 3600 * 1000;

/** Deletes finished jobs older than a week, then comes back in six hours; one such job exists (dedupe key). */
export const pruneJobsJob = defineJob({
  kind: 'jobs.prune',
  payload: z.object({}),
  async run(_payload, { services }: { services: JobServices }) {
    const now = Date.now();
    const deleted = await jobRepository(services.db).pruneFinished(new Date(now - KEEP_FINISHED_MS).toISOString());
    if (deleted) services.log.info({ deleted }, 'pruned finished jobs');
    return { runAgainAt: new Date(now + EVERY_MS) };
  },
});

export const PRUNE_JOBS_KEY = 'jobs.prune';
