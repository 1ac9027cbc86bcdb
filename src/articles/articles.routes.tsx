import type { FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { Database } from '../db/schema.ts';
import { renderDocument, type SiteChrome } from '../web/layout.tsx';
import { articleRepository } from './article.repository.ts';
import { ArticlePage, HomePage, SectionPage } from './articles.views.tsx';
import { notFound } from '../lib/errors.ts';
import { httpDate } from '../web/conditional-get.ts';
import { articlePath } from './slug.ts';

const PAGE_SIZE = 20;
const pageQuery = z.object({ page: z.coerce.number().int().min(1).max(10_000).default(1) });
const slugParams = z.object({ slug: z.string().min(1).max(300) });

/** Reader pages: home, sections, articles. */
export function articleRoutes(app: FastifyInstance, deps: { db: Kysely<Database>; siteName: string; siteUrl: string }) {
  const repo = articleRepository(deps.db);
  const siteChrome = async (): Promise<SiteChrome> => ({
    siteName: deps.siteName,
    sections: (await repo.listSections()).map(({ slug, name }) => ({ slug, name })),
  });

  app.get('/', async (_request, reply) => {
    const sections = await repo.listSections();
    const site = { siteName: deps.siteName, sections };
    const latest = await repo.listPublished({ limit: 6 });
    const bySection = await Promise.all(
      sections.map(async (section) => ({
        section,
        articles: await repo.listPublished({ sectionId: section.id, limit: 4 }),
      })),
    );
    reply.type('text/html; charset=utf-8');
    return renderDocument(<HomePage site={site} latest={latest} bySection={bySection.filter((s) => s.articles.length)} />);
  });

  app.get('/section/:slug', async (request, reply) => {
    const { slug } = slugParams.parse(request.params);
    const { page } = pageQuery.parse(request.query);
    const [site, section] = await Promise.all([siteChrome(), repo.findSectionBySlug(slug)]);
    if (!section) throw notFound(`section "${slug}"`);
    reply.type('text/html; charset=utf-8');
    const total = await repo.countPublished(section.id);
    const articles = await repo.listPublished({ sectionId: section.id, limit: PAGE_SIZE, offset: (page - 1) * PAGE_SIZE });
    const pageCount = Math.max(1, Math.ceil(total / PAGE_SIZE));
    return renderDocument(<SectionPage site={site} section={section} articles={articles} page={page} pageCount={pageCount} />);
  });

  app.get('/article/:slug', async (request, reply) => {
    const { slug } = slugParams.parse(request.params);
    const [site, row] = await Promise.all([siteChrome(), repo.findPublishedBySlug(slug)]);
    if (!row) throw notFound(`article "${slug}"`);
    const relations = await repo.relationsOf(row.id);
    reply.type('text/html; charset=utf-8');
    reply.header('last-modified', httpDate(row.updated_at));
    const article = {
      slug: row.slug,
      title: row.title,
      subtitle: row.subtitle,
      paragraphs: JSON.parse(row.paragraphs) as string[],
      publishedAt: row.published_at,
      updatedAt: row.updated_at,
      section: row.section_slug && row.section_name ? { slug: row.section_slug, name: row.section_name } : null,
      sourceName: row.source_name,
      sourceUrl: row.source_url,
      relations,
    };
    return renderDocument(<ArticlePage site={site} article={article} url={`${deps.siteUrl}${articlePath(row.slug)}`} />);
  });
}
