// What search ranks by, on both engines (src/db/search-index-sqlite.ts, search-index-postgres.ts, search-headlines.ts).

/** Title matches weigh more than body matches, exact forms more than stems. */
export const WEIGHTS = { titleExact: 10, titleStem: 5, bodyExact: 2, bodyStem: 1 };
/** A new article gets up to 20% more score, fading over about a month: news readers want recent stories first. */
export const RECENCY_BOOST = 0.2;
export const RECENCY_DAYS = 30;

/** A ranking in two tiers, each read a page at a time: the articles whose headline holds the query, then the others. */
export interface RankingTiers<T> {
  headlines(limit: number, offset: number): Promise<T[]>;
  headlineCount(): Promise<number>;
  others(limit: number, offset: number): Promise<T[]>;
}

/**
 * One page of a ranking that puts the headline matches first. The headlines are counted only when a page starts
 * past their end: a page they do not fill tells where they end.
 */
export async function headlinesFirst<T>(tiers: RankingTiers<T>, limit: number, offset: number): Promise<T[]> {
  const page = await tiers.headlines(limit, offset);
  if (page.length === limit) return page;
  const headlines = page.length > 0 || offset === 0 ? offset + page.length : await tiers.headlineCount();
  return [...page, ...(await tiers.others(limit - page.length, Math.max(0, offset - headlines)))];
}
