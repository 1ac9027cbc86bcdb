import type { Kysely } from 'kysely';
import { articleRepository } from '../articles/article.repository.ts';
import type { Database } from '../db/schema.ts';
import { COUNT_LIMIT, searchIndexFor } from '../db/search-index.ts';
import { hasSearchTerms, parseSearchQuery, type SearchQuery } from './search-query.ts';
import { highlight, matchKeys, snippet, type TextSegment } from './snippet.ts';
import { startAnalysis } from './index-text.ts';
import { indexArticles } from './search-indexing.ts';
import { searchRepository } from './search.repository.ts';

export interface SearchHit {
  slug: string;
  title: string;
  titleSegments: TextSegment[];
  snippet: TextSegment[];
  publishedAt: string | null;
  section: { slug: string; name: string } | null;
}

export interface SearchResults {
  query: SearchQuery;
  /** Matching articles, counted up to the count limit (COUNT_LIMIT in src/db/search-index.ts). */
  total: number;
  /** False when more articles match than were counted: total and section counts are lower bounds. */
  totalExact: boolean;
  page: number;
  perPage: number;
  hits: SearchHit[];
  sections: { slug: string; name: string; count: number }[];
}

/**
 * Finds published articles for a reader's query, best first, with highlighted snippets and section facets.
 * Matches are counted up to countLimit (COUNT_LIMIT; see there why).
 */
export async function searchArticles(
  db: Kysely<Database>,
  text: string,
  { page = 1, perPage = 10, countLimit = COUNT_LIMIT }: { page?: number; perPage?: number; countLimit?: number } = {},
): Promise<SearchResults> {
  const query = parseSearchQuery(text);
  const empty: SearchResults = { query, total: 0, totalExact: true, page, perPage, hits: [], sections: [] };
  if (!hasSearchTerms(query)) return empty;

  const index = searchIndexFor(db);
  const match = { terms: query.words, phrases: query.phrases, excluded: query.excluded };
  const filters = { section: query.section, tag: query.tag, from: query.from, to: query.to };
  const { ids, total, totalExact, sections } = await index.search(match, filters, perPage, (page - 1) * perPage, countLimit);
  const rows = await articleRepository(db).listPublishedByIds(ids);
  const byId = new Map(rows.map((row) => [row.id, row]));
  const keys = matchKeys(query.words, query.phrases);
  const hits = ids.flatMap((id) => {
    const row = byId.get(id);
    if (!row) return [];
    return [
      {
        slug: row.slug,
        title: row.title,
        titleSegments: highlight(row.title, keys),
        snippet: snippet([row.subtitle ?? '', ...(JSON.parse(row.paragraphs) as string[])].filter(Boolean), keys),
        publishedAt: row.published_at,
        section: row.section_slug && row.section_name ? { slug: row.section_slug, name: row.section_name } : null,
      },
    ];
  });
  return { query, total, totalExact, page, perPage, hits, sections };
}

/** Articles analyzed and indexed together while rebuilding: many per call is faster, and bounds the memory held. */
const REINDEX_GROUP_SIZE = 500;

/** Rebuilds the whole index from the articles table in one transaction; returns how many articles it indexed. */
export async function reindexAll(db: Kysely<Database>): Promise<number> {
  return db.transaction().execute(async (trx) => {
    await searchIndexFor(trx).clear();
    const readGroup = async (afterId: string | null) =>
      (await searchRepository(trx).listPublishedForIndex(afterId, REINDEX_GROUP_SIZE)).map((row) => ({
        ...row,
        paragraphs: JSON.parse(row.paragraphs) as string[],
        sectionId: row.section_id,
        publishedAt: row.published_at,
      }));
    let indexed = 0;
    let group = await readGroup(null);
    let analysis = startAnalysis(group);
    while (group.length > 0) {
      // The next group is read and analyzed (on the analysis thread) while this one is written.
      const next = await readGroup(group.at(-1)!.id);
      const nextAnalysis = startAnalysis(next);
      const texts = await analysis.texts();
      await indexArticles(trx, group.map((article, position) => ({ ...article, text: texts[position] })));
      indexed += group.length;
      [group, analysis] = [next, nextAnalysis];
    }
    return indexed;
  });
}
