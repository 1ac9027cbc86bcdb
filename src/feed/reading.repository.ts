import { type Kysely, sql, type Transaction } from 'kysely';
import type { Database } from '../db/schema.ts';

type Executor = Kysely<Database> | Transaction<Database>;

/** A read to store: by a signed-in reader (`readerId`) or anonymous (`null`, counted only). */
export interface ReadEvent {
  readerId: string | null;
  articleId: string;
  at: string;
  dwellSeconds: number;
  paragraph: number | null;
  /** Opening an article counts as a read for popularity; a later progress report of the same read does not. */
  counts: boolean;
}

/** The UTC hour an ISO timestamp falls in, as `article_read_counts.hour` stores it. */
export const hourOf = (iso: string) => iso.slice(0, 13);

/** Rows per multi-row insert: well under SQLite's 32,766 parameters and PostgreSQL's 65,535. */
const CHUNK = 500;

/** All SQL for read events and read counts. */
export function readingRepository(db: Executor) {
  return {
    /** Stores a batch of reads: one multi-row insert of events, one upsert per article-hour of counts. */
    async insertBatch(events: ReadEvent[]) {
      const personal = events.filter((event) => event.readerId !== null);
      for (let start = 0; start < personal.length; start += CHUNK) {
        await db
          .insertInto('read_events')
          .values(
            personal.slice(start, start + CHUNK).map((event) => ({
              reader_id: event.readerId!,
              article_id: event.articleId,
              read_at: event.at,
              dwell_seconds: event.dwellSeconds,
              paragraph: event.paragraph,
            })),
          )
          .execute();
      }
      const counts = new Map<string, { article_id: string; hour: string; reads: number }>();
      for (const event of events) {
        if (!event.counts) continue;
        const key = `${event.articleId} ${hourOf(event.at)}`;
        const row = counts.get(key) ?? { article_id: event.articleId, hour: hourOf(event.at), reads: 0 };
        row.reads++;
        counts.set(key, row);
      }
      const rows = [...counts.values()];
      for (let start = 0; start < rows.length; start += CHUNK) {
        await db
          .insertInto('article_read_counts')
          .values(rows.slice(start, start + CHUNK))
          // Additive upsert: several processes flushing at once all get counted, on both engines.
          .onConflict((oc) => oc.columns(['article_id', 'hour']).doUpdateSet({ reads: sql`article_read_counts.reads + excluded.reads` }))
          .execute();
      }
    },

    /** The reader's reading history, one row per article (the last time it was read), newest first. */
    history: (readerId: string, options: { limit: number; offset?: number }) =>
      db
        .selectFrom('read_events')
        .innerJoin('articles', 'articles.id', 'read_events.article_id')
        .leftJoin('sections', 'sections.id', 'articles.section_id')
        .select([
          'articles.id',
          'articles.slug',
          'articles.title',
          'sections.name as section_name',
          (eb) => eb.fn.max('read_events.read_at').as('last_read_at'),
          (eb) => eb.fn.max('read_events.paragraph').as('paragraph'),
        ])
        .where('read_events.reader_id', '=', readerId)
        .where('articles.status', '=', 'published')
        .groupBy(['articles.id', 'articles.slug', 'articles.title', 'sections.name'])
        .orderBy('last_read_at', 'desc')
        .limit(options.limit)
        .offset(options.offset ?? 0)
        .execute(),

    /** Per article read since `since`: the last read, total dwell. Newest first, at most `limit` articles. */
    readsSince: (readerId: string, since: string, limit: number) =>
      db
        .selectFrom('read_events')
        .select([
          'article_id',
          (eb) => eb.fn.max('read_at').as('last_read_at'),
          (eb) => eb.fn.sum<string | number>('dwell_seconds').as('dwell_seconds'),
        ])
        .where('reader_id', '=', readerId)
        .where('read_at', '>=', since)
        .groupBy('article_id')
        .orderBy('last_read_at', 'desc')
        .limit(limit)
        .execute(),

    /** The last paragraph the reader reached in each of these articles, for "continue reading". */
    async positions(readerId: string, articleIds: string[]): Promise<Map<string, number>> {
      if (articleIds.length === 0) return new Map();
      const rows = await db
        .selectFrom('read_events')
        .select(['article_id', (eb) => eb.fn.max('paragraph').as('paragraph')])
        .where('reader_id', '=', readerId)
        .where('article_id', 'in', articleIds)
        .groupBy('article_id')
        .execute();
      return new Map(rows.filter((row) => row.paragraph !== null).map((row) => [row.article_id, Number(row.paragraph)]));
    },

    async clearHistory(readerId: string): Promise<number> {
      const result = await db.deleteFrom('read_events').where('reader_id', '=', readerId).executeTakeFirst();
      return Number(result.numDeletedRows);
    },

    /** Reads of each article by everyone since the given hour (articles nobody read are left out). */
    readsPerArticleSince: (sinceHour: string) =>
      db
        .selectFrom('article_read_counts')
        .select(['article_id', (eb) => eb.fn.sum<string | number>('reads').as('reads')])
        .where('hour', '>=', sinceHour)
        .groupBy('article_id')
        .execute(),
  };
}

export type ReadingRepository = ReturnType<typeof readingRepository>;
