import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import { readingRepository } from './reading.repository.ts';

/** The most read articles of the last hours, the same for every reader. */
export interface PopularNow {
  /** Ids of the most read articles since `sinceHour`, most read first. */
  ids(sinceHour: string, limit: number): Promise<string[]>;
}

/**
 * Reads "most read" from the database at most once per `ttlMs` and hour boundary: summing the hourly counts of two
 * days costs ~15 ms at 200,000 reads, and it is the same list for every reader. One per process, created in app.ts;
 * being a minute old is fine for "شائع الآن", and every process reads the same shared counts.
 */
export function createPopularNow(db: Kysely<Database>, ttlMs = 60_000): PopularNow {
  let cached: { key: string; at: number; ids: Promise<string[]> } | null = null;
  return {
    ids(sinceHour, limit) {
      const key = `${sinceHour} ${limit}`;
      const now = Date.now();
      if (!cached || cached.key !== key || now - cached.at > ttlMs) {
        const ids = readingRepository(db)
          .mostRead(sinceHour, limit)
          .then((rows) => rows.map((row) => row.article_id));
        // A failed read is not kept: the next feed asks again.
        ids.catch(() => (cached = null));
        cached = { key, at: now, ids };
      }
      return cached.ids;
    },
  };
}

/** No cache: every call reads the counts (tests, and callers that need the exact list). */
export const uncachedPopularNow = (db: Kysely<Database>): PopularNow => ({
  ids: async (sinceHour, limit) => (await readingRepository(db).mostRead(sinceHour, limit)).map((row) => row.article_id),
});
