import type { Insertable, Selectable } from 'kysely';

/**
 * The Kysely view of the schema, shared by both engines.
 * Timestamps are ISO-8601 UTC strings ("2026-11-25T06:31:51.000Z") on both engines, so they sort and compare
 * the same way everywhere and no code needs to know which engine runs.
 */
export interface Database {
  sections: SectionsTable;
  articles: ArticlesTable;
  tags: TagsTable;
  article_tags: ArticleTagsTable;
  authors: AuthorsTable;
  article_authors: ArticleAuthorsTable;
  related_headlines: RelatedHeadlinesTable;
  page_cache: PageCacheTable;
  site_generation: SiteGenerationTable;
}

export interface SectionsTable {
  id: string;
  slug: string;
  name: string;
  position: number;
}

export type ArticleStatus = 'draft' | 'scheduled' | 'published';

export interface ArticlesTable {
  id: string;
  slug: string;
  title: string;
  subtitle: string | null;
  /** JSON array of paragraph strings, in reading order. */
  paragraphs: string;
  section_id: string | null;
  language: string;
  status: ArticleStatus;
  source_name: string | null;
  source_url: string | null;
  content_hash: string;
  published_at: string | null;
  created_at: string;
  updated_at: string;
}

export interface TagsTable {
  id: string;
  slug: string;
  name: string;
}

export interface ArticleTagsTable {
  article_id: string;
  tag_id: string;
}

export interface AuthorsTable {
  id: string;
  slug: string;
  name: string;
}

export interface ArticleAuthorsTable {
  article_id: string;
  author_id: string;
  position: number;
}

/** A headline shown beside an article; points at an article of ours when we have it. */
export interface RelatedHeadlinesTable {
  id: string;
  article_id: string;
  position: number;
  headline: string;
  url: string | null;
  related_article_id: string | null;
}

/** A rendered page, valid while `generation` is the site's current one. */
export interface PageCacheTable {
  path: string;
  generation: number;
  last_modified: string;
  html: string;
}

/** One row (id 1): bumped by every change readers can see. */
export interface SiteGenerationTable {
  id: number;
  generation: number;
}

export type ArticleRow = Selectable<ArticlesTable>;
export type NewArticleRow = Insertable<ArticlesTable>;
export type SectionRow = Selectable<SectionsTable>;
