import type { FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { Database } from '../db/schema.ts';
import { notFound } from '../lib/errors.ts';
import { articleRepository } from './article.repository.ts';
import { atomDocument, type FeedChannel, jsonFeedDocument, rssDocument, sitemapDocument } from './feed-documents.ts';
import { articlePath, sectionPath } from './slug.ts';

const FEED_SIZE = 50;
/** The sitemap protocol allows 50,000 URLs per file. */
const SITEMAP_LIMIT = 50_000;

/** Feeds out (RSS, Atom, JSON Feed for the site and each section) and the sitemap. */
export function feedRoutes(app: FastifyInstance, deps: { db: Kysely<Database>; siteName: string; siteUrl: string }) {
  const repo = articleRepository(deps.db);
  const siteChannel = async (feedPath: string): Promise<FeedChannel> => ({
    title: deps.siteName,
    pageUrl: `${deps.siteUrl}/`,
    feedUrl: `${deps.siteUrl}${feedPath}`,
    siteUrl: deps.siteUrl,
    items: await repo.listPublished({ limit: FEED_SIZE }),
  });

  app.get('/feed.xml', async (_request, reply) => {
    reply.type('application/rss+xml; charset=utf-8');
    return rssDocument(await siteChannel('/feed.xml'));
  });
  app.get('/atom.xml', async (_request, reply) => {
    reply.type('application/atom+xml; charset=utf-8');
    return atomDocument(await siteChannel('/atom.xml'));
  });
  app.get('/feed.json', async (_request, reply) => {
    reply.type('application/feed+json; charset=utf-8');
    return JSON.stringify(jsonFeedDocument(await siteChannel('/feed.json')));
  });

  app.get('/section/:slug/feed.xml', async (request, reply) => {
    const { slug } = z.object({ slug: z.string().min(1).max(300) }).parse(request.params);
    const section = await repo.findSectionBySlug(slug);
    if (!section) throw notFound(`section "${slug}"`);
    reply.type('application/rss+xml; charset=utf-8');
    return rssDocument({
      title: `${section.name} — ${deps.siteName}`,
      pageUrl: `${deps.siteUrl}${sectionPath(section.slug)}`,
      feedUrl: `${deps.siteUrl}${sectionPath(section.slug)}/feed.xml`,
      siteUrl: deps.siteUrl,
      items: await repo.listPublished({ sectionId: section.id, limit: FEED_SIZE }),
    });
  });

  app.get('/sitemap.xml', async (_request, reply) => {
    const [sections, articles] = await Promise.all([repo.listSections(), repo.listPublishedSlugs(SITEMAP_LIMIT)]);
    reply.type('application/xml; charset=utf-8');
    return sitemapDocument(deps.siteUrl, [
      { path: '/' },
      ...sections.map((section) => ({ path: sectionPath(section.slug) })),
      ...articles.map((article) => ({ path: articlePath(article.slug), lastModified: article.updated_at })),
    ]);
  });
}
