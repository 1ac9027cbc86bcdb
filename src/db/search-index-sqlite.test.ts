import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildArticle } from '../../test/build-article.ts';
import { deriveSqliteSearchIndex } from '../../test/derive-search-index.ts';
import { freshSqlite } from '../../test/engines.ts';
import { analyzeForms } from '../arabic/analyzer.ts';
import { saveImportedArticle, saveImportedArticles } from '../articles/article.service.ts';
import { parseSearchQuery } from '../search/search-query.ts';
import { searchArticles } from '../search/search.service.ts';
import { type DatabaseHandle, openDatabase } from './database.ts';
import { migrateToLatest } from './migrate.ts';
import { sqliteMatchExpression } from './search-fts5.ts';

// SQLite ranks every match by bm25 times the recency boost of its Julian day, read from article_search_placements
// (src/db/search-index-sqlite.ts). Compared here with the same ranking written independently over the date strings of
// article_search_rows, on random articles from a small vocabulary: common words match most articles, and many
// scores lie within the boost of each other.
const WORDS = [
  'مدينة', 'شارع', 'حديقة', 'مدرسة', 'طالب', 'معلم', 'كتاب', 'مكتبة', 'سوق', 'تاجر', 'قطار', 'محطة', 'مطار', 'طائرة',
  'بحر', 'سفينة', 'جبل', 'نهر', 'مطر', 'شتاء', 'صيف', 'ملعب', 'فريق', 'مباراة', 'لاعب', 'مسرح', 'فنان', 'لوحة',
  'متحف', 'مهرجان', 'طبيب', 'مستشفى', 'دواء', 'مزرعة', 'قمح', 'مصنع', 'عامل', 'جسر', 'طريق', 'سيارة',
];
const DAY_MS = 86_400_000;

function seeded(seed: number) {
  let state = seed;
  return () => (state = (state * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
}

describe('SQLite ranking and facets from the search placements', () => {
  let handle: DatabaseHandle;
  let drop: () => Promise<void>;
  const random = seeded(11);
  // Skewed: the first words are in most articles, the last in few.
  const word = () => WORDS[Math.floor(WORDS.length * random() ** 2)]!;
  // A word in the text sometimes carries a clitic: then a query finds it by its stem only, not its exact form.
  const CLITICS = ['', '', '', '', 'ال', 'و', 'بال'];
  const words = (count: number) => Array.from({ length: count }, () => `${CLITICS[Math.floor(random() * CLITICS.length)]}${word()}`).join(' ');

  beforeAll(async () => {
    const fresh = freshSqlite();
    drop = fresh.drop;
    handle = openDatabase(fresh.target);
    await migrateToLatest(handle.db);
    const now = Date.now();
    const articles = Array.from({ length: 1_500 }, (_, n) =>
      buildArticle({
        title: `${words(2 + Math.floor(random() * 4))} ${n}`,
        paragraphs: Array.from({ length: 1 + Math.floor(random() * 4) }, () => words(5 + Math.floor(random() * 40))),
        // A third within the last two months, where the boost differs most; the rest over five years.
        publishedAt: new Date(now - (random() < 0.3 ? 60 : 5 * 365) * DAY_MS * random()).toISOString(),
        sectionName: random() < 0.5 ? 'محليات' : 'منوعات',
        tags: [],
      }),
    );
    // The search rowids start at 2,041, so that the matches span two section blocks (2,048 rowids each): a draft
    // (never indexed) holds rowid 2,040 while the articles are saved.
    const draft = await saveImportedArticle(handle.db, buildArticle({ title: 'مسودة' }), new Date(), 'draft');
    await sql`insert into article_search_rows (search_rowid, article_id) select 2040, id from articles where slug = ${draft.slug}`.execute(handle.db);
    for (let start = 0; start < articles.length; start += 500) await saveImportedArticles(handle.db, articles.slice(start, start + 500));
    await sql`delete from article_search_rows where search_rowid = 2040`.execute(handle.db);
  }, 120_000);
  afterAll(async () => {
    await handle.close();
    await drop();
  });

  /**
   * The ranking of every match with its boost, written independently of the index's code: the articles whose
   * headline holds the query (and no excluded word anywhere) first, by bm25's length factor (average headline
   * length 7) times 15 for each word in its exact form, 5 for each by stem alone, 10 for each phrase (see
   * search-headlines.ts); then the others by the whole article's bm25 as FTS5 computes it.
   */
  const everyMatchRanked = async (query: string, limit: number, offset: number) => {
    const parsed = parseSearchQuery(query);
    const match = { terms: parsed.words, phrases: parsed.phrases, excluded: parsed.excluded };
    const expression = sqliteMatchExpression(match);
    const boost = sql`(1 + 0.2 / (1 + max(0, julianday('now') - julianday(r.published_at)) / 30))`;
    const { rows: matched } = await sql<{ rowid: number; slug: string; title: string; published_at: string; score: number }>`
      select s.rowid as rowid, a.slug, a.title, a.published_at, s.rank * ${boost} as score from article_search s
      join article_search_rows r on r.search_rowid = s.rowid join articles a on a.id = r.article_id
      where article_search match ${expression}`.execute(handle.db);
    const holdsPhrase = (exact: string[], phrase: string[]) => exact.some((_, at) => phrase.every((word, n) => exact[at + n] === word));
    const nowMinute = Date.now() / 60_000;
    const headlineScore = (title: string, publishedAt: string) => {
      const { exact, stem } = analyzeForms(title);
      if (!match.terms.every((t) => exact.includes(t.exact) || stem.includes(t.stem))) return null;
      if (!match.phrases.every((phrase) => holdsPhrase(exact, phrase))) return null;
      const weight = 10 * match.phrases.length + match.terms.reduce((sum, t) => sum + (exact.includes(t.exact) ? 15 : 5), 0);
      const minute = Math.floor(Date.parse(publishedAt) / 60_000);
      return weight * 2.2 / (1 + 1.2 * (0.25 + (0.75 / 7) * Math.max(1, exact.length))) * (1 + 0.2 / (1 + Math.max(0, nowMinute - minute) / (30 * 1440)));
    };
    const scored = matched.map((row) => ({ ...row, headline: headlineScore(row.title, row.published_at) }));
    const first = scored.filter((row) => row.headline !== null).sort((a, b) => b.headline! - a.headline! || b.rowid - a.rowid);
    const others = scored.filter((row) => row.headline === null).sort((a, b) => a.score - b.score || b.rowid - a.rowid);
    return [...first, ...others].slice(offset, offset + limit).map((row) => row.slug);
  };

  it('gives the same pages as ranking every match, on many one-word, two-word and phrase queries', async () => {
    const queries = [
      ...WORDS,
      ...Array.from({ length: 60 }, () => `${word()} ${word()}`),
      ...Array.from({ length: 40 }, () => `"${word()} ${word()}"`),
      ...Array.from({ length: 20 }, () => `${word()} -${word()}`),
      // Four words: ranked in one run that looks each exact form up (past three words; see search-headlines.ts).
      ...Array.from({ length: 20 }, () => `${WORDS[0]} ${WORDS[1]} ${word()} ${word()}`),
      ...Array.from({ length: 10 }, () => `${WORDS[0]} ${WORDS[1]} ${WORDS[2]} "${word()} ${word()}"`),
    ];
    let compared = 0;
    for (const query of queries) {
      for (const page of [1, 2, 7]) {
        const results = await searchArticles(handle.db, query, { page });
        expect(results.hits.map((hit) => hit.slug), `${query}, page ${page}`).toEqual(await everyMatchRanked(query, 10, (page - 1) * 10));
        compared += results.hits.length;
      }
    }
    expect(compared).toBeGreaterThan(2_000);
  }, 120_000);

  it('derives the placements and headlines of an index built before them (migrations 0011, 0013, 0016, 0017): the same pages and facets', async () => {
    const { db } = handle;
    const searches = async () => Promise.all([WORDS[0]!, `${WORDS[1]} ${WORDS[2]}`, `${WORDS[3]} section:محليات`].map((query) => searchArticles(db, query, { page: 2 })));
    const before = await searches();
    await deriveSqliteSearchIndex(db);
    expect(await searches()).toEqual(before);
    expect(before.every((results) => results.hits.length === 10)).toBe(true);
  });

  it('counts and facets from the placements as from the articles', async () => {
    const results = await searchArticles(handle.db, WORDS[0]!, { countLimit: 100_000 });
    const { rows } = await sql<{ name: string; count: number }>`select s.name, count(*) as count from articles a join sections s on s.id = a.section_id
      where a.id in (select r.article_id from article_search f join article_search_rows r on r.search_rowid = f.rowid
        where article_search match ${sqliteMatchExpression({ terms: parseSearchQuery(WORDS[0]!).words, phrases: [], excluded: [] })})
      group by s.name`.execute(handle.db);
    expect(results.sections.map(({ name, count }) => ({ name, count })).sort((a, b) => a.name.localeCompare(b.name))).toEqual(
      rows.map(({ name, count }) => ({ name, count: Number(count) })).sort((a, b) => a.name.localeCompare(b.name)),
    );
  });

  it('counts the sections past the 254 a block names, from their placements', async () => {
    const { db } = handle;
    // Sections numbered 3 to 302 here: the first two are taken by the articles above.
    const articles = Array.from({ length: 300 }, (_, n) =>
      buildArticle({ title: `غيمة عابرة ${n}`, paragraphs: ['غيمة فوق المدينة.'], sectionName: `قسم ${n}`, tags: [] }));
    await saveImportedArticles(db, articles);
    const results = await searchArticles(db, 'غيمة', { countLimit: 100_000 });
    expect(results.total).toBe(300);
    expect(results.sections).toHaveLength(300);
    expect(results.sections.every((section) => section.count === 1)).toBe(true);
    expect(new Set(results.sections.map((section) => section.name))).toEqual(new Set(articles.map((article) => article.sectionName)));
  });
});
