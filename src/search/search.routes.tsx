import type { FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { Database } from '../db/schema.ts';
import { renderDocument } from '../web/layout.tsx';
import { presentationOf } from '../web/presentation.tsx';
import { searchArticles } from './search.service.ts';
import { SearchPage } from './search.views.tsx';
import { loadSiteChrome } from '../web/site-chrome.ts';

/** Queries longer than this are not searches; they are cut rather than refused so the reader still gets results. */
const MAX_QUERY_LENGTH = 500;

export const searchQuerySchema = z.object({
  q: z.string().default('').transform((text) => text.slice(0, MAX_QUERY_LENGTH).trim()),
  page: z.coerce.number().int().min(1).max(1000).catch(1),
  per_page: z.coerce.number().int().min(1).max(50).catch(10),
});

/** The search page (/search?q=) and its JSON twin (/api/search?q=). */
export function searchRoutes(app: FastifyInstance, deps: { db: Kysely<Database>; siteName: string }) {
  app.get('/search', async (request, reply) => {
    const { q, page } = searchQuerySchema.parse(request.query);
    const [site, results] = await Promise.all([
      loadSiteChrome(deps.db, deps.siteName),
      q ? searchArticles(deps.db, q, { page }) : Promise.resolve(null),
    ]);
    reply.type('text/html; charset=utf-8');
    return renderDocument(<SearchPage site={site} text={q} results={results} />, presentationOf(request));
  });

  app.get('/api/search', async (request) => {
    const { q, page, per_page } = searchQuerySchema.parse(request.query);
    const results = await searchArticles(deps.db, q, { page, perPage: per_page });
    return {
      query: q,
      total: results.total,
      // false: more than `total` articles match (the count stops there), and the section counts are lower bounds.
      total_exact: results.totalExact,
      page: results.page,
      per_page: results.perPage,
      sections: results.sections,
      results: results.hits.map((hit) => ({
        slug: hit.slug,
        title: hit.title,
        title_highlighted: hit.titleSegments,
        snippet: hit.snippet,
        section: hit.section,
        published_at: hit.publishedAt,
      })),
    };
  });
}
