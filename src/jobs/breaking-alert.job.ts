import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { Database } from '../db/schema.ts';
import { enqueueBreakingNews } from '../newsletters/sends.service.ts';
import { defineJob, enqueueJob } from './job.ts';
import type { JobServices } from './services.ts';

/**
 * Sends the "عاجل" newsletter for an article published as breaking news. Enqueued inside the publishing
 * transaction (so an alert exists exactly when the publication does) and run after it commits: the newsletter
 * only shows published articles. Idempotent: the newsletters keep one send per article.
 */
export const breakingAlertJob = defineJob({
  kind: 'newsroom.breaking-alert',
  payload: z.object({ articleId: z.string().min(1) }),
  async run({ articleId }, { services }: { services: JobServices }) {
    const send = await enqueueBreakingNews(services.db, articleId);
    services.log.info({ articleId, sendId: send?.id ?? null }, 'breaking news alert');
  },
});

/** The newsroom's breaking-news hook: enqueues the alert in the caller's transaction. */
export async function enqueueBreakingAlert(trx: Kysely<Database>, articleId: string): Promise<void> {
  await enqueueJob(trx, breakingAlertJob, { articleId }, { dedupeKey: `newsroom.breaking-alert:${articleId}` });
}
