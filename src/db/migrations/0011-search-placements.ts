import { type Kysely, sql } from 'kysely';
import { engineOf } from '../engine.ts';

// SQLite only. What ranking and section facets read for every match, in a narrow table of its own: the section
// and the publication date as a Julian day (the recency boost's unit, so no date string is parsed per match).
// article_search_rows, with two 36-character ids and a date string per row, is three times wider: joining every
// match of a common word to it at a million articles read most of it. Derived from article_search_rows, so an
// existing database needs no reindex.
export async function up(db: Kysely<any>): Promise<void> {
  if (engineOf(db) !== 'sqlite') return;
  await sql`create table article_search_placements (
    search_rowid integer primary key,
    section_id text,
    published_day real
  )`.execute(db);
  await sql`insert into article_search_placements (search_rowid, section_id, published_day)
    select search_rowid, section_id, julianday(published_at) from article_search_rows`.execute(db);
}
