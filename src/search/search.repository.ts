import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../db/schema.ts';

type Executor = Kysely<Database> | Transaction<Database>;

/** Published articles' text for rebuilding the index, a page at a time in id order (all of it at once may not fit in memory). */
export function searchRepository(db: Executor) {
  return {
    listPublishedForIndex: (afterId: string | null, limit: number) =>
      db
        .selectFrom('articles')
        .select(['id', 'title', 'subtitle', 'paragraphs', 'status', 'section_id', 'published_at'])
        .where('status', '=', 'published')
        .$if(afterId !== null, (query) => query.where('id', '>', afterId!))
        .orderBy('id')
        .limit(limit)
        .execute(),
  };
}
