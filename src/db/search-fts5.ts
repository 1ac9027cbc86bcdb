import type { IndexMatch, IndexTerm } from './search-index.ts';

// The FTS5 expressions of SQLite's index (search-index-sqlite.ts): what a reader's query matches, written over the
// analyzed columns of article_search (the whole article) and article_search_headlines (the headline alone).

/** Where a match expression looks: the exact-form and stem columns of the whole article, or of its headline. */
type MatchColumns = { exact: string; stem: string };
const ARTICLE_COLUMNS: MatchColumns = { exact: '{title_exact body_exact}', stem: '{title_stem body_stem}' };
const HEADLINE_COLUMNS: MatchColumns = { exact: '{title_exact}', stem: '{title_stem}' };

/** A string as an FTS5 string: quoted, so FTS5 takes it as it is. */
export const ftsString = (text: string) => `"${text.replace(/"/g, '""')}"`;
const ftsTerm = (t: IndexTerm, columns: MatchColumns) => `(${columns.exact} : ${ftsString(t.exact)} OR ${columns.stem} : ${ftsString(t.stem)})`;

/** The FTS5 query for a match on the whole article: each term by exact form or stem, phrases by exact forms, exclusions after NOT. */
export function sqliteMatchExpression(match: IndexMatch): string {
  const positive = sqliteHeldExpression(match, ARTICLE_COLUMNS);
  return match.excluded.length ? `(${positive}) NOT (${sqliteExcludedExpression(match)})` : positive;
}

/** The FTS5 query (on article_search_headlines) for the headlines holding every term and phrase; exclusions not included. */
export function sqliteHeadlineExpression(match: IndexMatch): string {
  return sqliteHeldExpression(match, HEADLINE_COLUMNS);
}

/** The FTS5 query (on article_search) for the articles holding any excluded term. */
export function sqliteExcludedExpression(match: IndexMatch): string {
  return match.excluded.map((t) => ftsTerm(t, ARTICLE_COLUMNS)).join(' OR ');
}

/**
 * The FTS5 query that finds the same articles as sqliteMatchExpression, for counting them: each term by its stem
 * alone. A word's stem is a function of its exact form (lightStem), indexed at the same position, so an article
 * holding a term's exact form holds its stem too; the exact forms matter only to ranking. One column filter a term
 * instead of two reads the matches in half the time.
 */
export function sqliteCountExpression(match: IndexMatch): string {
  const stems = (terms: IndexTerm[]) => terms.map((t) => `${ARTICLE_COLUMNS.stem} : ${ftsString(t.stem)}`);
  const positive = [...stems(match.terms), ...match.phrases.map((phrase) => `${ARTICLE_COLUMNS.exact} : ${ftsString(phrase.join(' '))}`)].join(' AND ');
  return match.excluded.length ? `(${positive}) NOT (${stems(match.excluded).join(' OR ')})` : positive;
}

function sqliteHeldExpression(match: IndexMatch, columns: MatchColumns): string {
  return [
    ...match.terms.map((t) => ftsTerm(t, columns)),
    ...match.phrases.map((phrase) => `${columns.exact} : ${ftsString(phrase.join(' '))}`),
  ].join(' AND ');
}
