import { type Kysely, sql } from 'kysely';
import { engineOf } from '../engine.ts';

// The search index holds analyzed text (see src/arabic/analyzer.ts), never raw text: exact (normalized) forms
// and light stems of title and body, so both engines match and rank the same tokens.
export async function up(db: Kysely<any>): Promise<void> {
  if (engineOf(db) === 'sqlite') {
    // remove_diacritics 0: the analyzer has already normalized; unicode61 must not fold Arabic letters further.
    // FTS5 finds a row at once only by rowid (an unindexed column is scanned), and an article's own rowid may
    // change on VACUUM, so each article gets a stable search rowid (an INTEGER PRIMARY KEY) in a side table.
    await sql`create table if not exists article_search_rows (
      search_rowid integer primary key,
      article_id text not null unique references articles (id) on delete cascade
    )`.execute(db);
    await sql`create virtual table if not exists article_search using fts5(
      article_id unindexed, title_exact, title_stem, body_exact, body_stem,
      tokenize = 'unicode61 remove_diacritics 0'
    )`.execute(db);
    return;
  }
  await db.schema
    .createTable('article_search')
    .ifNotExists()
    .addColumn('article_id', 'text', (c) => c.primaryKey().references('articles.id').onDelete('cascade'))
    .addColumn('document', sql`tsvector`, (c) => c.notNull())
    .execute();
  await sql`create index if not exists article_search_document on article_search using gin (document)`.execute(db);
}
