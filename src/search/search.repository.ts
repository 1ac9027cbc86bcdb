import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../db/schema.ts';

type Executor = Kysely<Database> | Transaction<Database>;

/** Every published article's text, for rebuilding the index. */
export function searchRepository(db: Executor) {
  return {
    listPublishedForIndex: () =>
      db.selectFrom('articles').select(['id', 'title', 'subtitle', 'paragraphs', 'status', 'section_id', 'published_at']).where('status', '=', 'published').execute(),
  };
}
