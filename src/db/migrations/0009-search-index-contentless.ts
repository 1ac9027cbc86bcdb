import { type Kysely, sql } from 'kysely';
import { analyzeForms } from '../../arabic/analyzer.ts';
import { engineOf } from '../engine.ts';

// SQLite only. The full-text table becomes contentless: it keeps only the index, not a second copy of the analyzed
// text (search never reads that text back), which makes every insert cheaper. The section and publication date of
// each indexed article move into article_search_rows beside its search rowid, so ranking, counting and section
// facets never have to visit the articles table for every match. The ranking weights are stored as the table's
// default rank, so `ORDER BY rank LIMIT n` takes FTS5's fast path.
// The rebuild runs the analyzer (a pure function) so an existing database comes out fully indexed.
export async function up(db: Kysely<any>): Promise<void> {
  if (engineOf(db) !== 'sqlite') return;
  await sql`drop table article_search`.execute(db);
  await sql`create virtual table article_search using fts5(
    title_exact, title_stem, body_exact, body_stem,
    content = '', contentless_delete = 1, tokenize = 'unicode61 remove_diacritics 0'
  )`.execute(db);
  await sql`insert into article_search (article_search, rank) values ('rank', 'bm25(10, 5, 2, 1)')`.execute(db);
  await sql`delete from article_search_rows`.execute(db);
  await sql`alter table article_search_rows add column section_id text`.execute(db);
  await sql`alter table article_search_rows add column published_at text`.execute(db);

  const articles = await sql<{ id: string; title: string; subtitle: string | null; paragraphs: string; section_id: string | null; published_at: string | null }>`
    select id, title, subtitle, paragraphs, section_id, published_at from articles where status = 'published'`.execute(db);
  for (const article of articles.rows) {
    const { rows } = await sql<{ search_rowid: number }>`insert into article_search_rows (article_id, section_id, published_at)
      values (${article.id}, ${article.section_id}, ${article.published_at}) returning search_rowid`.execute(db);
    const title = analyzeForms(article.title);
    const body = analyzeForms([article.subtitle ?? '', ...(JSON.parse(article.paragraphs) as string[])].join('\n'));
    await sql`insert into article_search (rowid, title_exact, title_stem, body_exact, body_stem)
      values (${rows[0]!.search_rowid}, ${title.exact.join(' ')}, ${title.stem.join(' ')}, ${body.exact.join(' ')}, ${body.stem.join(' ')})`.execute(db);
  }
}
