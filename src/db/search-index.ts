import type { Kysely } from 'kysely';
import { engineOf } from './engine.ts';
import { postgresIndex } from './search-index-postgres.ts';
import { sqliteIndex } from './search-index-sqlite.ts';

// The one place where full-text search differs between the engines, behind one interface. SQLite
// (search-index-sqlite.ts): an FTS5 table with four analyzed columns ranked by bm25, and one of the headlines
// alone, keyed by length and date (search-headlines.ts). PostgreSQL (search-index-postgres.ts): a tsvector written
// token by token (weights A–D for the same four parts, no text-search parser involved) in a GIN index, ranked by
// ts_rank. Both get exactly the analyzer's tokens, and both rank the articles whose headline holds the query first.

/**
 * Analyzed text of one article: exact forms and stems, word by word, each list joined by single spaces (analyzed
 * words hold no spaces, and a joined string is what SQLite stores and what crosses threads cheaply). An exact list
 * and its stem list have the same number of words.
 */
export interface IndexedText {
  titleExact: string;
  titleStem: string;
  bodyExact: string;
  bodyStem: string;
}

export interface IndexTerm {
  exact: string;
  stem: string;
}

/** What must match: every term (by exact form or stem), every phrase (exact forms in order), no excluded term. */
export interface IndexMatch {
  terms: IndexTerm[];
  phrases: string[][];
  excluded: IndexTerm[];
}

export interface IndexFilters {
  /** Section slug or name. */
  section: string | null;
  /** Tag slug or name. */
  tag: string | null;
  from: string | null;
  /** Inclusive last day. */
  to: string | null;
}

/** Where an indexed article sits: what section filters, facets and the recency boost need. */
export interface IndexPlacement {
  sectionId: string | null;
  publishedAt: string | null;
}

/** One article's entry in the index. */
export interface IndexEntry {
  articleId: string;
  text: IndexedText;
  placement: IndexPlacement;
}

/** Holds published articles only: an article leaves the index when it is unpublished or deleted. */
export interface SearchIndex {
  /** Adds or replaces these articles' entries; many at once is much faster on SQLite (see its upsert). */
  upsert(entries: IndexEntry[]): Promise<void>;
  remove(articleId: string): Promise<void>;
  clear(): Promise<void>;
  /**
   * One page of matching article ids, best first, with the number of matches and their count per section, both
   * counted up to countLimit matches (COUNT_LIMIT, unless a caller needs more).
   */
  search(match: IndexMatch, filters: IndexFilters, limit: number, offset: number, countLimit: number): Promise<IndexPage>;
}

export interface IndexPage {
  ids: string[];
  /** How many articles match; the count limit when there are more (totalExact false). */
  total: number;
  /** False when more articles match than the count limit: the total and the section counts are then lower bounds. */
  totalExact: boolean;
  sections: { slug: string; name: string; count: number }[];
}

/**
 * Matches are counted up to this many, as search engines do (Elasticsearch's track_total_hits is 10,000 by default):
 * past it the reader reads "more than 10,000 results" and the sections found among the matches counted. Counting
 * all 200,000 matches of a common word in a million articles cost as much as ranking them; and ten results a page
 * for at most 1,000 pages never show more than 10,000.
 */
export const COUNT_LIMIT = 10_000;

export function searchIndexFor(db: Kysely<any>): SearchIndex {
  return engineOf(db) === 'postgres' ? postgresIndex(db) : sqliteIndex(db);
}
