import { type Kysely, type RawBuilder, sql } from 'kysely';
import { ftsString, sqliteHeadlineExpression } from './search-fts5.ts';
import type { IndexMatch, IndexTerm } from './search-index.ts';
import { RECENCY_BOOST, RECENCY_DAYS, WEIGHTS } from './search-ranking.ts';

// SQLite ranks the articles whose headline holds the query (the first tier, see search-index.ts) without FTS5's
// bm25 and without a join per match. A headline's rowid in article_search_headlines, its key, holds all that its
// score needs besides the query: the headline's number of words and its publication minute. A match's score is
// then a little arithmetic on the rowid FTS5 hands out anyway: a common word's 26,000 headline matches at a
// million articles are ranked in 8.5 ms of CPU, where bm25 and a join to each match's placement for the recency
// boost took 36.
//
// The score is bm25's length factor (FTS5's constants, the average headline length a constant measured on the
// real corpus, so a headline's factor never changes) times the title weights of search-ranking.ts: a word weighs
// more where the headline holds its exact form than where it holds only its stem. There is no idf: every headline
// of this tier holds every word of the query, so idf would only decide whose exact form counts more (ts_rank,
// on PostgreSQL, has none either), and counting a common word's headlines for it cost 1–2 ms a word. Two
// headlines of the same length and minute then differ only in which query words they hold in their exact form:
// the query runs once per such pattern (two for one word, four for two), each run ranks its matches by their
// rowid alone, and the runs' best are merged. Past three words (eight patterns), a single run looks each match
// up among the headlines holding each word's exact form.

/** A key, from its highest bits: the headline's words (1–63), its publication minute since 1970 (0: undated, or earlier), a sequence number among the headlines of the same words and minute (20 bits). 53 bits: a JavaScript number holds any key exactly. */
export const SEQUENCE_SPAN = 2 ** 20;
/** Minutes up to the year 2225. */
const MINUTE_SPAN = 2 ** 27;
const WORDS_UNIT = SEQUENCE_SPAN * MINUTE_SPAN;
const MAX_WORDS = 63;
/** Analyzed words in a headline, on average, over the 30,337 real articles of ../shared/data (7.26). */
const HEADLINE_AVERAGE_WORDS = 7;
/** bm25's term-frequency saturation and length normalization, as FTS5 sets them. */
const K1 = 1.2;
const B = 0.75;
/** Past this many words, a query is not run once per pattern of exact forms and stems (2^words runs). */
const MAX_PATTERN_WORDS = 3;

/** The first key of a headline's length and publication minute (its analyzed exact forms, joined by spaces). */
export function headlineKeyBase(titleExact: string, publishedAt: string | null): number {
  const words = Math.min(MAX_WORDS, Math.max(1, titleExact ? titleExact.split(' ').length : 0));
  const time = publishedAt ? Date.parse(publishedAt) : Number.NaN;
  const minute = Number.isFinite(time) ? Math.min(MINUTE_SPAN - 1, Math.max(0, Math.floor(time / 60_000))) : 0;
  return words * WORDS_UNIT + minute * SEQUENCE_SPAN;
}

/** The next free key from a base, as an SQL value: one past the last key of article_search_rows in that base. */
export function nextHeadlineKey(base: number): RawBuilder<number> {
  // Parameters, not literals: one statement text for every base, prepared once (a literal made a new statement,
  // prepared anew, per article imported).
  return sql<number>`(select coalesce(max(headline_key) + 1, ${base}) from article_search_rows
    where headline_key between ${base} and ${base + SEQUENCE_SPAN - 1})`;
}

/** Throws when a base's keys had run out (more than a million headlines of one length published in one minute). */
export function checkHeadlineKey(base: number, key: number): void {
  if (key >= base + SEQUENCE_SPAN) throw new Error(`search index: no headline key left for ${SEQUENCE_SPAN} headlines of the same length published in the same minute`);
}

/** One run of the query: an FTS5 expression over the headlines, and what each of its matches weighs before length and boost. */
interface Run {
  expression: string;
  weight: RawBuilder<unknown>;
}

/**
 * The keys of the `count` best headline matches, best first; ties to the later key (for a same length and
 * minute, the later indexed). `matching(expression)` is the FROM and WHERE of the matches of an FTS5 expression
 * over article_search_headlines aliased h, filters included.
 */
export async function bestHeadlines(
  db: Kysely<any>,
  match: IndexMatch,
  matching: (expression: string) => RawBuilder<unknown>,
  count: number,
): Promise<number[]> {
  const nowMinute = Date.now() / 60_000;
  // The runs in one statement, each ranking its own best, merged by SQLite.
  const runs = runsOf(match).map((run) => sql`select * from (select h.rowid as key, ${scoreOf(run.weight, nowMinute)} as score
    from ${matching(run.expression)} order by score desc, h.rowid desc limit ${count})`);
  const { rows } = await sql<{ key: number }>`${sql.join(runs, sql` union all `)} order by score desc, key desc limit ${count}`.execute(db);
  return rows.map((row) => row.key);
}

/** A match's score from its weight and its key: bm25's length factor for the headline's words, times the recency boost of its minute. */
function scoreOf(weight: RawBuilder<unknown>, nowMinute: number): RawBuilder<unknown> {
  const words = sql`(h.rowid / ${sql.lit(WORDS_UNIT)})`;
  const minute = sql`(h.rowid / ${sql.lit(SEQUENCE_SPAN)} % ${sql.lit(MINUTE_SPAN)})`;
  return sql`${weight} * ${K1 + 1} / (1 + ${K1} * (${1 - B} + ${B / HEADLINE_AVERAGE_WORDS} * ${words}))
    * (case when ${minute} = 0 then 1 else 1 + ${RECENCY_BOOST} / (1 + max(0, ${nowMinute} - ${minute}) / ${RECENCY_DAYS * 1440}) end)`;
}

const exactIn = (term: IndexTerm) => `{title_exact} : ${ftsString(term.exact)}`;
const stemOnlyIn = (term: IndexTerm) => `({title_stem} : ${ftsString(term.stem)} NOT ${exactIn(term)})`;

/**
 * The runs of a query. A word weighs the title's exact-form weight plus its stem weight where the headline holds
 * its exact form, the stem weight alone where it holds only its stem; a phrase (exact forms) the exact-form weight.
 */
function runsOf(match: IndexMatch): Run[] {
  const phraseExpressions = match.phrases.map((phrase) => `{title_exact} : ${ftsString(phrase.join(' '))}`);
  const phraseWeight = WEIGHTS.titleExact * match.phrases.length;
  const exact = WEIGHTS.titleExact + WEIGHTS.titleStem;
  const stemOnly = WEIGHTS.titleStem;
  if (match.terms.length > MAX_PATTERN_WORDS) {
    const all = sqliteHeadlineExpression(match);
    const weights = match.terms.map((term) => sql`(case when h.rowid in (select rowid from article_search_headlines
      where article_search_headlines match ${`${all} AND ${exactIn(term)}`}) then ${exact} else ${stemOnly} end)`);
    return [{ expression: all, weight: sql`(${phraseWeight} + ${sql.join(weights, sql` + `)})` }];
  }
  let runs = [{ parts: phraseExpressions, weight: phraseWeight }];
  for (const term of match.terms) {
    runs = runs.flatMap((run) => [
      { parts: [...run.parts, exactIn(term)], weight: run.weight + exact },
      { parts: [...run.parts, stemOnlyIn(term)], weight: run.weight + stemOnly },
    ]);
  }
  return runs.map((run) => ({ expression: run.parts.join(' AND '), weight: sql`${run.weight}` }));
}
