// A story's centroid: how many of its articles carry each lead stem and each entity. An article joining a story is
// compared with it, not only with the story's nearby articles, so a story that drifts day by day (A~B, B~C, C~D)
// cannot walk away from what it was about: its centroid still weighs every article it holds. It also holds when
// the story happened (the mean publication time of its articles): an article long after it is close only if it
// is very alike, so coverage that stays alike for weeks does not chain into one story.

/** Counts over a story's articles; kept up to date as articles join, leave or stories merge. */
export interface StoryCentroid {
  articles: number;
  /** Lead stem → articles of the story whose lead holds it. */
  terms: Map<string, number>;
  /** Entity id → articles of the story that name it. */
  entities: Map<string, number>;
  /** Sum of its articles' publication times, in days since 1970: their mean is when the story happened. */
  daysSum: number;
}

/** What one article brings to a centroid. */
export interface CentroidMember {
  leadTerms: readonly string[];
  entityIds: Iterable<string>;
  publishedAt: string;
}

/**
 * Days over which closeness to a story fades (by 1/e) as an article is published away from the story's mean time.
 * Chosen on the tuning day among 2, 4, 6 and 10 (BENCHMARKS.md).
 */
export const STORY_TIME_SCALE_DAYS = 4;

const days = (iso: string) => Date.parse(iso) / 86_400_000;

/**
 * How every story score weighs its two kinds of evidence, each in [0, 1]: how alike the leads' stems are (0.6) and
 * how alike the entities named are (0.4); tuned on one hand-labelled day (BENCHMARKS.md). Used for two articles
 * (storyScore) and for an article and a story's centroid (centroidScore).
 */
export function weighStoryEvidence(leadSimilarity: number, entityOverlap: number): number {
  return 0.6 * leadSimilarity + 0.4 * entityOverlap;
}

export function emptyCentroid(): StoryCentroid {
  return { articles: 0, terms: new Map(), entities: new Map(), daysSum: 0 };
}

/** Adds an article to a centroid (`sign` 1), or takes it out again (-1) when it leaves or changes. */
export function addMember(centroid: StoryCentroid, member: CentroidMember, sign: 1 | -1 = 1): void {
  centroid.articles += sign;
  centroid.daysSum += sign * days(member.publishedAt);
  for (const term of member.leadTerms) bump(centroid.terms, term, sign);
  for (const id of member.entityIds) bump(centroid.entities, id, sign);
}

/** What a stored article (its lead stems as `article_stories.word_signature`) brings to its story's centroid. */
export function memberOf(row: { word_signature: string; published_at: string }, entityIds: Iterable<string>): CentroidMember {
  return { leadTerms: row.word_signature ? row.word_signature.split(' ') : [], entityIds, publishedAt: row.published_at };
}

/** Adds all of `other` to `into` (two stories found to be one). */
export function mergeCentroid(into: StoryCentroid, other: StoryCentroid): void {
  into.articles += other.articles;
  into.daysSum += other.daysSum;
  for (const [term, count] of other.terms) bump(into.terms, term, count);
  for (const [id, count] of other.entities) bump(into.entities, id, count);
}

function bump(counts: Map<string, number>, key: string, by: number): void {
  const count = (counts.get(key) ?? 0) + by;
  if (count > 0) counts.set(key, count);
  else counts.delete(key);
}

/**
 * How close an article is to a story's centroid, on the scale of storyScore: 0.6 × weighted Jaccard of lead stems
 * plus 0.4 × weighted Jaccard of entities (each entity also weighted by rarity), where the story holds each stem or
 * entity with the share of its articles that carry it; then faded by how far the article is published from the
 * story's mean time (× e^(−days / STORY_TIME_SCALE_DAYS)). For a story of one article published at the same time
 * this is exactly storyScore with that article; a stem that only a few of a story's articles carry counts for
 * little on either side, so loosely related coverage that shares only those scores low.
 */
export function centroidScore(
  centroid: StoryCentroid,
  article: { leadTerms: ReadonlySet<string>; entityIds: ReadonlySet<string>; publishedAt: string },
  entityWeight: (id: string) => number,
): number {
  if (centroid.articles <= 0) return 0;
  const terms = weightedJaccard(centroid.terms, centroid.articles, article.leadTerms, () => 1);
  const entities = weightedJaccard(centroid.entities, centroid.articles, article.entityIds, entityWeight);
  const distance = Math.abs(days(article.publishedAt) - centroid.daysSum / centroid.articles);
  return weighStoryEvidence(terms, entities) * Math.exp(-distance / STORY_TIME_SCALE_DAYS);
}

/** Σ min / Σ max of the story's shares and the article's 0/1 over every key either holds, each key weighted. */
function weightedJaccard(counts: Map<string, number>, articles: number, mine: ReadonlySet<string>, weight: (key: string) => number): number {
  let shared = 0;
  let union = 0;
  for (const [key, count] of counts) {
    const share = Math.min(1, count / articles);
    const w = weight(key);
    if (mine.has(key)) {
      shared += w * share;
      union += w;
    } else union += w * share;
  }
  for (const key of mine) if (!counts.has(key)) union += weight(key);
  return union ? shared / union : 0;
}

/** The centroid as stored (`story_centroids`): counts as JSON objects. */
export function encodeCentroid(centroid: StoryCentroid): { articles: number; terms: string; entities: string; days_sum: number } {
  return {
    articles: centroid.articles,
    days_sum: centroid.daysSum,
    terms: JSON.stringify(Object.fromEntries(centroid.terms)),
    entities: JSON.stringify(Object.fromEntries(centroid.entities)),
  };
}

export function decodeCentroid(row: { articles: number | string; terms: string; entities: string; days_sum: number | string }): StoryCentroid {
  return {
    articles: Number(row.articles),
    daysSum: Number(row.days_sum),
    terms: new Map(Object.entries(JSON.parse(row.terms) as Record<string, number>)),
    entities: new Map(Object.entries(JSON.parse(row.entities) as Record<string, number>)),
  };
}
