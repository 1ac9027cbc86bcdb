import { randomUUID } from 'node:crypto';
import type { Kysely, Transaction } from 'kysely';
import { pageCacheRepository } from '../articles/page-cache.repository.ts';
import { slugify } from '../articles/slug.ts';
import type { Database } from '../db/schema.ts';
import { type ArticleAnalysis, analyzeArticle, duplicateBands, termSimilarity, topicBands } from './article-analysis.ts';
import type { ArticleEntity } from './entity.ts';
import { decodeSignature, encodeSignature, similarity } from './minhash.ts';
import {
  addMember,
  centroidScore,
  decodeCentroid,
  emptyCentroid,
  encodeCentroid,
  memberOf,
  mergeCentroid,
  type StoryCentroid,
  weighStoryEvidence,
} from './story-centroid.ts';
import { type EntityRow, type UnderstandingRepository, understandingRepository } from './understanding.repository.ts';

/** Shingle similarity above which two articles are the same text (one article imported from two feeds). */
export const DUPLICATE_SIMILARITY = 0.6;
/** Story score (see storyScore) from which an article joins the story of its best candidate. */
export const STORY_THRESHOLD = 0.1;
/** Score from which an article that joins one story also brings another story it matches into it. */
export const STORY_MERGE_THRESHOLD = 0.3;
/**
 * Average story score (see storyScore) an article must reach with the articles of a story published within the
 * window around it to join that story: what stops chaining. Chosen on the labelled days (BENCHMARKS.md).
 */
export const STORY_AVERAGE_THRESHOLD = 0.05;
/**
 * Score with a story's centroid (see centroidScore) an article must reach to join that story: what keeps a story
 * about what it was about instead of sliding day by day. Chosen on the tuning day (BENCHMARKS.md).
 */
export const STORY_CENTROID_THRESHOLD = 0.05;
/** Candidate stories (closest first) whose articles are compared one by one. */
const STORIES_COMPARED = 5;
/** Stories merge only while together they hold at most this many articles. */
const MAX_MERGED_STORY = 40;
/** How far apart in time two articles of one story may be published to be linked directly. */
const STORY_WINDOW_DAYS = 3;
/** Candidates scored per article, those sharing the most keys first. */
const MAX_CANDIDATES = 60;
/** Entities of an article used as candidate keys: the most mentioned ones. */
const KEY_ENTITIES = 8;
/**
 * Days before an article over which its entities' articles are counted to weigh them (rarer says more): the news of
 * one week, not of all time, so that where an article lands does not depend on how many months the site has
 * published, and counting stays as cheap in the tenth year as in the first.
 */
const ENTITY_RARITY_DAYS = 7;
/** Slugs looked up at once when a new entity's name is taken ("ترامب-2" … "ترامب-10"). */
const SLUGS_TRIED = 10;

export interface UnderstandResult {
  /** Articles read (new or changed since they were last understood). */
  understood: number;
  /** Articles already understood with their current text. */
  unchanged: number;
}

/**
 * Reads articles (entities, quotes) and places each in a story, incrementally: an article is compared only
 * with the candidates its MinHash bands and entities find inside a time window, never with the whole corpus.
 * Articles are handled in publication order, each in its own transaction, so a duplicate always points at the
 * earlier copy. Unchanged articles are skipped. Cached pages are invalidated once at the end if anything changed.
 * Run it after an import batch, never inside the import's per-article transaction.
 */
export async function understandArticles(db: Kysely<Database>, articleIds: string[]): Promise<UnderstandResult> {
  const result: UnderstandResult = { understood: 0, unchanged: 0 };
  const ids = [...new Set(articleIds)];
  const toRead: ArticleToStore[] = [];
  for (let offset = 0; offset < ids.length; offset += 500) {
    for (const row of await understandingRepository(db).articlesToUnderstand(ids.slice(offset, offset + 500))) {
      if (row.understood_hash === row.content_hash) result.unchanged++;
      else toRead.push({ id: row.id, contentHash: row.content_hash, publishedAt: row.published_at ?? row.created_at });
    }
  }
  // Which story an article joins depends on the articles placed before it: articles published at the same time are
  // read in the order of their content, not of their random ids, so that every run forms the same stories.
  toRead.sort((a, b) => a.publishedAt.localeCompare(b.publishedAt) || a.contentHash.localeCompare(b.contentHash) || a.id.localeCompare(b.id));
  for (let offset = 0; offset < toRead.length; offset += 500) {
    const page = toRead.slice(offset, offset + 500);
    const texts = new Map((await understandingRepository(db).articleTexts(page.map((article) => article.id))).map((row) => [row.id, row]));
    for (const article of page) {
      const text = texts.get(article.id);
      if (!text) continue;
      const analysis = analyzeArticle(text.title, JSON.parse(text.paragraphs) as string[]);
      await db.transaction().execute((trx) => storeUnderstanding(trx, article, analysis));
      result.understood++;
    }
  }
  // Related articles, quotes and entity lists are part of cached article pages.
  if (result.understood) await pageCacheRepository(db).bumpGeneration();
  return result;
}

/** understandArticles for articles named by slug: what an import batch reports. */
export async function understandImported(db: Kysely<Database>, slugs: string[]): Promise<UnderstandResult> {
  if (slugs.length === 0) return { understood: 0, unchanged: 0 };
  const ids: string[] = [];
  for (let offset = 0; offset < slugs.length; offset += 500) {
    ids.push(...(await understandingRepository(db).idsBySlugs(slugs.slice(offset, offset + 500))));
  }
  return understandArticles(db, ids);
}

/**
 * Understands every published article not yet understood with its current text, oldest first, page by page;
 * `onProgress` hears after each page. What `sahifa understand` runs.
 */
export async function understandAll(
  db: Kysely<Database>,
  onProgress: (done: UnderstandResult) => void = () => {},
): Promise<UnderstandResult> {
  const total: UnderstandResult = { understood: 0, unchanged: 0 };
  let cursor: { publishedAt: string; id: string } | null = null;
  for (;;) {
    const page = await understandingRepository(db).publishedIdsAfter(cursor, 500);
    if (page.length === 0) break;
    const done = await understandArticles(db, page.map((row) => row.id));
    total.understood += done.understood;
    total.unchanged += done.unchanged;
    onProgress(total);
    const last = page.at(-1)!;
    cursor = { publishedAt: last.published_at!, id: last.id };
  }
  return total;
}

interface ArticleToStore {
  id: string;
  contentHash: string;
  publishedAt: string;
}

async function storeUnderstanding(trx: Transaction<Database>, article: ArticleToStore, analysis: ArticleAnalysis): Promise<void> {
  const repo = understandingRepository(trx);
  // Before its entities are replaced: its old entities are what its story's centroid counted.
  await leaveStory(repo, article.id);
  const entityIds = await resolveEntities(repo, analysis.entities);
  // Two extracted entities may resolve to one stored entity (a short form another article made known): one row.
  const rows = new Map<string, { entity_id: string; mentions: number; position: number }>();
  for (const entity of analysis.entities) {
    const id = entityIds.get(entity.key)!;
    const row = rows.get(id);
    if (row) row.mentions += entity.mentions;
    else rows.set(id, { entity_id: id, mentions: entity.mentions, position: entity.firstPosition });
  }
  await repo.replaceArticleEntities(article.id, article.publishedAt, [...rows.values()]);
  await repo.replaceQuotes(
    article.id,
    analysis.quotes.map((quote, position) => ({ id: randomUUID(), entity_id: entityIds.get(quote.speakerKey)!, text: quote.text, position })),
  );
  const keyEntities = [...analysis.entities]
    .sort((a, b) => b.mentions - a.mentions || a.firstPosition - b.firstPosition)
    .slice(0, KEY_ENTITIES)
    .map((entity) => entityIds.get(entity.key)!);
  await placeInStory(repo, article, analysis, new Set(analysis.entities.map((entity) => entityIds.get(entity.key)!)), keyEntities);
}

/**
 * Finds or creates the entity of each extracted one: by its key; else, when another article already wrote one
 * of its forms (a person's full name, or the one word a single-word name is), that entity; else a new one.
 */
async function resolveEntities(repo: UnderstandingRepository, entities: ArticleEntity[]): Promise<Map<string, string>> {
  const ids = new Map<string, string>();
  for (const row of await repo.entitiesByKeys(entities.map((entity) => entity.key))) ids.set(row.key, row.id);

  const missing = entities.filter((entity) => !ids.has(entity.key));
  const lookupForms = (entity: ArticleEntity) => {
    const multiWord = entity.forms.filter((form) => form.includes(' '));
    return (entity.forms.length === 1 || multiWord.length === 0 ? entity.forms : multiWord).map((form) => `${entity.type}:${form}`);
  };
  const byForm = new Map<string, EntityRow>();
  for (const row of await repo.entitiesByForms(missing.flatMap(lookupForms))) if (!byForm.has(row.form)) byForm.set(row.form, row);
  for (const entity of missing) {
    const known = lookupForms(entity).map((form) => byForm.get(form)).find((row) => row?.type === entity.type);
    if (known) {
      ids.set(entity.key, known.id);
      continue;
    }
    ids.set(entity.key, await createEntity(repo, entity));
  }
  await repo.insertForms(entities.flatMap((entity) => entity.forms.map((form) => ({ form: `${entity.type}:${form}`, entity_id: ids.get(entity.key)! }))));
  return ids;
}

/** The entity's name as a slug, or with the first free number after it ("ترامب", "ترامب-2", …). */
async function freeSlug(repo: UnderstandingRepository, base: string): Promise<string> {
  for (let first = 1; ; first += SLUGS_TRIED) {
    const candidates = Array.from({ length: SLUGS_TRIED }, (_, k) => (first + k === 1 ? base : `${base}-${first + k}`));
    const taken = await repo.takenSlugs(candidates);
    const free = candidates.find((slug) => !taken.has(slug));
    if (free) return free;
  }
}

async function createEntity(repo: UnderstandingRepository, entity: ArticleEntity): Promise<string> {
  const slug = await freeSlug(repo, slugify(entity.name));
  const id = randomUUID();
  await repo.insertEntity({ id, slug, type: entity.type, name: entity.name, key: entity.key, created_at: new Date().toISOString() });
  // Another process may have created the same entity a moment ago: its row wins.
  const [row] = await repo.entitiesByKeys([entity.key]);
  return row?.id ?? id;
}

/**
 * How likely two articles report the same story: the overlap of their leads' content stems (Jaccard) and of the
 * entities they name (Jaccard weighted by rarity: the summed weights of shared entities over those of all), both in
 * [0, 1], weighted 0.6 and 0.4. Weights and thresholds tuned on one hand-labelled day, checked on another
 * (see BENCHMARKS.md).
 */
export function storyScore(leadSimilarity: number, sharedEntities: number, entityUnion: number): number {
  return weighStoryEvidence(leadSimilarity, entityUnion ? sharedEntities / entityUnion : 0);
}

/** The entities of each of these articles. */
export async function entitySets(repo: UnderstandingRepository, articleIds: string[]): Promise<Map<string, Set<string>>> {
  const sets = new Map<string, Set<string>>(articleIds.map((id) => [id, new Set()]));
  for (const row of await repo.entityIdsOfArticles(articleIds)) sets.get(row.article_id)!.add(row.entity_id);
  return sets;
}

async function placeInStory(
  repo: UnderstandingRepository,
  article: ArticleToStore,
  analysis: ArticleAnalysis,
  entityIds: Set<string>,
  keyEntityIds: string[],
): Promise<void> {
  const keys = [...duplicateBands(analysis.shingleSignature), ...topicBands(analysis.leadSignature), ...keyEntityIds.map((id) => `e${id}`)];
  const time = Date.parse(article.publishedAt);
  const window = STORY_WINDOW_DAYS * 86_400_000;
  const candidates = await repo.candidates(
    keys,
    new Date(time - window).toISOString(),
    new Date(time + window).toISOString(),
    article.id,
    MAX_CANDIDATES,
  );
  const candidateIds = candidates.map((candidate) => candidate.article_id);
  // In the candidates' order (stable from run to run): ties between stories go to the one met first.
  const rank = new Map(candidateIds.map((id, index) => [id, index]));
  const rows = (await repo.storyRows(candidateIds)).sort((a, b) => rank.get(a.article_id)! - rank.get(b.article_id)!);
  const entityOf = await entitySets(repo, candidateIds);
  // Entities named by many articles of the week (ترامب, العراق) say less about the story than rare ones: weighted like IDF.
  const articleCounts = new Map<string, number>();
  const rarityWindow = { from: new Date(time - ENTITY_RARITY_DAYS * 86_400_000).toISOString(), to: article.publishedAt };
  const countRecent: EntityCounter = (ids) => repo.entityArticleCounts(ids, rarityWindow);
  await countEntities(countRecent, articleCounts, [...entityIds, ...[...entityOf.values()].flatMap((set) => [...set])]);
  const weight = (id: string) => 1 / Math.log2(2 + (articleCounts.get(id) ?? 0));
  const scoreWith = (other: { article_id: string; word_signature: string }) => {
    const theirs = entityOf.get(other.article_id) ?? new Set<string>();
    let shared = 0;
    let union = 0;
    for (const id of theirs) if (entityIds.has(id)) shared += weight(id);
    for (const id of new Set([...theirs, ...entityIds])) union += weight(id);
    return storyScore(termSimilarity(analysis.leadTerms, other.word_signature.split(' ')), shared, union);
  };

  let duplicate: { of: string; story: string; similarity: number } | null = null;
  /** The best score of each candidate story: how close its closest article is. */
  const closest = new Map<string, number>();
  for (const row of rows) {
    const shingles = similarity(analysis.shingleSignature, decodeSignature(row.shingle_signature));
    if (shingles >= DUPLICATE_SIMILARITY && (!duplicate || shingles > duplicate.similarity)) {
      duplicate = { of: row.duplicate_of ?? row.article_id, story: row.story_id, similarity: shingles };
    }
    const score = scoreWith(row);
    if (score >= STORY_THRESHOLD && score > (closest.get(row.story_id) ?? 0)) closest.set(row.story_id, score);
  }
  // Being close to one article of a story is how stories chain (A~B, B~C, A unrelated to C): an article joins a
  // story only if it is also close, on average, to the story's articles of its time window (average link), and
  // to the story's centroid, which weighs all its articles and so does not slide with the window.
  const shortlist = [...closest].sort((a, b) => b[1] - a[1]).slice(0, STORIES_COMPARED);
  const shortlisted = shortlist.map(([story]) => story);
  const members = await repo.storyMembers(shortlisted, { from: new Date(time - window).toISOString(), to: new Date(time + window).toISOString() });
  await addEntitySets(repo, countRecent, entityOf, articleCounts, members.map((row) => row.article_id));
  const average = new Map<string, { total: number; count: number }>();
  for (const member of members) {
    if (member.article_id === article.id) continue;
    const sum = average.get(member.story_id) ?? { total: 0, count: 0 };
    sum.total += scoreWith(member);
    sum.count++;
    average.set(member.story_id, sum);
  }
  const centroids = await storyCentroids(repo, countRecent, shortlisted, entityOf, articleCounts);
  await countEntities(countRecent, articleCounts, [...centroids.values()].flatMap((centroid) => [...centroid.entities.keys()]));
  const thisArticle = { leadTerms: new Set(analysis.leadTerms), entityIds, publishedAt: article.publishedAt };
  const joinable = shortlist
    .map(([story, best]) => {
      const sum = average.get(story);
      const centroid = centroids.get(story);
      return { story, best, average: sum ? sum.total / sum.count : best, centroid: centroid ? centroidScore(centroid, thisArticle, weight) : best };
    })
    .filter((candidate) => candidate.average >= STORY_AVERAGE_THRESHOLD && candidate.centroid >= STORY_CENTROID_THRESHOLD)
    .sort((a, b) => b.centroid - a.centroid);
  // An article that belongs as clearly to two stories shows they are one: the others join the chosen one.
  const story = duplicate?.story ?? joinable[0]?.story ?? article.id;
  // A duplicate's story may not have been shortlisted: its centroid must exist before this article is added to it.
  if (story !== article.id && !centroids.has(story)) await storyCentroids(repo, countRecent, [story], entityOf, articleCounts);
  for (const other of joinable) {
    if (other.story === story || other.best < STORY_MERGE_THRESHOLD) continue;
    // Merging is what lets one story swallow a season of loosely related news: only small stories merge.
    const sizes = await repo.storySizes([story, other.story]);
    if ((sizes.get(story) ?? 0) + (sizes.get(other.story) ?? 0) > MAX_MERGED_STORY) continue;
    await repo.moveStory(other.story, story);
    await updateCentroid(repo, story, (centroid) => mergeCentroid(centroid, centroids.get(other.story) ?? emptyCentroid()));
    await repo.deleteCentroid(other.story);
  }

  await repo.insertStory({
    article_id: article.id,
    story_id: story,
    duplicate_of: duplicate?.of ?? null,
    content_hash: article.contentHash,
    published_at: article.publishedAt,
    shingle_signature: encodeSignature(analysis.shingleSignature),
    word_signature: analysis.leadTerms.join(' '),
  });
  await repo.insertKeys(keys.map((key) => ({ key, article_id: article.id, published_at: article.publishedAt })));
  await updateCentroid(repo, story, (centroid) => addMember(centroid, { leadTerms: analysis.leadTerms, entityIds, publishedAt: article.publishedAt }));
}

/** How many articles of the week before the article being placed name each of these entities. */
type EntityCounter = (entityIds: string[]) => Promise<Map<string, number>>;

/** Adds the entities of these articles to `entityOf`, and the article counts of entities not yet counted. */
async function addEntitySets(
  repo: UnderstandingRepository,
  count: EntityCounter,
  entityOf: Map<string, Set<string>>,
  articleCounts: Map<string, number>,
  articleIds: string[],
): Promise<void> {
  const missing = articleIds.filter((id) => !entityOf.has(id));
  for (const [id, set] of await entitySets(repo, missing)) entityOf.set(id, set);
  await countEntities(count, articleCounts, missing.flatMap((id) => [...entityOf.get(id)!]));
}

/** Adds to `articleCounts` how many articles name each of these entities not counted yet (0 for those none names). */
async function countEntities(count: EntityCounter, articleCounts: Map<string, number>, entityIds: string[]): Promise<void> {
  const uncounted = [...new Set(entityIds)].filter((id) => !articleCounts.has(id));
  for (const id of uncounted) articleCounts.set(id, 0);
  for (const [id, n] of await count(uncounted)) articleCounts.set(id, n);
}

/**
 * The centroids of these stories. One that a story does not have yet (understood before centroids were kept), or
 * that counts another number of articles than the story holds (an article deleted since, or another process adding
 * to it right now), is built again from all the story's articles, and stored unless it changed meanwhile.
 */
async function storyCentroids(
  repo: UnderstandingRepository,
  count: EntityCounter,
  storyIds: string[],
  entityOf: Map<string, Set<string>>,
  articleCounts: Map<string, number>,
): Promise<Map<string, StoryCentroid>> {
  const sizes = await repo.storySizes(storyIds);
  const read = await repo.centroids(storyIds);
  const readCount = new Map(read.map((row) => [row.story_id, Number(row.articles)]));
  const stored = read.filter((row) => Number(row.articles) === sizes.get(row.story_id));
  const centroids = new Map(stored.map((row) => [row.story_id, decodeCentroid(row)]));
  const unbuilt = storyIds.filter((story) => !centroids.has(story));
  if (unbuilt.length === 0) return centroids;
  const members = await repo.storyMembers(unbuilt);
  await addEntitySets(repo, count, entityOf, articleCounts, members.map((row) => row.article_id));
  for (const member of members) {
    const centroid = centroids.get(member.story_id) ?? emptyCentroid();
    addMember(centroid, memberOf(member, entityOf.get(member.article_id)!));
    centroids.set(member.story_id, centroid);
  }
  for (const story of unbuilt) {
    if (centroids.has(story)) await repo.saveRebuiltCentroid({ story_id: story, ...encodeCentroid(centroids.get(story)!) }, readCount.get(story) ?? null);
  }
  return centroids;
}

/** Changes a story's stored centroid under its row lock; a story left with no article has none. */
async function updateCentroid(repo: UnderstandingRepository, storyId: string, change: (centroid: StoryCentroid) => void): Promise<void> {
  await repo.lockCentroid(storyId);
  const [row] = await repo.centroids([storyId]);
  const centroid = row ? decodeCentroid(row) : emptyCentroid();
  change(centroid);
  if (centroid.articles > 0) await repo.saveCentroid({ story_id: storyId, ...encodeCentroid(centroid) });
  else if (row) await repo.deleteCentroid(storyId);
}

/** Takes an article out of its story before it is understood again: its keys, its membership, its share of the centroid. */
async function leaveStory(repo: UnderstandingRepository, articleId: string): Promise<void> {
  const [previous] = await repo.storyRows([articleId]);
  if (!previous) return;
  const entityIds = (await repo.entityIdsOfArticles([articleId])).map((row) => row.entity_id);
  await updateCentroid(repo, previous.story_id, (centroid) => addMember(centroid, memberOf(previous, entityIds), -1));
  await repo.clearStory(articleId);
}
