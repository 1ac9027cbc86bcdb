import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { Database } from '../db/schema.ts';
import { pollFeedSource } from '../newsroom/feed-sources.service.ts';
import { defineJob, enqueueJob } from './job.ts';
import type { JobServices } from './services.ts';

/**
 * Polls one subscribed feed, then comes back after the source's interval. One such job exists per source (dedupe
 * key); once the source is removed the job ends. Re-polling is harmless: items seen before change nothing.
 */
export const pollFeedJob = defineJob({
  kind: 'newsroom.poll-feed',
  payload: z.object({ sourceId: z.string().min(1) }),
  async run({ sourceId }, { services }: { services: JobServices }) {
    const report = await pollFeedSource(services.db, sourceId);
    if (!report) return;
    services.log.info({ sourceId, imported: report.imported.length, failed: report.failed.length }, 'polled feed');
    const source = await services.db.selectFrom('feed_sources').select('interval_minutes').where('id', '=', sourceId).executeTakeFirst();
    if (source) return { runAgainAt: new Date(Date.now() + source.interval_minutes * 60_000) };
  },
});

/** Enqueues the first poll of a new source, in the caller's transaction. */
export async function schedulePoll(trx: Kysely<Database>, sourceId: string): Promise<void> {
  await enqueueJob(trx, pollFeedJob, { sourceId }, { dedupeKey: `newsroom.poll-feed:${sourceId}` });
}
