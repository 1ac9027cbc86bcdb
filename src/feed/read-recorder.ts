import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import { type ReadEvent, readingRepository } from './reading.repository.ts';

/** A read as the web layer knows it: by article id, or by the slug of the page served. */
export type PendingRead = Omit<ReadEvent, 'articleId'> & ({ articleId: string } | { slug: string });

export interface ReadRecorder {
  /** Queues a read; it is stored with the next batch. Never throws: a lost count must not fail a page. */
  record(event: PendingRead): void;
  /** Stores what is queued now, in one transaction. */
  flush(): Promise<void>;
  /** Stores what is left and stops the timer (on shutdown). */
  close(): Promise<void>;
}

/**
 * Batches reads so that serving a page costs an array push, not a write: a batch is stored every `intervalMs`
 * or as soon as `maxBatch` reads wait, as one multi-row insert and one upsert per article-hour. One recorder per
 * process, created in app.ts; several processes each flush their own batches, and the counts add up.
 */
export function createReadRecorder(
  db: Kysely<Database>,
  options: { intervalMs?: number; maxBatch?: number; onError?: (error: unknown) => void } = {},
): ReadRecorder {
  const intervalMs = options.intervalMs ?? 1000;
  const maxBatch = options.maxBatch ?? 500;
  let queue: PendingRead[] = [];
  let running: Promise<void> = Promise.resolve();
  let timer: NodeJS.Timeout | null = null;

  const flush = () => {
    if (timer) {
      clearTimeout(timer);
      timer = null;
    }
    const batch = queue;
    queue = [];
    // Batches are stored one after another so a slow write never runs twice at once.
    running = running.then(async () => {
      if (batch.length === 0) return;
      try {
        // Pages are served by slug; the whole batch's slugs are resolved in one query.
        const slugs = [...new Set(batch.flatMap((event) => ('slug' in event ? [event.slug] : [])))];
        const ids = slugs.length
          ? new Map((await db.selectFrom('articles').select(['id', 'slug']).where('slug', 'in', slugs).execute()).map((row) => [row.slug, row.id]))
          : new Map<string, string>();
        const events = batch.flatMap((event): ReadEvent[] => {
          if (!('slug' in event)) return [event];
          const { slug, ...rest } = event;
          const articleId = ids.get(slug);
          return articleId ? [{ ...rest, articleId }] : [];
        });
        await db.transaction().execute((trx) => readingRepository(trx).insertBatch(events));
      } catch (error) {
        // Best effort: reads are statistics, and an article deleted meanwhile must not lose the whole batch forever.
        options.onError?.(error);
      }
    });
    return running;
  };

  return {
    record(event) {
      queue.push(event);
      if (queue.length >= maxBatch) void flush();
      else if (!timer) {
        timer = setTimeout(() => void flush(), intervalMs);
        timer.unref();
      }
    },
    flush,
    close: flush,
  };
}
