import { type Kysely, sql } from 'kysely';
import { analyzeForms } from '../../arabic/analyzer.ts';
import { engineOf } from '../engine.ts';
import { articleSearchKey } from '../search-index.ts';

// SQLite only. An article's rowid in article_search carries its section's number (articleSearchKey), so the
// section facets are counted from the matches' rowids instead of a lookup per match. FTS5 rowids cannot be
// changed in place and the table keeps no text, so it is written again from the articles, analyzed as
// indexArticles analyzes them (the title alone; subtitle and paragraphs as one text): a full reindex, several
// minutes for a million articles.
const GROUP_SIZE = 500;

export async function up(db: Kysely<any>): Promise<void> {
  if (engineOf(db) !== 'sqlite') return;
  await indexArticlesBySection(db);
}

/** Writes article_search again under section keys; exported for the test that derives an older index. */
export async function indexArticlesBySection(db: Kysely<any>): Promise<void> {
  await sql`drop table article_search`.execute(db);
  await sql`create virtual table article_search using fts5(
    title_exact, title_stem, body_exact, body_stem,
    content = '', contentless_delete = 1, tokenize = 'ascii'
  )`.execute(db);
  await sql`insert into article_search (article_search, rank) values ('rank', 'bm25(10, 5, 2, 1)')`.execute(db);
  for (let after = 0; ; ) {
    const { rows } = await sql<{ search_rowid: number; section_number: number | null; title: string; subtitle: string | null; paragraphs: string }>`
      select r.search_rowid, p.section_number, a.title, a.subtitle, a.paragraphs
      from article_search_rows r join articles a on a.id = r.article_id
      left join article_search_placements p on p.search_rowid = r.search_rowid
      where r.search_rowid > ${after} order by r.search_rowid limit ${GROUP_SIZE}`.execute(db);
    if (rows.length === 0) return;
    for (const row of rows) {
      const title = analyzeForms(row.title);
      const body = analyzeForms([row.subtitle ?? '', ...(JSON.parse(row.paragraphs) as string[])].join('\n'));
      await sql`insert into article_search (rowid, title_exact, title_stem, body_exact, body_stem)
        values (${articleSearchKey(row.search_rowid, row.section_number)}, ${title.exact.join(' ')}, ${title.stem.join(' ')},
          ${body.exact.join(' ')}, ${body.stem.join(' ')})`.execute(db);
    }
    after = rows.at(-1)!.search_rowid;
  }
}
