import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import { readingRepository } from './reading.repository.ts';

/** Reads by everyone since an hour: the popularity prior of every candidate, and the "شائع الآن" list. */
export interface Popularity {
  /** Reads of each article read since the hour; articles nobody read are absent. */
  counts: ReadonlyMap<string, number>;
  /** The articles read, most read first. */
  ranked: readonly string[];
}

/** The same reads for every reader. */
export interface PopularNow {
  since(sinceHour: string): Promise<Popularity>;
}

async function readPopularity(db: Kysely<Database>, sinceHour: string): Promise<Popularity> {
  const rows = await readingRepository(db).readsPerArticleSince(sinceHour);
  const counts = new Map(rows.map((row) => [row.article_id, Number(row.reads)]));
  const ranked = [...counts.keys()].sort((a, b) => counts.get(b)! - counts.get(a)! || (a < b ? -1 : 1));
  return { counts, ranked };
}

/**
 * Reads the counts from the database at most once per `ttlMs` and hour boundary: summing the hourly counts of two
 * days costs ~15 ms at 200,000 reads, and they are the same for every reader. One per process, created in app.ts;
 * being a minute old is fine for a popularity prior, and every process reads the same shared counts.
 */
export function createPopularNow(db: Kysely<Database>, ttlMs = 60_000): PopularNow {
  let cached: { sinceHour: string; at: number; popularity: Promise<Popularity> } | null = null;
  return {
    since(sinceHour) {
      const now = Date.now();
      if (!cached || cached.sinceHour !== sinceHour || now - cached.at > ttlMs) {
        const popularity = readPopularity(db, sinceHour);
        // A failed read is not kept: the next feed asks again.
        popularity.catch(() => (cached = null));
        cached = { sinceHour, at: now, popularity };
      }
      return cached.popularity;
    },
  };
}

/** No cache: every call reads the counts (tests, and callers that need the exact figures). */
export const uncachedPopularNow = (db: Kysely<Database>): PopularNow => ({ since: (sinceHour) => readPopularity(db, sinceHour) });
