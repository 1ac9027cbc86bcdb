import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import { understandingRepository } from './understanding.repository.ts';

/** Where a listed article stands in the stories: its story, and the source it came from. */
export type StoryMap = Map<string, { storyId: string; sourceName: string | null }>;

/** Another article of a card's story that the same list held: an "also from" link. */
export interface AlsoFrom {
  id: string;
  slug: string;
  title: string;
  sourceName: string | null;
}

/** One card of a list: an article and the other articles of its story the list held, shown under it. */
export interface StoryCard<T> {
  item: T;
  /** Null for an article not (yet) placed in a story. */
  storyId: string | null;
  alsoFrom: AlsoFrom[];
}

/** The stories of these articles (one query on the primary key). */
export async function loadStoryMap(db: Kysely<Database>, articleIds: string[]): Promise<StoryMap> {
  const rows = await understandingRepository(db).storiesOfArticles([...new Set(articleIds)]);
  return new Map(rows.map((row) => [row.article_id, { storyId: row.story_id, sourceName: row.source_name }]));
}

/**
 * Collapses a list so that one event reported by several sources is one card: each story appears once, as its
 * first article in the list (lists are newest first), and the story's later-listed articles become that card's
 * "also from" links. `hidden` stories (already shown elsewhere on the page) are left out entirely.
 */
export function collapseStories<T extends { id: string; slug: string; title: string }>(
  items: T[],
  stories: StoryMap,
  hidden: ReadonlySet<string> = new Set(),
): StoryCard<T>[] {
  const cards: StoryCard<T>[] = [];
  const byStory = new Map<string, StoryCard<T>>();
  for (const item of items) {
    const story = stories.get(item.id);
    if (!story) {
      cards.push({ item, storyId: null, alsoFrom: [] });
      continue;
    }
    if (hidden.has(story.storyId)) continue;
    const card = byStory.get(story.storyId);
    if (card) {
      card.alsoFrom.push({ id: item.id, slug: item.slug, title: item.title, sourceName: story.sourceName });
      continue;
    }
    const fresh = { item, storyId: story.storyId, alsoFrom: [] };
    byStory.set(story.storyId, fresh);
    cards.push(fresh);
  }
  return cards;
}
