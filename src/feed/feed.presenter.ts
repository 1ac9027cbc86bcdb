import { z } from 'zod';
import type { ArticleListItem } from '../articles/article.repository.ts';
import { articlePath } from '../articles/slug.ts';

export const FEED_SIZE = 30;

/** The query string of GET /api/feed and /for-you; the route parses with it and the OpenAPI document describes it. */
export const feedQuery = z.object({
  view: z.enum(['for-you', 'latest']).optional().describe('for-you (ranked for the reader) or latest (newest first); the reader’s default when absent'),
  size: z.coerce.number().int().min(1).max(100).default(FEED_SIZE).describe('Articles to return'),
});

const targetRef = z.object({ kind: z.string().describe('section, tag, author or entity'), slug: z.string(), name: z.string() });

/** One card of the feed as JSON. Every field is a promise to API clients: add fields, never rename or remove one. */
export const feedArticleResponse = z.object({
  slug: z.string(),
  title: z.string(),
  url: z.string().describe('The article page, absolute'),
  section: z.object({ slug: z.string(), name: z.string() }).nullable(),
  source: z
    .object({ name: z.string().nullable(), url: z.string().nullable() })
    .nullable()
    .describe('The publisher an imported article came from, and its original URL; null for the site’s own'),
  published_at: z.string().nullable().describe('ISO-8601, UTC'),
  reason: z
    .object({
      kind: z.enum(['follow', 'learned', 'trending', 'fresh']),
      text: z.string().describe('Why the card is there, in Arabic, e.g. «لأنك تتابع العراق»'),
      target: targetRef.nullable().describe('What is followed or read about, for follow and learned'),
    })
    .nullable()
    .describe('Null in the latest view'),
});

export const feedResponse = z.object({
  view: z.enum(['for-you', 'latest']),
  personalized: z.boolean().describe('False for anonymous and new readers: popularity and freshness only'),
  articles: z.array(feedArticleResponse),
});

/** A feed article as JSON, without its reason. */
export function presentFeedArticle(article: ArticleListItem, siteUrl: string): Omit<z.infer<typeof feedArticleResponse>, 'reason'> {
  return {
    slug: article.slug,
    title: article.title,
    url: `${siteUrl}${articlePath(article.slug)}`,
    section: article.section_slug && article.section_name ? { slug: article.section_slug, name: article.section_name } : null,
    source: article.source_name || article.source_url ? { name: article.source_name, url: article.source_url } : null,
    published_at: article.published_at,
  };
}
