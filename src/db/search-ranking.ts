// What search ranks by, on both engines (src/db/search-index.ts, src/db/search-headlines.ts).

/** Title matches weigh more than body matches, exact forms more than stems. */
export const WEIGHTS = { titleExact: 10, titleStem: 5, bodyExact: 2, bodyStem: 1 };
/** A new article gets up to 20% more score, fading over about a month: news readers want recent stories first. */
export const RECENCY_BOOST = 0.2;
export const RECENCY_DAYS = 30;
