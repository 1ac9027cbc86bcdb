import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import { requireReader } from '../accounts/guards.ts';
import { articlePath } from '../articles/slug.ts';
import type { Database } from '../db/schema.ts';
import { renderDocument } from '../web/layout.tsx';
import { presentationFor, presentationOf } from '../web/presentation.tsx';
import { getSiteIdentity } from '../newsroom/site-settings.service.ts';
import { exportSaved, listSaved, saveArticle, unsaveArticle } from './saved.service.ts';
import { SavedExportDocument, SavedPage } from './saved.views.tsx';
import { loadSiteChrome, loadSiteName } from '../web/site-chrome.ts';

const PAGE_SIZE = 20;
const slugField = z.string().min(1).max(300);
/** Where a form sends the reader back: a path on this site only, never another origin. */
export const nextPath = z
  .string()
  .max(2000)
  .regex(/^\/(?![/\\])/, 'next must be a path on this site')
  .optional();
const saveForm = z.object({ slug: slugField, next: nextPath });
const listQuery = z.object({
  page: z.coerce.number().int().min(1).max(10_000).default(1),
  per_page: z.coerce.number().int().min(1).max(100).default(PAGE_SIZE),
  section: z.string().max(300).optional().transform((value) => value || undefined),
  q: z.string().max(200).default(''),
});

/** A form submitted by /assets/reader.js asks for JSON; without JavaScript the reader is sent back where they were. */
function wantsJson(request: FastifyRequest) {
  return (request.headers.accept ?? '').includes('application/json');
}

function back(reply: FastifyReply, next: string | undefined, fallback: string) {
  return reply.redirect(next ?? fallback, 303);
}

/** Saved articles: the page, the form posts, the exports and the JSON API. */
export function savedRoutes(app: FastifyInstance, deps: { db: Kysely<Database>; siteName: string; siteUrl: string }) {
  const reader = { preHandler: requireReader() };
  const readerId = (request: FastifyRequest) => request.reader!.id;

  app.get('/saved', reader, async (request, reply) => {
    const { page, section, q } = listQuery.parse(request.query);
    const [site, list] = await Promise.all([
      loadSiteChrome(deps.db, deps.siteName),
      listSaved(deps.db, readerId(request), { section, q, limit: PAGE_SIZE, offset: (page - 1) * PAGE_SIZE }),
    ]);
    const pageCount = Math.max(1, Math.ceil(list.total / PAGE_SIZE));
    reply.type('text/html; charset=utf-8');
    return renderDocument(
      <SavedPage
        site={site}
        list={list}
        section={section ?? null}
        q={q}
        page={page}
        pageCount={pageCount}
        csrfToken={request.csrfToken()}
      />,
      presentationOf(request),
    );
  });

  app.post('/saved', reader, async (request, reply) => {
    const { slug, next } = saveForm.parse(request.body);
    await saveArticle(deps.db, readerId(request), slug);
    return wantsJson(request) ? { slug, saved: true } : back(reply, next, articlePath(slug));
  });

  app.post('/saved/remove', reader, async (request, reply) => {
    const { slug, next } = saveForm.parse(request.body);
    await unsaveArticle(deps.db, readerId(request), slug);
    return wantsJson(request) ? { slug, saved: false } : back(reply, next, '/saved');
  });

  app.get('/saved/export.json', reader, async (request, reply) => {
    const articles = await exportSaved(deps.db, readerId(request), deps.siteUrl);
    reply.header('content-disposition', 'attachment; filename="saved-articles.json"');
    return { site: await loadSiteName(deps.db, deps.siteName), exported_at: new Date().toISOString(), articles };
  });

  app.get('/saved/export.html', reader, async (request, reply) => {
    const items = await exportSaved(deps.db, readerId(request), deps.siteUrl);
    reply.header('content-disposition', 'attachment; filename="saved-articles.html"');
    reply.type('text/html; charset=utf-8');
    const site = await getSiteIdentity(deps.db, { siteName: deps.siteName });
    // Saved on the site's calendar day, as every date the site shows (the file is read offline, with no layout).
    const presentation = presentationFor(request.reader?.preferences, site.timeZone);
    return renderDocument(<SavedExportDocument siteName={site.siteName} items={items} />, presentation);
  });

  app.get('/api/saved', reader, async (request) => {
    const { page, per_page, section, q } = listQuery.parse(request.query);
    const list = await listSaved(deps.db, readerId(request), { section, q, limit: per_page, offset: (page - 1) * per_page });
    return {
      page,
      per_page,
      total: list.total,
      articles: list.items.map((item) => ({
        slug: item.slug,
        title: item.title,
        url: `${deps.siteUrl}${articlePath(item.slug)}`,
        section: item.section_slug && item.section_name ? { slug: item.section_slug, name: item.section_name } : null,
        published_at: item.published_at,
        saved_at: item.saved_at,
        paragraph: item.paragraph,
      })),
    };
  });

  app.post('/api/saved', reader, async (request, reply) => {
    const { slug } = z.object({ slug: slugField }).parse(request.body);
    await saveArticle(deps.db, readerId(request), slug);
    return reply.code(201).send({ slug, saved: true });
  });

  app.delete('/api/saved/:slug', reader, async (request, reply) => {
    const { slug } = z.object({ slug: slugField }).parse(request.params);
    await unsaveArticle(deps.db, readerId(request), slug);
    return reply.code(204).send();
  });
}
