import { z } from 'zod';
import { feedQuery, feedResponse } from '../feed/feed.presenter.ts';
import { searchQuerySchema } from '../search/search.routes.tsx';
import { articleResponse, sectionResponse } from './article.presenter.ts';

/** The query string of GET /api/articles; the route parses with it and the OpenAPI document describes it. */
export const articleListQuery = z.object({
  page: z.coerce.number().int().min(1).max(10_000).default(1).describe('Page number, from 1'),
  per_page: z.coerce.number().int().min(1).max(100).default(20).describe('Articles per page'),
  section: z.string().max(200).optional().describe('Only this section (its slug)'),
});

export const articleListResponse = z.object({
  page: z.number().int(),
  per_page: z.number().int(),
  total: z.number().int(),
  articles: z.array(articleResponse),
});

export const sectionListResponse = z.object({ sections: z.array(sectionResponse) });

const errorResponse = z.object({ error: z.object({ code: z.string(), message: z.string() }) });

/** A JSON Schema for OpenAPI, which names its dialect once for the whole document instead of per schema. */
function jsonSchema(schema: z.ZodType, io: 'input' | 'output' = 'output') {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, { io }) as Record<string, unknown>;
  return rest;
}

/** OpenAPI query parameters, one per field of the zod object the route parses its query string with. */
function queryParameters(schema: z.ZodObject) {
  return Object.entries(schema.shape).map(([name, field]) => {
    const { description, ...fieldSchema } = jsonSchema(field as z.ZodType, 'input');
    return { name, in: 'query', required: false, ...(description ? { description } : {}), schema: fieldSchema };
  });
}

const json = (name: string) => ({ content: { 'application/json': { schema: { $ref: `#/components/schemas/${name}` } } } });

/** OpenAPI 3.1 for the JSON API; every schema in it is generated from the zod schemas the API is written against. */
export function openApiDocument(siteName: string, siteUrl: string) {
  const slugParameter = { name: 'slug', in: 'path', required: true, schema: { type: 'string' }, description: 'Article slug (percent-encoded)' };
  return {
    openapi: '3.1.0',
    info: { title: `${siteName} API`, version: '1.0.0', description: 'Published articles and sections, search and the "لك" feed, in Arabic.' },
    servers: [{ url: siteUrl }],
    paths: {
      '/api/articles': {
        get: {
          summary: 'Published articles, newest first',
          parameters: queryParameters(articleListQuery),
          responses: {
            200: { description: 'A page of articles', ...json('ArticleList') },
            400: { description: 'Invalid query', ...json('Error') },
            404: { description: 'Unknown section', ...json('Error') },
          },
        },
      },
      '/api/articles/{slug}': {
        get: {
          summary: 'One published article',
          parameters: [slugParameter],
          responses: { 200: { description: 'The article', ...json('Article') }, 404: { description: 'No such article', ...json('Error') } },
        },
      },
      '/api/sections': {
        get: {
          summary: 'Sections with their article counts',
          responses: { 200: { description: 'Sections', ...json('SectionList') } },
        },
      },
      '/api/search': {
        get: {
          summary: 'Search published articles (Arabic-aware): words, "phrase", -excluded, section:, tag:, from:, to:',
          parameters: queryParameters(searchQuerySchema),
          responses: { 200: { description: 'Ranked results with highlighted snippets and section facets; `total` counts matches up to 10,000 (`total_exact` is false past it, and the section counts are then lower bounds)' } },
        },
      },
      '/api/feed': {
        get: {
          summary: 'The "لك" feed: ranked for the signed-in reader (session cookie) with the reason for each article, or popularity and freshness for anonymous readers; or the latest articles',
          parameters: queryParameters(feedQuery),
          responses: { 200: { description: 'The feed', ...json('Feed') } },
        },
      },
    },
    components: {
      schemas: {
        Article: jsonSchema(articleResponse),
        ArticleList: jsonSchema(articleListResponse),
        Section: jsonSchema(sectionResponse),
        SectionList: jsonSchema(sectionListResponse),
        Feed: jsonSchema(feedResponse),
        Error: jsonSchema(errorResponse),
      },
    },
  };
}
