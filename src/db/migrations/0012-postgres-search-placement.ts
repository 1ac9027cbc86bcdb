import { type Kysely, sql } from 'kysely';
import { engineOf } from '../engine.ts';

// PostgreSQL only (SQLite keeps the same two columns in article_search_rows since 0009). Each indexed article's
// section and publication date beside its document, so ranking (the recency boost), counting and section facets
// read only the search table: joining every match to articles made PostgreSQL read the whole articles table for a
// common word (a sequential scan of 100,000 wide rows, three quarters of the query's time).
export async function up(db: Kysely<any>): Promise<void> {
  if (engineOf(db) !== 'postgres') return;
  await sql`alter table article_search add column section_id text, add column published_at text`.execute(db);
  await sql`update article_search s set section_id = a.section_id, published_at = a.published_at
    from articles a where a.id = s.article_id`.execute(db);
}
