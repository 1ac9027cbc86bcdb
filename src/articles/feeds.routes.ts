import type { FastifyInstance, FastifyReply } from 'fastify';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { Database } from '../db/schema.ts';
import { notFound } from '../lib/errors.ts';
import { getSiteIdentity } from '../newsroom/site-settings.service.ts';
import { setLastModified } from '../web/conditional-get.ts';
import { articleRepository } from './article.repository.ts';
import { atomDocument, type FeedChannel, jsonFeedDocument, rssDocument, sitemapDocument, sitemapIndexDocument } from './feed-documents.ts';
import { articlePath, sectionPath } from './slug.ts';

const FEED_SIZE = 50;
/** The sitemap protocol allows 50,000 URLs per file. */
const SITEMAP_LIMIT = 50_000;

const slugParams = z.object({ slug: z.string().min(1).max(300) });
const ARTICLE_SITEMAP = /^articles-([1-9]\d{0,5})\.xml$/;

/** Feeds out (RSS, Atom, JSON Feed for the site and each section) and the sitemap. */
export function feedRoutes(app: FastifyInstance, deps: { db: Kysely<Database>; siteName: string; siteUrl: string }) {
  const repo = articleRepository(deps.db);
  // Feeds carry the site's name and description as an admin set them in /admin/settings.
  const identity = () => getSiteIdentity(deps.db, { siteName: deps.siteName });
  /** The site's feed, Last-Modified set: its newest article's change or the settings', whichever is later. */
  const siteChannel = async (feedPath: string, reply: FastifyReply): Promise<FeedChannel> => {
    const [site, items] = await Promise.all([identity(), repo.listPublished({ limit: FEED_SIZE })]);
    setLastModified(reply, items, site.changedAt);
    return {
      title: site.siteName,
      publisher: site.siteName,
      description: site.description,
      pageUrl: `${deps.siteUrl}/`,
      feedUrl: `${deps.siteUrl}${feedPath}`,
      siteUrl: deps.siteUrl,
      items,
    };
  };

  app.get('/feed.xml', async (_request, reply) => {
    const channel = await siteChannel('/feed.xml', reply);
    return reply.type('application/rss+xml; charset=utf-8').send(rssDocument(channel));
  });
  app.get('/atom.xml', async (_request, reply) => {
    const channel = await siteChannel('/atom.xml', reply);
    return reply.type('application/atom+xml; charset=utf-8').send(atomDocument(channel));
  });
  app.get('/feed.json', async (_request, reply) => {
    const channel = await siteChannel('/feed.json', reply);
    return reply.type('application/feed+json; charset=utf-8').send(JSON.stringify(jsonFeedDocument(channel)));
  });

  app.get('/section/:slug/feed.xml', async (request, reply) => {
    const { slug } = slugParams.parse(request.params);
    const section = await repo.findSectionBySlug(slug);
    if (!section) throw notFound(`section "${slug}"`);
    const [site, items] = await Promise.all([identity(), repo.listPublished({ sectionId: section.id, limit: FEED_SIZE })]);
    setLastModified(reply, items, site.changedAt);
    const document = rssDocument({
      title: `${section.name} — ${site.siteName}`,
      publisher: site.siteName,
      description: `آخر أخبار ${section.name} في ${site.siteName}`,
      pageUrl: `${deps.siteUrl}${sectionPath(section.slug)}`,
      feedUrl: `${deps.siteUrl}${sectionPath(section.slug)}/feed.xml`,
      siteUrl: deps.siteUrl,
      items,
    });
    return reply.type('application/rss+xml; charset=utf-8').send(document);
  });

  // One sitemap while everything fits in a file; past that, an index of the pages file and the article files.
  app.get('/sitemap.xml', async (_request, reply) => {
    const [sections, total] = await Promise.all([repo.listSections(), repo.countPublished()]);
    const pages = pageEntries(sections);
    reply.type('application/xml; charset=utf-8');
    if (pages.length + total > SITEMAP_LIMIT) {
      const files = Array.from({ length: Math.ceil(total / SITEMAP_LIMIT) }, (_, i) => `/sitemaps/articles-${i + 1}.xml`);
      return sitemapIndexDocument(deps.siteUrl, ['/sitemaps/pages.xml', ...files]);
    }
    const articles = await repo.listPublishedSlugs({ limit: SITEMAP_LIMIT, offset: 0 });
    setLastModified(reply, articles);
    return sitemapDocument(deps.siteUrl, [...pages, ...articles.map(articleEntry)]);
  });

  app.get('/sitemaps/pages.xml', async (_request, reply) => {
    const sections = await repo.listSections();
    reply.type('application/xml; charset=utf-8');
    return sitemapDocument(deps.siteUrl, pageEntries(sections));
  });

  app.get('/sitemaps/:file', async (request, reply) => {
    const { file } = z.object({ file: z.string() }).parse(request.params);
    const number = ARTICLE_SITEMAP.exec(file)?.[1];
    if (!number) throw notFound(`sitemap ${file}`);
    const articles = await repo.listPublishedSlugs({ limit: SITEMAP_LIMIT, offset: (Number(number) - 1) * SITEMAP_LIMIT });
    if (articles.length === 0) throw notFound(`sitemap ${file}`);
    setLastModified(reply, articles);
    return reply.type('application/xml; charset=utf-8').send(sitemapDocument(deps.siteUrl, articles.map(articleEntry)));
  });
}

const pageEntries = (sections: { slug: string }[]) => [{ path: '/' }, ...sections.map((section) => ({ path: sectionPath(section.slug) }))];
const articleEntry = (article: { slug: string; updated_at: string }) => ({ path: articlePath(article.slug), lastModified: article.updated_at });
