import type { Kysely } from 'kysely';
import type { ArticleListItem } from '../articles/article.repository.ts';
import type { Database, TargetKind } from '../db/schema.ts';
import { savedRepository } from '../saved/saved.repository.ts';
import { type FeatureSource, type ReadonlyArticleFeatures, uncachedFeatures } from './article-features.ts';
import { candidateRepository } from './candidates.repository.ts';
import { followRepository } from './follow.repository.ts';
import {
  DEFAULT_RANKING,
  EMPTY_PROFILE,
  type Explanation,
  type FeatureKey,
  type FeedCandidate,
  featureKey,
  learnInterests,
  parseFeatureKey,
  type RankingOptions,
  rankFeed,
  type ReaderProfile,
  type ReadSignal,
} from './ranking.ts';
import { type Popularity, type PopularNow, uncachedPopularNow } from './popular-now.ts';
import { hourOf, readingRepository } from './reading.repository.ts';
import { describeTargets, type Target } from './targets.ts';

export interface FeedSettings {
  /** Candidates are articles published within this many days. */
  windowDays: number;
  /** Popularity counts reads within this many hours. */
  popularityHours: number;
  ranking: RankingOptions;
}

export const DEFAULT_FEED_SETTINGS: FeedSettings = { windowDays: 7, popularityHours: 48, ranking: DEFAULT_RANKING };

/** The learned profile looks back this many interest half-lives; older reads weigh under 1/16. */
const LEARNING_HALF_LIVES = 4;
/** The learned profile reads at most this many recently read articles. */
const LEARNING_ARTICLES = 500;
const FRESH_CANDIDATES = 150;
const POPULAR_CANDIDATES = 150;
const PER_SECTION_CANDIDATES = 60;
const LINKED_CANDIDATES = 200;
/** Learned sections, tags, authors and entities that also bring in candidates of their own. */
const LEARNED_SOURCES = 8;

/** Why a card is in the feed, with the names the sentence needs. */
export type Reason =
  | { kind: 'follow' | 'learned'; target: Target }
  | { kind: 'trending' }
  | { kind: 'fresh'; section: Target | null };

export interface FeedItem {
  article: ArticleListItem;
  /** The publisher it came from, which the reader can hide from the card. */
  source: string | null;
  reason: Reason;
  score: number;
}

export interface Feed {
  items: FeedItem[];
  /** False for anonymous readers and readers with nothing followed or learned: a popularity + freshness feed. */
  personalized: boolean;
}

function toFeatures(article: ReadonlyArticleFeatures): FeatureKey[] {
  return [
    ...(article.sectionId ? [featureKey('section', article.sectionId)] : []),
    ...article.tagIds.map((id) => featureKey('tag', id)),
    ...article.authorIds.map((id) => featureKey('author', id)),
    ...article.entityIds.map((id) => featureKey('entity', id)),
    ...(article.sourceName ? [featureKey('source', article.sourceName)] : []),
  ];
}

const MUTE_TO_FEATURE: Partial<Record<TargetKind, boolean>> = { section: true, tag: true, author: true, entity: true, source: true };

/**
 * Everything the ranking knows about a reader: follows, mutes, the interests learned from reads and saves since
 * the last reset, and the articles already read within the window (never shown again).
 */
export async function loadProfile(
  db: Kysely<Database>,
  readerId: string,
  now: Date,
  settings: FeedSettings,
  articleFeatures: FeatureSource = uncachedFeatures(db),
): Promise<ReaderProfile> {
  const follows = followRepository(db);
  const reading = readingRepository(db);
  const preferences = await follows.preferences(readerId);
  const horizon = new Date(now.getTime() - LEARNING_HALF_LIVES * settings.ranking.interestHalfLifeDays * 86_400_000).toISOString();
  const learnFrom = preferences?.learned_since && preferences.learned_since > horizon ? preferences.learned_since : horizon;
  const windowStart = new Date(now.getTime() - settings.windowDays * 86_400_000).toISOString();
  const [followed, mutes, reads, recentReads, saved] = await Promise.all([
    follows.follows(readerId),
    follows.mutes(readerId),
    reading.readsSince(readerId, learnFrom, LEARNING_ARTICLES),
    // Exclusion does not depend on a reset: a read article stays read.
    reading.readsSince(readerId, windowStart, 10_000),
    savedRepository(db).savedSince(readerId, learnFrom, LEARNING_ARTICLES),
  ]);
  const features = await articleFeatures.features([...reads.map((r) => r.article_id), ...saved.map((s) => s.article_id)]);
  const savedIds = new Set(saved.map((item) => item.article_id));
  const signals: ReadSignal[] = [];
  for (const read of reads) {
    const article = features.get(read.article_id);
    if (!article) continue;
    signals.push({
      at: Date.parse(read.last_read_at as string),
      dwellSeconds: Number(read.dwell_seconds ?? 0),
      saved: savedIds.delete(read.article_id),
      features: toFeatures(article),
    });
  }
  // Saved without a recorded read (saved from a card): still a strong signal.
  for (const item of saved) {
    const article = features.get(item.article_id);
    if (article && savedIds.has(item.article_id)) signals.push({ at: Date.parse(item.saved_at), dwellSeconds: 0, saved: true, features: toFeatures(article) });
  }
  const muted = (mode: 'fewer' | 'hide') =>
    new Set(mutes.filter((m) => m.mode === mode && MUTE_TO_FEATURE[m.target_kind]).map((m) => featureKey(m.target_kind as 'section', m.target_id)));
  return {
    followed: new Set(followed.map((f) => featureKey(f.target_kind as 'section', f.target_id))),
    learned: learnInterests(signals, now.getTime(), settings.ranking),
    fewer: muted('fewer'),
    hidden: muted('hide'),
    excluded: new Set([
      ...recentReads.map((read) => read.article_id),
      ...mutes.filter((m) => m.target_kind === 'article' && m.mode === 'hide').map((m) => m.target_id),
    ]),
  };
}

/** Candidate ids: fresh and popular articles for everyone, plus the newest of what the reader follows or reads most. */
async function candidateIds(
  db: Kysely<Database>,
  profile: ReaderProfile,
  now: Date,
  settings: FeedSettings,
  popularity: Popularity,
  articleFeatures: FeatureSource,
): Promise<string[]> {
  const candidates = candidateRepository(db);
  const until = now.toISOString();
  const since = new Date(now.getTime() - settings.windowDays * 86_400_000).toISOString();
  const learnedTop = [...profile.learned].sort((a, b) => b[1] - a[1]).slice(0, LEARNED_SOURCES).map(([key]) => key);
  const interesting = [...profile.followed, ...learnedTop].filter((key) => !profile.hidden.has(key));
  const idsOf = (kind: 'section' | 'tag' | 'author' | 'entity') => [
    ...new Set(interesting.map(parseFeatureKey).filter((f) => f.kind === kind).map((f) => f.id)),
  ];
  const popularInWindow = async () => {
    const mostRead = popularity.ranked.slice(0, POPULAR_CANDIDATES);
    const features = await articleFeatures.features(mostRead);
    return mostRead.filter((id) => {
      const publishedAt = features.get(id)?.publishedAt;
      return publishedAt !== undefined && publishedAt >= since && publishedAt <= until;
    });
  };
  const [fresh, popular, sections, tags, authors, entities] = await Promise.all([
    candidates.freshIds(since, until, FRESH_CANDIDATES),
    popularInWindow(),
    candidates.sectionIds(idsOf('section'), since, until, PER_SECTION_CANDIDATES),
    candidates.linkedIds('tag', idsOf('tag'), since, until, LINKED_CANDIDATES),
    candidates.linkedIds('author', idsOf('author'), since, until, LINKED_CANDIDATES),
    candidates.linkedIds('entity', idsOf('entity'), since, until, LINKED_CANDIDATES),
  ]);
  return [...new Set([...fresh, ...popular, ...sections, ...tags, ...authors, ...entities])].filter((id) => !profile.excluded.has(id));
}

/**
 * The "لك" feed of a reader (or of an anonymous visitor, `readerId` null): candidates from the database, ranked
 * by src/feed/ranking.ts, each with the reason it is there.
 */
export async function buildFeed(
  db: Kysely<Database>,
  readerId: string | null,
  options: { size: number; now?: Date; settings?: FeedSettings; popularNow?: PopularNow; articleFeatures?: FeatureSource },
): Promise<Feed> {
  const now = options.now ?? new Date();
  const settings = options.settings ?? DEFAULT_FEED_SETTINGS;
  const articleFeatures = options.articleFeatures ?? uncachedFeatures(db);
  const popularSince = hourOf(new Date(now.getTime() - settings.popularityHours * 3_600_000).toISOString());
  const [profile, popularity] = await Promise.all([
    readerId ? loadProfile(db, readerId, now, settings, articleFeatures) : EMPTY_PROFILE,
    (options.popularNow ?? uncachedPopularNow(db)).since(popularSince),
  ]);
  const ids = await candidateIds(db, profile, now, settings, popularity, articleFeatures);
  const features = await articleFeatures.features(ids);
  // An article linked as the duplicate of another (the same report from two feeds) is shown once, as the original.
  const candidates: FeedCandidate[] = [...features.values()].filter((article) => !article.duplicate).map((article) => ({
    id: article.id,
    publishedAt: Date.parse(article.publishedAt),
    features: toFeatures(article),
    section: article.sectionId ? featureKey('section', article.sectionId) : null,
    story: article.storyId,
    recentReads: popularity.counts.get(article.id) ?? 0,
  }));
  const ranked = rankFeed(candidates, profile, now.getTime(), options.size, settings.ranking);
  const [articles, targets] = await Promise.all([
    candidateRepository(db).listByIds(ranked.map((item) => item.id)),
    describeTargets(db, ranked.flatMap((item) => explanationRefs(item.explanation))),
  ]);
  const byId = new Map(articles.map((article) => [article.id, article]));
  const items = ranked.flatMap((item) => {
    const article = byId.get(item.id);
    return article ? [{ article, source: features.get(item.id)?.sourceName ?? null, reason: toReason(item.explanation, targets), score: item.score }] : [];
  });
  return { items, personalized: profile.followed.size > 0 || profile.learned.size > 0 };
}

function explanationRefs(explanation: Explanation): { kind: TargetKind; id: string }[] {
  if (explanation.kind === 'follow' || explanation.kind === 'learned') return [parseFeatureKey(explanation.feature)];
  if (explanation.kind === 'fresh' && explanation.section) return [parseFeatureKey(explanation.section)];
  return [];
}

function toReason(explanation: Explanation, targets: Map<string, Target>): Reason {
  if (explanation.kind === 'follow' || explanation.kind === 'learned') {
    const target = targets.get(explanation.feature);
    // A target deleted between ranking and naming: the article is still fresh news.
    return target ? { kind: explanation.kind, target } : { kind: 'fresh', section: null };
  }
  if (explanation.kind === 'fresh') return { kind: 'fresh', section: explanation.section ? (targets.get(explanation.section) ?? null) : null };
  return explanation;
}
