import { type Kysely, sql } from 'kysely';
import { analyzeForms } from '../../arabic/analyzer.ts';
import { engineOf } from '../engine.ts';
import { checkHeadlineKey, headlineKeyBase, nextHeadlineKey } from '../search-headlines.ts';

// SQLite only. The headlines are keyed by their length and publication minute instead of by their article's
// search rowid, so that ranking them needs neither bm25 nor a join per match (src/db/search-headlines.ts):
// article_search_rows gets each headline's key, and article_search_headlines is written again under those keys.
// Titles are analyzed again, as indexArticles analyzes a title (alone): about two minutes for a million articles.
const GROUP_SIZE = 1_000;

export async function up(db: Kysely<any>): Promise<void> {
  if (engineOf(db) !== 'sqlite') return;
  await sql`alter table article_search_rows add column headline_key integer`.execute(db);
  await sql`create unique index article_search_rows_headline_key on article_search_rows (headline_key)`.execute(db);
  await indexHeadlines(db);
}

/** Writes every indexed article's headline under its key; exported for the test that derives an older index. */
export async function indexHeadlines(db: Kysely<any>): Promise<void> {
  await sql`drop table if exists article_search_headlines`.execute(db);
  await sql`update article_search_rows set headline_key = null`.execute(db);
  await sql`create virtual table article_search_headlines using fts5(
    title_exact, title_stem,
    content = '', contentless_delete = 1, tokenize = 'ascii'
  )`.execute(db);
  for (let after = 0; ; ) {
    const { rows } = await sql<{ search_rowid: number; title: string; published_at: string | null }>`select r.search_rowid, a.title, r.published_at
      from article_search_rows r join articles a on a.id = r.article_id
      where r.search_rowid > ${after} order by r.search_rowid limit ${GROUP_SIZE}`.execute(db);
    if (rows.length === 0) return;
    // Keys first, full-text inserts after: another write between two FTS5 inserts makes FTS5 write a segment.
    const headlines = [];
    for (const { search_rowid, title, published_at } of rows) {
      const forms = analyzeForms(title);
      const titleExact = forms.exact.join(' ');
      const base = headlineKeyBase(titleExact, published_at);
      const { rows: keyed } = await sql<{ headline_key: number }>`update article_search_rows set headline_key = ${nextHeadlineKey(base)}
        where search_rowid = ${search_rowid} returning headline_key`.execute(db);
      checkHeadlineKey(base, keyed[0]!.headline_key);
      headlines.push({ key: keyed[0]!.headline_key, titleExact, titleStem: forms.stem.join(' ') });
    }
    // In key order: FTS5 writes its pending terms out whenever a rowid comes lower than the one before.
    for (const { key, titleExact, titleStem } of headlines.sort((a, b) => a.key - b.key)) {
      await sql`insert into article_search_headlines (rowid, title_exact, title_stem) values (${key}, ${titleExact}, ${titleStem})`.execute(db);
    }
    after = rows.at(-1)!.search_rowid;
  }
}
