import type { Kysely } from 'kysely';
import { normalizeArabic } from '../arabic/normalize.ts';
import { articleRepository } from '../articles/article.repository.ts';
import type { Database } from '../db/schema.ts';
import { notFound } from '../lib/errors.ts';
import { readingRepository } from '../feed/reading.repository.ts';
import { type SavedItem, savedRepository } from './saved.repository.ts';

/** At most this many saved articles are searched or exported at once. */
export const SAVED_LIMIT = 5000;

async function publishedArticleId(db: Kysely<Database>, slug: string): Promise<string> {
  const row = await articleRepository(db).findPublishedBySlug(slug);
  if (!row) throw notFound(`article "${slug}"`);
  return row.id;
}

/** Saves a published article for a reader; saving it again changes nothing. */
export async function saveArticle(db: Kysely<Database>, readerId: string, slug: string, now = new Date()): Promise<void> {
  const articleId = await publishedArticleId(db, slug);
  await savedRepository(db).save(readerId, articleId, now.toISOString());
}

/** Removes an article from a reader's saved list; removing one not saved changes nothing. */
export async function unsaveArticle(db: Kysely<Database>, readerId: string, slug: string): Promise<void> {
  const row = await articleRepository(db).findBySlug(slug);
  if (!row) throw notFound(`article "${slug}"`);
  await savedRepository(db).remove(readerId, row.id);
}

export interface SavedList {
  items: (SavedItem & { paragraph: number | null })[];
  total: number;
  sections: { slug: string; name: string }[];
}

/**
 * A reader's saved articles, newest first, optionally within a section and containing every word of `q`
 * (matched after Arabic normalization, so hamza and taa marbuta spellings match). Each item carries the last
 * paragraph the reader reached, for "continue reading".
 */
export async function listSaved(
  db: Kysely<Database>,
  readerId: string,
  options: { section?: string; q?: string; limit: number; offset: number },
): Promise<SavedList> {
  const repo = savedRepository(db);
  const section = options.section ? await articleRepository(db).findSectionBySlug(options.section) : undefined;
  if (options.section && !section) throw notFound(`section "${options.section}"`);
  const words = normalizeArabic(options.q ?? '')
    .split(/\s+/)
    .filter(Boolean);
  let items: SavedItem[];
  let total: number;
  if (words.length === 0) {
    items = await repo.list(readerId, { sectionId: section?.id, limit: options.limit, offset: options.offset });
    total = section ? (await repo.list(readerId, { sectionId: section.id, limit: SAVED_LIMIT })).length : await repo.count(readerId);
  } else {
    // A reader's saved list is short: matching it here keeps Arabic normalization without a second index.
    const all = await repo.list(readerId, { sectionId: section?.id, limit: SAVED_LIMIT });
    const matching = all.filter((item) => {
      const text = normalizeArabic(`${item.title} ${item.subtitle ?? ''} ${(JSON.parse(item.paragraphs) as string[]).join(' ')}`);
      return words.every((word) => text.includes(word));
    });
    total = matching.length;
    items = matching.slice(options.offset, options.offset + options.limit);
  }
  const [positions, sections] = await Promise.all([
    readingRepository(db).positions(readerId, items.map((item) => item.id)),
    repo.sectionsOfSaved(readerId),
  ]);
  return { items: items.map((item) => ({ ...item, paragraph: positions.get(item.id) ?? null })), total, sections };
}

/** Whether a reader saved the article with this slug (the button on cached article pages and cards). */
export const isSaved = (db: Kysely<Database>, readerId: string, slug: string) => savedRepository(db).isSavedSlug(readerId, slug);

/** Which of these articles a reader saved (for save buttons on cards). */
export const savedAmong = (db: Kysely<Database>, readerId: string, articleIds: string[]) => savedRepository(db).savedAmong(readerId, articleIds);

/** Every saved article, for export: title, link, section, when published and when saved. */
export async function exportSaved(db: Kysely<Database>, readerId: string, siteUrl: string) {
  const items = await savedRepository(db).list(readerId, { limit: SAVED_LIMIT });
  return items.map((item) => ({
    title: item.title,
    url: `${siteUrl}/article/${encodeURIComponent(item.slug)}`,
    section: item.section_name,
    published_at: item.published_at,
    saved_at: item.saved_at,
  }));
}
