import { type Kysely, sql } from 'kysely';
import { analyzeForms } from '../../arabic/analyzer.ts';
import { engineOf } from '../engine.ts';

// SQLite only. Search ranks the articles whose headline holds the query first (src/db/search-index.ts), so the
// headlines get a full-text table of their own, under the same rowids as article_search: ranking a common word
// then walks the few thousand headlines that hold it instead of the two hundred thousand articles that mention
// it. Filled from the articles' titles, analyzed as indexArticles analyzes a title (alone).
const GROUP_SIZE = 1_000;

export async function up(db: Kysely<any>): Promise<void> {
  if (engineOf(db) !== 'sqlite') return;
  await sql`create virtual table article_search_headlines using fts5(
    title_exact, title_stem,
    content = '', contentless_delete = 1, tokenize = 'ascii'
  )`.execute(db);
  // The weights article_search gives the title's exact forms and stems.
  await sql`insert into article_search_headlines (article_search_headlines, rank) values ('rank', 'bm25(10, 5)')`.execute(db);
  for (let after = 0; ; ) {
    const { rows } = await sql<{ search_rowid: number; title: string }>`select r.search_rowid, a.title
      from article_search_rows r join articles a on a.id = r.article_id
      where r.search_rowid > ${after} order by r.search_rowid limit ${GROUP_SIZE}`.execute(db);
    if (rows.length === 0) return;
    for (const { search_rowid, title } of rows) {
      const forms = analyzeForms(title);
      await sql`insert into article_search_headlines (rowid, title_exact, title_stem)
        values (${search_rowid}, ${forms.exact.join(' ')}, ${forms.stem.join(' ')})`.execute(db);
    }
    after = rows.at(-1)!.search_rowid;
  }
}
