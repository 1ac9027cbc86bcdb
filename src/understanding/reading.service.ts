import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import type { EntityType } from './entity.ts';
import { addMember, centroidScore, emptyCentroid, memberOf } from './story-centroid.ts';
import { type EntityRow, type StoryArticle, type UnderstandingRepository, understandingRepository } from './understanding.repository.ts';
import { entitySets } from './understanding.service.ts';

/** How many related articles an article page shows under "في السياق نفسه". */
const RELATED_COUNT = 6;
/** Entities of an article used to find related ones: the rarest that another article also names. */
const RELATED_BY_ENTITIES = 5;
/** Entities shown on an article page. */
const ARTICLE_ENTITIES = 12;

export interface EntityLink {
  id: string;
  slug: string;
  type: EntityType;
  name: string;
}

export interface RelatedArticle {
  slug: string;
  title: string;
  sourceName: string | null;
  publishedAt: string | null;
  /** True when it belongs to the same story; else it shares entities with the article. */
  sameStory: boolean;
}

/** What understanding adds to an article page. */
export interface ArticleContext {
  entities: EntityLink[];
  quotes: { text: string; speaker: EntityLink }[];
  related: RelatedArticle[];
  /** The article's story when it has other articles: the timeline is worth a link. */
  story: { id: string; articleCount: number } | null;
  /** When this article is a copy of one already published (the same text from another feed). */
  duplicateOf: { slug: string; title: string; sourceName: string | null } | null;
}

const link = (row: Pick<EntityRow, 'id' | 'slug' | 'type' | 'name'>): EntityLink => ({ id: row.id, slug: row.slug, type: row.type, name: row.name });

/**
 * Entities, quotes and related articles of one article: first the other articles of its story (newest first),
 * then articles naming the same rarer entities. Duplicates of one text are shown once.
 */
export async function articleContext(db: Kysely<Database>, articleId: string): Promise<ArticleContext> {
  const repo = understandingRepository(db);
  const [entities, quotes, story] = await Promise.all([repo.articleEntities(articleId), repo.articleQuotes(articleId), repo.storyOf(articleId)]);
  const storyArticles = story ? await repo.storyArticles(story.story_id) : [];
  const original = story?.duplicate_of ? storyArticles.find((article) => article.id === story.duplicate_of) ?? null : null;
  const copiesOfThis = new Set(storyArticles.filter((article) => article.duplicate_of === articleId).map((article) => article.id));
  const sameStory = storyArticles
    .filter((article) => article.id !== articleId && !article.duplicate_of && !copiesOfThis.has(article.id) && article.id !== original?.id)
    .reverse()
    .slice(0, RELATED_COUNT);

  const counts = await repo.entityArticleCounts(entities.map((entity) => entity.id));
  const distinctive = entities
    .filter((entity) => (counts.get(entity.id) ?? 0) > 1)
    .sort((a, b) => counts.get(a.id)! - counts.get(b.id)!)
    .slice(0, RELATED_BY_ENTITIES)
    .map((entity) => entity.id);
  const shown = [articleId, ...storyArticles.map((article) => article.id)];
  const byEntities =
    sameStory.length < RELATED_COUNT ? await repo.articlesSharingEntities(distinctive, shown, RELATED_COUNT - sameStory.length) : [];

  const related = (rows: StoryArticle[], inStory: boolean): RelatedArticle[] =>
    rows.map((row) => ({ slug: row.slug, title: row.title, sourceName: row.source_name, publishedAt: row.published_at, sameStory: inStory }));
  const storyCount = storyArticles.filter((article) => !article.duplicate_of).length;
  return {
    entities: entities.slice(0, ARTICLE_ENTITIES).map(link),
    quotes: quotes.map((quote) => ({ text: quote.text, speaker: { id: quote.entity_id, slug: quote.slug, type: quote.type, name: quote.name } })),
    related: [...related(sameStory, true), ...related(byEntities, false)],
    story: story && storyCount > 1 ? { id: story.story_id, articleCount: storyCount } : null,
    duplicateOf: original ? { slug: original.slug, title: original.title, sourceName: original.source_name } : null,
  };
}

export interface EntityPageData {
  entity: EntityLink;
  articles: StoryArticle[];
  articleCount: number;
  quotes: { id: string; text: string; slug: string; title: string; published_at: string | null }[];
}

/** An entity's page: its articles newest first (one page of them), and what it said. Null when no such entity. */
export async function entityPage(db: Kysely<Database>, slug: string, page: number, pageSize: number): Promise<EntityPageData | null> {
  const repo = understandingRepository(db);
  const entity = await repo.entityBySlug(slug);
  if (!entity) return null;
  const [articles, articleCount, quotes] = await Promise.all([
    repo.entityArticles(entity.id, pageSize, (page - 1) * pageSize),
    repo.countEntityArticles(entity.id),
    page > 1 ? Promise.resolve([]) : repo.entityQuotes(entity.id, 10),
  ]);
  return { entity: link(entity), articles, articleCount, quotes };
}

export interface StoryEntry {
  slug: string;
  title: string;
  sourceName: string | null;
  publishedAt: string | null;
  /** Sources that published the same text again. */
  alsoIn: string[];
}

export interface StoryTimeline {
  /**
   * What the story is called: the title of its article closest to what the story is about (its centroid), not simply
   * of its first, which may be one that joined on a passing likeness and stayed apart from the rest.
   */
  headline: string;
  entries: StoryEntry[];
}

/** A story's articles as a timeline, oldest first, each text once with the other sources that carried it. */
export async function storyTimeline(db: Kysely<Database>, storyId: string): Promise<StoryTimeline | null> {
  const repo = understandingRepository(db);
  const rows = await repo.storyArticles(storyId);
  if (rows.length === 0) return null;
  const entries = new Map<string, StoryEntry>();
  const entry = (row: StoryArticle): StoryEntry => ({ slug: row.slug, title: row.title, sourceName: row.source_name, publishedAt: row.published_at, alsoIn: [] });
  for (const row of rows) if (!row.duplicate_of) entries.set(row.id, entry(row));
  for (const row of rows) {
    const original = row.duplicate_of ? entries.get(row.duplicate_of) : undefined;
    if (original && row.source_name && !original.alsoIn.includes(row.source_name)) original.alsoIn.push(row.source_name);
    // A copy whose original was deleted stands on its own.
    if (row.duplicate_of && !original) entries.set(row.id, entry(row));
  }
  const central = await centralArticle(repo, rows.filter((row) => entries.has(row.id)));
  return { headline: entries.get(central)!.title, entries: [...entries.values()] };
}

/** The id of the article closest to the centroid of these (their lead stems and entities, each entity alike). */
async function centralArticle(repo: UnderstandingRepository, articles: { id: string; word_signature: string; placed_at: string }[]): Promise<string> {
  const entityOf = await entitySets(repo, articles.map((article) => article.id));
  const members = articles.map((row) => memberOf({ word_signature: row.word_signature, published_at: row.placed_at }, entityOf.get(row.id)!));
  const centroid = emptyCentroid();
  for (const member of members) addMember(centroid, member);
  const closeness = members.map((member, k) =>
    centroidScore(centroid, { leadTerms: new Set(member.leadTerms), entityIds: entityOf.get(articles[k]!.id)!, publishedAt: member.publishedAt }, () => 1),
  );
  // The earliest of equally central articles: indexOf finds the first maximum.
  return articles[closeness.indexOf(Math.max(...closeness))]!.id;
}
