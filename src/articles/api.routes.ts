import type { FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { Database } from '../db/schema.ts';
import { notFound } from '../lib/errors.ts';
import { setLastModified } from '../web/conditional-get.ts';
import { articleRepository } from './article.repository.ts';
import { presentArticle } from './article.presenter.ts';
import { articleListQuery, openApiDocument } from './openapi.ts';

const slugParams = z.object({ slug: z.string().min(1).max(300) });

/** The JSON API: articles, one article, sections, and the OpenAPI document describing them. */
export function apiRoutes(app: FastifyInstance, deps: { db: Kysely<Database>; siteName: string; siteUrl: string }) {
  const repo = articleRepository(deps.db);

  app.get('/api/articles', async (request, reply) => {
    const { page, per_page, section: sectionSlug } = articleListQuery.parse(request.query);
    const section = sectionSlug ? await repo.findSectionBySlug(sectionSlug) : undefined;
    if (sectionSlug && !section) throw notFound(`section "${sectionSlug}"`);
    const [total, rows] = await Promise.all([
      repo.countPublished(section?.id),
      repo.listPublished({ sectionId: section?.id, limit: per_page, offset: (page - 1) * per_page }),
    ]);
    const relations = await repo.relationsOfMany(rows.map((row) => row.id));
    setLastModified(reply, rows);
    return { page, per_page, total, articles: rows.map((row) => presentArticle(row, relations.get(row.id)!)) };
  });

  app.get('/api/articles/:slug', async (request, reply) => {
    const { slug } = slugParams.parse(request.params);
    const row = await repo.findPublishedBySlug(slug);
    if (!row) throw notFound(`article "${slug}"`);
    setLastModified(reply, [row]);
    return presentArticle(row, await repo.relationsOf(row.id));
  });

  app.get('/api/sections', async () => ({ sections: await repo.sectionsWithCounts() }));

  const openApi = openApiDocument(deps.siteName, deps.siteUrl);
  app.get('/api/openapi.json', async () => openApi);
}
