import type { FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import type { ComponentChildren } from 'preact';
import { z } from 'zod';
import type { Database } from '../db/schema.ts';
import { notFound } from '../lib/errors.ts';
import { renderDocument } from '../web/layout.tsx';
import { presentationOf } from '../web/presentation.tsx';
import { type EntityLink, entityPage, storyTimeline } from './reading.service.ts';
import { EntityPage, entityPath, StoryPage, storyPath } from './understanding.views.tsx';
import { loadSiteChrome } from '../web/site-chrome.ts';

const PAGE_SIZE = 20;
const slugParams = z.object({ slug: z.string().min(1).max(300) });
const storyParams = z.object({ id: z.string().min(1).max(100) });
const pageQuery = z.object({ page: z.coerce.number().int().min(1).max(10_000).default(1) });

export interface UnderstandingRouteDeps {
  db: Kysely<Database>;
  siteName: string;
  siteUrl: string;
  /** Controls another capability shows on an entity page, e.g. the feed's follow button. */
  entityActions?: (entity: EntityLink) => ComponentChildren;
}

/** Entity pages (/entity/:slug) and story timelines (/story/:id). */
export function understandingRoutes(app: FastifyInstance, deps: UnderstandingRouteDeps) {
  app.get('/entity/:slug', async (request, reply) => {
    const { slug } = slugParams.parse(request.params);
    const { page } = pageQuery.parse(request.query);
    const [site, data] = await Promise.all([loadSiteChrome(deps.db, deps.siteName), entityPage(deps.db, slug, page, PAGE_SIZE)]);
    if (!data) throw notFound(`entity "${slug}"`);
    if (page > 1 && data.articles.length === 0) throw notFound(`page ${page} of entity "${slug}"`);
    reply.type('text/html; charset=utf-8');
    const url = `${deps.siteUrl}${entityPath(data.entity.slug)}${page > 1 ? `?page=${page}` : ''}`;
    return renderDocument(
      <EntityPage site={site} data={data} page={page} pageSize={PAGE_SIZE} url={url} actions={deps.entityActions?.(data.entity)} />,
      presentationOf(request),
    );
  });

  app.get('/story/:id', async (request, reply) => {
    const { id } = storyParams.parse(request.params);
    const [site, timeline] = await Promise.all([loadSiteChrome(deps.db, deps.siteName), storyTimeline(deps.db, id)]);
    if (!timeline) throw notFound(`story "${id}"`);
    reply.type('text/html; charset=utf-8');
    return renderDocument(<StoryPage site={site} timeline={timeline} url={`${deps.siteUrl}${storyPath(id)}`} />, presentationOf(request));
  });
}
