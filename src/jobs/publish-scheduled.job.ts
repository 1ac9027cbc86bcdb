import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { Database } from '../db/schema.ts';
import { publishDueArticles } from '../newsroom/article-editing.service.ts';
import { enqueueBreakingAlert } from './breaking-alert.job.ts';
import { enqueueJob, defineJob } from './job.ts';
import type { JobServices } from './services.ts';

/**
 * Publishes the scheduled articles whose time has come. One job is enqueued per scheduling (run at that time);
 * it publishes whatever is due then, so a job for a time an editor has since changed publishes nothing it
 * should not, and a second run finds nothing left to do.
 */
export const publishScheduledJob = defineJob({
  kind: 'newsroom.publish-scheduled',
  payload: z.object({ articleId: z.string().min(1) }),
  async run(_payload, { services }: { services: JobServices }) {
    const published = await publishDueArticles(services.db, { onBreakingPublished: enqueueBreakingAlert });
    if (published.length) services.log.info({ published }, 'published scheduled articles');
  },
});

/** Enqueues the publication of an article scheduled for `at`, in the caller's transaction. */
export async function enqueueScheduledPublication(trx: Kysely<Database>, articleId: string, at: Date): Promise<void> {
  await enqueueJob(trx, publishScheduledJob, { articleId }, { runAt: at, dedupeKey: `publish:${articleId}:${at.toISOString()}` });
}
