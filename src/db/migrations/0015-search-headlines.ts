import { type Kysely, sql } from 'kysely';
import { analyzeForms } from '../../arabic/analyzer.ts';
import { engineOf } from '../engine.ts';
import { headlineTsvectorLiteral } from '../search-tsvector.ts';

// Search ranks the articles whose headline holds the query first (src/db/search-index.ts), so the headlines get an
// index of their own: ranking a common word then reads the few thousand headlines that hold it instead of the two
// hundred thousand articles that mention it. SQLite: a full-text table under the same rowids as article_search.
// PostgreSQL: a small tsvector beside each document, in its own GIN index. Filled from the articles' titles,
// analyzed as indexArticles analyzes a title (alone).
const GROUP_SIZE = 1_000;

export async function up(db: Kysely<any>): Promise<void> {
  if (engineOf(db) === 'postgres') return addPostgresHeadlines(db);
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
      const { titleExact, titleStem } = analyzedTitle(title);
      await sql`insert into article_search_headlines (rowid, title_exact, title_stem)
        values (${search_rowid}, ${titleExact}, ${titleStem})`.execute(db);
    }
    after = rows.at(-1)!.search_rowid;
  }
}

async function addPostgresHeadlines(db: Kysely<any>): Promise<void> {
  await sql`alter table article_search add column headline tsvector`.execute(db);
  for (let after = ''; ; ) {
    const { rows } = await sql<{ article_id: string; title: string }>`select s.article_id, a.title
      from article_search s join articles a on a.id = s.article_id
      where s.article_id > ${after} order by s.article_id limit ${GROUP_SIZE}`.execute(db);
    if (rows.length === 0) break;
    const values = rows.map(({ article_id, title }) => sql`(${article_id}, ${headlineTsvectorLiteral(analyzedTitle(title))}::tsvector)`);
    await sql`update article_search s set headline = v.headline from (values ${sql.join(values)}) as v (article_id, headline)
      where s.article_id = v.article_id`.execute(db);
    after = rows.at(-1)!.article_id;
  }
  await sql`alter table article_search alter column headline set not null`.execute(db);
  await sql`create index article_search_headline on article_search using gin (headline)`.execute(db);
}

/** A title's exact forms and stems, each joined by spaces: what the index holds of a headline. */
function analyzedTitle(title: string): { titleExact: string; titleStem: string } {
  const forms = analyzeForms(title);
  return { titleExact: forms.exact.join(' '), titleStem: forms.stem.join(' ') };
}
