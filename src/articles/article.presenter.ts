import { z } from 'zod';
import type { ArticleListItem, ArticleRelations } from './article.repository.ts';

const sectionRef = z.object({ slug: z.string(), name: z.string() });

/** The JSON shape of an article; the OpenAPI document is generated from it. */
export const articleResponse = z.object({
  slug: z.string().describe('URL slug; the page is /article/{slug} (percent-encoded)'),
  title: z.string(),
  subtitle: z.string().nullable(),
  paragraphs: z.array(z.string()).describe('Body text, paragraph by paragraph, in reading order'),
  section: sectionRef.nullable(),
  authors: z.array(z.string()),
  tags: z.array(z.string()),
  related_headlines: z.array(
    z.object({ headline: z.string(), url: z.string().nullable(), slug: z.string().nullable().describe('Our article with this headline, if any') }),
  ),
  source: z.object({ name: z.string().nullable(), url: z.string().nullable() }).nullable(),
  published_at: z.string().nullable().describe('ISO-8601, UTC'),
  updated_at: z.string().describe('ISO-8601, UTC'),
});

export const sectionResponse = sectionRef.extend({ article_count: z.number().int() });

/** A listed article, with its source when the caller has it. */
export type ArticleRecord = ArticleListItem & { source_name?: string | null; source_url?: string | null };

/**
 * The article as the JSON API shows it. Every field here is a promise to API clients: add fields, never rename
 * or remove one.
 */
export function presentArticle(row: ArticleRecord, relations: ArticleRelations): z.infer<typeof articleResponse> {
  return {
    slug: row.slug,
    title: row.title,
    subtitle: row.subtitle,
    paragraphs: JSON.parse(row.paragraphs) as string[],
    section: row.section_slug && row.section_name ? { slug: row.section_slug, name: row.section_name } : null,
    authors: relations.authors.map((author) => author.name),
    tags: relations.tags.map((tag) => tag.name),
    related_headlines: relations.relatedHeadlines.map((item) => ({
      headline: item.headline,
      url: item.url,
      slug: item.relatedSlug,
    })),
    source: row.source_name || row.source_url ? { name: row.source_name ?? null, url: row.source_url ?? null } : null,
    published_at: row.published_at,
    updated_at: row.updated_at,
  };
}
