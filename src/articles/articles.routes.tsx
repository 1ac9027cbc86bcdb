import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { Database } from '../db/schema.ts';
import { renderDocument } from '../web/layout.tsx';
import { type Presentation, presentationOf } from '../web/presentation.tsx';
import { articleRepository } from './article.repository.ts';
import { pageCacheRepository } from './page-cache.repository.ts';
import { ArticlePage, HomePage, LinkedArticlesPage, SectionPage } from './articles.views.tsx';
import { notFound } from '../lib/errors.ts';
import { setLastModified } from '../web/conditional-get.ts';
import { articlePath, authorPath, sectionPath, tagPath } from './slug.ts';
import { articleContext } from '../understanding/reading.service.ts';
import { loadSiteChrome } from '../web/site-chrome.ts';
import { collapseStories, loadStoryMap } from '../understanding/story-cards.ts';

const PAGE_SIZE = 20;
const LATEST_SIZE = 7;
const PER_SECTION = 4;
const pageQuery = z.object({ page: z.coerce.number().int().min(1).max(10_000).default(1) });
const slugParams = z.object({ slug: z.string().min(1).max(300) });

/** Reader pages: home, sections, tags, authors, articles. */
export function articleRoutes(app: FastifyInstance, deps: { db: Kysely<Database>; siteName: string; siteUrl: string }) {
  const repo = articleRepository(deps.db);
  const pageCache = pageCacheRepository(deps.db);

  /**
   * Reader pages are the same for every reader with the same preferences (per-reader parts are reader slots,
   * filled on the way out), so they are served from the page cache while current, and rendered and stored
   * otherwise. Each preference variant is its own entry: a page written in one reader's language, digits and
   * calendars is never served to a reader with others. Anonymous readers share the default entry, keyed by path.
   */
  async function fromPageCache(path: string, request: FastifyRequest, reply: FastifyReply, render: (presentation: Presentation) => Promise<string>): Promise<string> {
    const presentation = presentationOf(request);
    const key = presentation.variant ? `${path}#${presentation.variant}` : path;
    const cached = await pageCache.lookup(key);
    reply.type('text/html; charset=utf-8');
    if (cached.page) {
      if (cached.page.lastModified) reply.header('last-modified', cached.page.lastModified);
      return cached.page.html;
    }
    const html = await render(presentation);
    const lastModified = reply.getHeader('last-modified');
    await pageCache.store(key, cached.generation, { html, lastModified: lastModified ? String(lastModified) : '' });
    return html;
  }

  app.get('/', (request, reply) => fromPageCache('/', request, reply, async (presentation) => {
    // More rows than cards: several of the newest articles may report one story and become one card.
    const [site, recent] = await Promise.all([loadSiteChrome(deps.db, deps.siteName), repo.listPublished({ limit: LATEST_SIZE * 3 })]);
    const sections = site.sections;
    const latest = collapseStories(recent, await loadStoryMap(deps.db, recent.map((item) => item.id))).slice(0, LATEST_SIZE);
    const shownIds = latest.flatMap((card) => [card.item.id, ...card.alsoFrom.map((other) => other.id)]);
    // Sections show what the latest list does not, so no headline and no story appears twice on the page.
    const rest = await repo.latestPerSection(sections.map((section) => section.id), PER_SECTION * 3, shownIds);
    const stories = await loadStoryMap(deps.db, rest.map((item) => item.id));
    const shownStories = new Set(latest.flatMap((card) => (card.storyId ? [card.storyId] : [])));
    const bySection = sections
      .map((section) => {
        const cards = collapseStories(rest.filter((item) => item.section_slug === section.slug), stories, shownStories).slice(0, PER_SECTION);
        for (const card of cards) if (card.storyId) shownStories.add(card.storyId);
        return { section, cards };
      })
      .filter(({ cards }) => cards.length > 0);
    setLastModified(reply, [...recent, ...rest], site.changedAt);
    return renderDocument(<HomePage site={site} latest={latest} bySection={bySection} url={`${deps.siteUrl}/`} />, presentation);
  }));

  app.get('/section/:slug', async (request, reply) => {
    const { slug } = slugParams.parse(request.params);
    const { page } = pageQuery.parse(request.query);
    return fromPageCache(`${sectionPath(slug)}${page > 1 ? `?page=${page}` : ''}`, request, reply, async (presentation) => {
      // The section comes out of the list the navigation needs anyway: one query fewer per page.
      const site = await loadSiteChrome(deps.db, deps.siteName);
      const section = site.sections.find((candidate) => candidate.slug === slug);
      if (!section) throw notFound(`section "${slug}"`);
      const [total, articles] = await Promise.all([
        repo.countPublished(section.id),
        repo.listPublished({ sectionId: section.id, limit: PAGE_SIZE, offset: (page - 1) * PAGE_SIZE }),
      ]);
      const pageCount = Math.max(1, Math.ceil(total / PAGE_SIZE));
      // A page past the last one does not exist; an empty section still has its first page.
      if (page > pageCount) throw notFound(`page ${page} of section "${slug}"`);
      setLastModified(reply, articles, site.changedAt);
      // Each article is on exactly one page, as a card or as an "also from" link of its story's card.
      const cards = collapseStories(articles, await loadStoryMap(deps.db, articles.map((item) => item.id)));
      const url = `${deps.siteUrl}${sectionPath(section.slug)}${page > 1 ? `?page=${page}` : ''}`;
      return renderDocument(
        <SectionPage site={site} section={section} cards={cards} page={page} pageCount={pageCount} url={url} />,
        presentation,
      );
    });
  });

  // A tag's or an author's articles, with the follow button: where readers follow what "لك" then brings them.
  for (const [kind, pathOf] of [
    ['tag', tagPath],
    ['author', authorPath],
  ] as const) {
    app.get(`/${kind}/:slug`, async (request, reply) => {
      const { slug } = slugParams.parse(request.params);
      const { page } = pageQuery.parse(request.query);
      return fromPageCache(`${pathOf(slug)}${page > 1 ? `?page=${page}` : ''}`, request, reply, async (presentation) => {
        const [site, target] = await Promise.all([
          loadSiteChrome(deps.db, deps.siteName),
          kind === 'tag' ? repo.findTagBySlug(slug) : repo.findAuthorBySlug(slug),
        ]);
        if (!target) throw notFound(`${kind} "${slug}"`);
        const link = { kind, id: target.id };
        const [total, articles] = await Promise.all([
          repo.countPublishedLinked(link),
          repo.listPublishedLinked(link, { limit: PAGE_SIZE, offset: (page - 1) * PAGE_SIZE }),
        ]);
        const pageCount = Math.max(1, Math.ceil(total / PAGE_SIZE));
        if (page > pageCount) throw notFound(`page ${page} of ${kind} "${slug}"`);
        setLastModified(reply, articles, site.changedAt);
        const cards = collapseStories(articles, await loadStoryMap(deps.db, articles.map((item) => item.id)));
        const url = `${deps.siteUrl}${pathOf(target.slug)}${page > 1 ? `?page=${page}` : ''}`;
        return renderDocument(
          <LinkedArticlesPage site={site} kind={kind} target={target} cards={cards} total={total} page={page} pageCount={pageCount} url={url} />,
          presentation,
        );
      });
    });
  }

  // Article pages are the most read: nearly every request is a page-cache hit.
  app.get('/article/:slug', async (request, reply) => {
    const { slug } = slugParams.parse(request.params);
    return fromPageCache(articlePath(slug), request, reply, async (presentation) => {
      const [site, row] = await Promise.all([loadSiteChrome(deps.db, deps.siteName), repo.findPublishedBySlug(slug)]);
      if (!row) throw notFound(`article "${slug}"`);
      const [relations, context] = await Promise.all([repo.relationsOf(row.id), articleContext(deps.db, row.id)]);
      setLastModified(reply, [row], site.changedAt);
      const article = {
        slug: row.slug,
        title: row.title,
        subtitle: row.subtitle,
        paragraphs: JSON.parse(row.paragraphs) as string[],
        bodyMarkdown: row.body_markdown,
        publishedAt: row.published_at,
        updatedAt: row.updated_at,
        section: row.section_slug && row.section_name ? { slug: row.section_slug, name: row.section_name } : null,
        sourceName: row.source_name,
        sourceUrl: row.source_url,
        relations,
      };
      return renderDocument(<ArticlePage site={site} article={article} context={context} url={`${deps.siteUrl}${articlePath(row.slug)}`} />, presentation);
    });
  });
}
