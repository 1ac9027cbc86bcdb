// The "لك" feed's ranking, with no I/O: the service feeds it candidates read from the database, and the offline
// evaluation (eval/feed.eval.ts) feeds it the same shapes built from the real corpus, so both measure one engine.

/** Kinds of article features a reader can follow, mute or learn an interest in. */
export type FeatureKind = 'section' | 'tag' | 'author' | 'entity' | 'source';

/** `kind:id`, e.g. `section:3f2a…` or `source:BBC`. */
export type FeatureKey = `${FeatureKind}:${string}`;

export const featureKey = (kind: FeatureKind, id: string): FeatureKey => `${kind}:${id}`;

export function parseFeatureKey(key: FeatureKey): { kind: FeatureKind; id: string } {
  const colon = key.indexOf(':');
  return { kind: key.slice(0, colon) as FeatureKind, id: key.slice(colon + 1) };
}

/** An article that may be shown, with what the ranking looks at. */
export interface FeedCandidate {
  id: string;
  /** Epoch milliseconds. */
  publishedAt: number;
  /** Its section, tags, authors, entities and source, as feature keys. */
  features: FeatureKey[];
  section: FeatureKey | null;
  /** The story (cluster of articles about one event) it belongs to, when known. */
  story: string | null;
  /** Reads by everyone in the popularity window. */
  recentReads: number;
}

/** One thing a reader did with an article, as the profile learns from it. */
export interface ReadSignal {
  /** Epoch milliseconds. */
  at: number;
  dwellSeconds: number;
  saved: boolean;
  features: FeatureKey[];
}

/** What the ranking knows about a reader. */
export interface ReaderProfile {
  followed: ReadonlySet<FeatureKey>;
  /** Share (0–1) of the reader's decayed reading attention that went to each feature. */
  learned: ReadonlyMap<FeatureKey, number>;
  fewer: ReadonlySet<FeatureKey>;
  hidden: ReadonlySet<FeatureKey>;
  /** Articles never to show: already read, or hidden one by one. */
  excluded: ReadonlySet<string>;
}

export const EMPTY_PROFILE: ReaderProfile = {
  followed: new Set(),
  learned: new Map(),
  fewer: new Set(),
  hidden: new Set(),
  excluded: new Set(),
};

export interface RankingOptions {
  /** An article's freshness halves every this many hours. */
  freshnessHalfLifeHours: number;
  /** A read's weight in the learned profile halves every this many days. */
  interestHalfLifeDays: number;
  /** Weight of an explicit follow; learned interest is a share (0–1) times `learnedWeight`. */
  followWeight: number;
  learnedWeight: number;
  /** Weight of the popularity prior (0–1 within the candidates) and of plain freshness (exploration). */
  popularityWeight: number;
  freshnessWeight: number;
  /** Score multiplier for an article with a feature the reader asked to see fewer of. */
  fewerFactor: number;
  /** At most this many articles of one section, and of one story, in each block of ten. */
  perSectionCap: number;
  perStoryCap: number;
  /** Maximal marginal relevance: 1 ranks by score alone, lower values trade score for variety. */
  mmrLambda: number;
}

export const DEFAULT_RANKING: RankingOptions = {
  freshnessHalfLifeHours: 36,
  interestHalfLifeDays: 21,
  followWeight: 1.5,
  learnedWeight: 4,
  popularityWeight: 0.35,
  freshnessWeight: 0.15,
  fewerFactor: 0.25,
  perSectionCap: 5,
  perStoryCap: 2,
  mmrLambda: 0.85,
};

/** How much each kind of feature says about an article: every article has a section, few share an entity. */
const KIND_WEIGHT: Record<FeatureKind, number> = { entity: 1, tag: 1, author: 0.8, section: 0.7, source: 0.5 };

/** Reading signals folded over time: a read counts 1, up to 2 more for dwelling three minutes, 3 more for saving. */
export function learnInterests(signals: Iterable<ReadSignal>, now: number, options: RankingOptions = DEFAULT_RANKING) {
  const halfLifeMs = options.interestHalfLifeDays * 86_400_000;
  const raw = new Map<FeatureKey, number>();
  let total = 0;
  for (const signal of signals) {
    const strength = 1 + Math.min(signal.dwellSeconds, 180) / 90 + (signal.saved ? 3 : 0);
    const weight = strength * 2 ** (-Math.max(0, now - signal.at) / halfLifeMs);
    total += weight;
    for (const feature of signal.features) raw.set(feature, (raw.get(feature) ?? 0) + weight);
  }
  // A share of attention, damped while there is little evidence: one read is not yet a taste.
  const learned = new Map<FeatureKey, number>();
  for (const [feature, weight] of raw) learned.set(feature, weight / (total + 2));
  return learned;
}

/** Why an article is in the feed; the views turn it into a sentence. */
export type Explanation =
  | { kind: 'follow'; feature: FeatureKey }
  | { kind: 'learned'; feature: FeatureKey }
  | { kind: 'trending' }
  | { kind: 'fresh'; section: FeatureKey | null };

export interface RankedItem {
  id: string;
  score: number;
  explanation: Explanation;
}

interface Scored {
  candidate: FeedCandidate;
  score: number;
  explanation: Explanation;
  features: Set<FeatureKey>;
}

const FOLLOW_ORDER: FeatureKind[] = ['entity', 'tag', 'author', 'section', 'source'];

function score(candidate: FeedCandidate, profile: ReaderProfile, now: number, maxReads: number, options: RankingOptions): Scored {
  const ageHours = Math.max(0, now - candidate.publishedAt) / 3_600_000;
  const freshness = 2 ** (-ageHours / options.freshnessHalfLifeHours);
  const popularity = maxReads > 0 ? Math.log1p(candidate.recentReads) / Math.log1p(maxReads) : 0;
  let raw = 0;
  let followed: FeatureKey | null = null;
  let learnedBest: FeatureKey | null = null;
  let learnedBestValue = 0;
  let fewer = false;
  for (const feature of candidate.features) {
    const kind = parseFeatureKey(feature).kind;
    const weight = KIND_WEIGHT[kind];
    if (profile.followed.has(feature)) {
      raw += weight * options.followWeight;
      if (!followed || FOLLOW_ORDER.indexOf(kind) < FOLLOW_ORDER.indexOf(parseFeatureKey(followed).kind)) followed = feature;
    }
    const learned = profile.learned.get(feature);
    if (learned) {
      raw += weight * options.learnedWeight * learned;
      if (weight * learned > learnedBestValue) {
        learnedBestValue = weight * learned;
        learnedBest = feature;
      }
    }
    if (profile.fewer.has(feature)) fewer = true;
  }
  const affinity = 1 - Math.exp(-raw);
  const personal = affinity * freshness;
  const trending = options.popularityWeight * popularity;
  let value = personal + trending + options.freshnessWeight * freshness;
  if (fewer) value *= options.fewerFactor;
  let explanation: Explanation;
  if (followed) explanation = { kind: 'follow', feature: followed };
  else if (learnedBest && learnedBestValue >= 0.1 && personal >= trending) explanation = { kind: 'learned', feature: learnedBest };
  else if (popularity >= 0.5 && trending >= options.freshnessWeight * freshness) explanation = { kind: 'trending' };
  else explanation = { kind: 'fresh', section: candidate.section };
  return { candidate, score: value, explanation, features: new Set(candidate.features) };
}

function similarity(a: Set<FeatureKey>, b: Set<FeatureKey>): number {
  if (a.size === 0 || b.size === 0) return 0;
  let shared = 0;
  for (const feature of a) if (b.has(feature)) shared++;
  return shared / (a.size + b.size - shared);
}

/** Only the best-scored candidates go through diversification, which compares each pick with every other. */
const DIVERSIFY_POOL = 200;
const BLOCK = 10;

/**
 * Ranks candidates for a reader: drops read and hidden articles, scores affinity × freshness + popularity prior,
 * then picks greedily by maximal marginal relevance while no section or story exceeds its cap in a block of ten.
 * When the caps leave too few, the rest are filled by score so the feed is never shorter than it can be.
 */
export function rankFeed(
  candidates: readonly FeedCandidate[],
  profile: ReaderProfile,
  now: number,
  size: number,
  options: RankingOptions = DEFAULT_RANKING,
): RankedItem[] {
  const eligible = candidates.filter(
    (candidate) => !profile.excluded.has(candidate.id) && !candidate.features.some((feature) => profile.hidden.has(feature)),
  );
  let maxReads = 0;
  for (const candidate of eligible) maxReads = Math.max(maxReads, candidate.recentReads);
  const pool = eligible
    .map((candidate) => score(candidate, profile, now, maxReads, options))
    .sort((a, b) => b.score - a.score || b.candidate.publishedAt - a.candidate.publishedAt || (a.candidate.id < b.candidate.id ? -1 : 1))
    .slice(0, Math.max(DIVERSIFY_POOL, size));
  const top = pool[0]?.score ?? 0;
  const picked: Scored[] = [];
  const remaining = new Set(pool);
  while (picked.length < size && remaining.size > 0) {
    const blockStart = picked.length - (picked.length % BLOCK);
    const sections = new Map<string, number>();
    const stories = new Map<string, number>();
    for (const item of picked.slice(blockStart)) {
      if (item.candidate.section) sections.set(item.candidate.section, (sections.get(item.candidate.section) ?? 0) + 1);
      if (item.candidate.story) stories.set(item.candidate.story, (stories.get(item.candidate.story) ?? 0) + 1);
    }
    let best: Scored | null = null;
    let bestValue = -Infinity;
    for (const item of remaining) {
      const { section, story } = item.candidate;
      if (section && (sections.get(section) ?? 0) >= options.perSectionCap) continue;
      if (story && (stories.get(story) ?? 0) >= options.perStoryCap) continue;
      let redundancy = 0;
      for (const chosen of picked.slice(blockStart)) redundancy = Math.max(redundancy, similarity(item.features, chosen.features));
      const value = options.mmrLambda * (top > 0 ? item.score / top : 0) - (1 - options.mmrLambda) * redundancy;
      if (value > bestValue) {
        bestValue = value;
        best = item;
      }
    }
    // Every remaining candidate is capped: take the best by score rather than end the feed early.
    best ??= [...remaining][0]!;
    picked.push(best);
    remaining.delete(best);
  }
  return picked.map((item) => ({ id: item.candidate.id, score: item.score, explanation: item.explanation }));
}
