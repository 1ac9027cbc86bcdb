import { type Kysely, sql } from 'kysely';
import { analyzeForms } from '../../arabic/analyzer.ts';
import { engineOf } from '../engine.ts';

// SQLite only. The full-text table's text is the analyzer's output: normalized words joined by spaces. FTS5's
// unicode61 tokenizer looked up the Unicode category and case folding of every character of it again, a third
// of the cost of each insert; the ascii tokenizer splits on ASCII spaces and punctuation and keeps every other
// character as it is, which turns each analyzed word into exactly one FTS5 token (the analyzer's words are runs of
// letters, marks and digits, already lower-cased), on the index and on the query alike.
// The index is rebuilt with the analyzer (a pure function), published articles only, as indexArticles does.
const REBUILD_GROUP_SIZE = 500;

export async function up(db: Kysely<any>): Promise<void> {
  if (engineOf(db) !== 'sqlite') return;
  await sql`drop table article_search`.execute(db);
  await sql`create virtual table article_search using fts5(
    title_exact, title_stem, body_exact, body_stem,
    content = '', contentless_delete = 1, tokenize = 'ascii'
  )`.execute(db);
  await sql`insert into article_search (article_search, rank) values ('rank', 'bm25(10, 5, 2, 1)')`.execute(db);
  await sql`delete from article_search_rows`.execute(db);

  const articles = await sql<{ id: string; title: string; subtitle: string | null; paragraphs: string; section_id: string | null; published_at: string | null }>`
    select id, title, subtitle, paragraphs, section_id, published_at from articles where status = 'published'`.execute(db);
  for (let start = 0; start < articles.rows.length; start += REBUILD_GROUP_SIZE) {
    const group = articles.rows.slice(start, start + REBUILD_GROUP_SIZE);
    // Rows first, full-text inserts after: any other write between two FTS5 inserts makes FTS5 write a segment.
    const rowids: number[] = [];
    for (const article of group) {
      const { rows } = await sql<{ search_rowid: number }>`insert into article_search_rows (article_id, section_id, published_at)
        values (${article.id}, ${article.section_id}, ${article.published_at}) returning search_rowid`.execute(db);
      rowids.push(rows[0]!.search_rowid);
    }
    for (const [position, article] of group.entries()) {
      const title = analyzeForms(article.title);
      const body = analyzeForms([article.subtitle ?? '', ...(JSON.parse(article.paragraphs) as string[])].join('\n'));
      await sql`insert into article_search (rowid, title_exact, title_stem, body_exact, body_stem)
        values (${rowids[position]}, ${title.exact.join(' ')}, ${title.stem.join(' ')}, ${body.exact.join(' ')}, ${body.stem.join(' ')})`.execute(db);
    }
  }
}
