import type { FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { Database } from '../db/schema.ts';
import { notFound } from '../lib/errors.ts';
import { articleRepository } from './article.repository.ts';
import { articleResponse, presentArticle, sectionResponse } from './article.presenter.ts';

export const articleListQuery = z.object({
  page: z.coerce.number().int().min(1).max(10_000).default(1),
  per_page: z.coerce.number().int().min(1).max(100).default(20),
  section: z.string().max(200).optional(),
});

const articleListResponse = z.object({
  page: z.number().int(),
  per_page: z.number().int(),
  total: z.number().int(),
  articles: z.array(articleResponse),
});

/** The JSON API: articles, one article, sections, and the OpenAPI document describing them. */
export function apiRoutes(app: FastifyInstance, deps: { db: Kysely<Database>; siteName: string; siteUrl: string }) {
  const repo = articleRepository(deps.db);

  app.get('/api/articles', async (request) => {
    const { page, per_page, section: sectionSlug } = articleListQuery.parse(request.query);
    const section = sectionSlug ? await repo.findSectionBySlug(sectionSlug) : undefined;
    if (sectionSlug && !section) throw notFound(`section "${sectionSlug}"`);
    const [total, rows] = await Promise.all([
      repo.countPublished(section?.id),
      repo.listPublished({ sectionId: section?.id, limit: per_page, offset: (page - 1) * per_page }),
    ]);
    const articles = await Promise.all(rows.map(async (row) => presentArticle(row, await repo.relationsOf(row.id))));
    return { page, per_page, total, articles };
  });

  app.get('/api/articles/:slug', async (request) => {
    const { slug } = z.object({ slug: z.string().min(1).max(300) }).parse(request.params);
    const row = await repo.findPublishedBySlug(slug);
    if (!row) throw notFound(`article "${slug}"`);
    return presentArticle(row, await repo.relationsOf(row.id));
  });

  app.get('/api/sections', async () => ({ sections: await repo.sectionsWithCounts() }));

  const openApi = openApiDocument(deps.siteName, deps.siteUrl);
  app.get('/api/openapi.json', async () => openApi);
}

/** OpenAPI 3.1, its schemas generated from the same zod schemas the API is written against. */
function openApiDocument(siteName: string, siteUrl: string) {
  const schema = (zodSchema: z.ZodType) => {
    const { $schema: _ignored, ...rest } = z.toJSONSchema(zodSchema) as Record<string, unknown>;
    return rest;
  };
  const errorSchema = {
    type: 'object',
    properties: { error: { type: 'object', properties: { code: { type: 'string' }, message: { type: 'string' } } } },
  };
  const json = (ref: string) => ({ content: { 'application/json': { schema: { $ref: `#/components/schemas/${ref}` } } } });
  return {
    openapi: '3.1.0',
    info: { title: `${siteName} API`, version: '1.0.0', description: 'Published articles and sections, in Arabic.' },
    servers: [{ url: siteUrl }],
    paths: {
      '/api/articles': {
        get: {
          summary: 'Published articles, newest first',
          parameters: [
            { name: 'page', in: 'query', schema: { type: 'integer', minimum: 1, default: 1 } },
            { name: 'per_page', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 100, default: 20 } },
            { name: 'section', in: 'query', schema: { type: 'string' }, description: 'Section slug' },
          ],
          responses: { 200: { description: 'A page of articles', ...json('ArticleList') }, 404: { description: 'Unknown section', ...json('Error') } },
        },
      },
      '/api/articles/{slug}': {
        get: {
          summary: 'One published article',
          parameters: [{ name: 'slug', in: 'path', required: true, schema: { type: 'string' } }],
          responses: { 200: { description: 'The article', ...json('Article') }, 404: { description: 'No such article', ...json('Error') } },
        },
      },
      '/api/sections': {
        get: {
          summary: 'Sections with their article counts',
          responses: {
            200: {
              description: 'Sections',
              content: {
                'application/json': {
                  schema: { type: 'object', properties: { sections: { type: 'array', items: { $ref: '#/components/schemas/Section' } } } },
                },
              },
            },
          },
        },
      },
      '/api/search': {
        get: {
          summary: 'Search published articles (Arabic-aware)',
          parameters: [
            { name: 'q', in: 'query', schema: { type: 'string' }, description: 'Words, "phrase", -excluded, section:, tag:, from:, to:' },
            { name: 'page', in: 'query', schema: { type: 'integer', minimum: 1, default: 1 } },
            { name: 'per_page', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 50, default: 10 } },
          ],
          responses: { 200: { description: 'Ranked results with highlighted snippets and section facets' } },
        },
      },
    },
    components: {
      schemas: {
        Article: schema(articleResponse),
        ArticleList: schema(articleListResponse),
        Section: schema(sectionResponse),
        Error: errorSchema,
      },
    },
  };
}
