import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';
import { ZodError } from 'zod';
import type { Database } from '../db/schema.ts';
import { isSahifaError } from '../lib/errors.ts';
import { Layout, renderDocument, type SiteChrome } from './layout.tsx';
import { presentationOf, usePresentation } from './presentation.tsx';
import { loadSiteChrome } from './site-chrome.ts';

/** Seconds a client should wait before retrying a 503; the app reconnects to the database by itself within that. */
const RETRY_AFTER_SECONDS = 5;

function ErrorPage({ site, status }: { site: SiteChrome; status: number }) {
  const { text } = usePresentation();
  const page = text.errors[status] ?? text.errors[500]!;
  return (
    <Layout site={site} title={page.title}>
      <h1>{page.title}</h1>
      <p>{page.text}</p>
      <p>
        <a href="/">{text.backHome}</a> · <a href="/search">{text.searchArchive}</a>
      </p>
    </Layout>
  );
}

/**
 * Errors become pages in the reader's language and `{ error: { code, message } }` for the JSON API. Unknown errors are
 * logged and shown as a generic 500 that reveals nothing of the cause.
 */
export function errorPages(app: FastifyInstance, deps: { db: Kysely<Database>; siteName: string }) {
  const respond = async (request: FastifyRequest, reply: FastifyReply, status: number, code: string, message: string) => {
    reply.code(status);
    if (status === 503) reply.header('retry-after', String(RETRY_AFTER_SECONDS));
    if (request.url.startsWith('/api/')) return reply.send({ error: { code, message } });
    // Best effort: the site's name and sections make the page familiar, but an error page must render even when the
    // database is down (the configured name, no sections).
    const site = status >= 500 ? { siteName: deps.siteName, sections: [] } : await loadSiteChrome(deps.db, deps.siteName).catch(() => ({ siteName: deps.siteName, sections: [] }));
    return reply.type('text/html; charset=utf-8').send(renderDocument(<ErrorPage site={site} status={status} />, presentationOf(request)));
  };

  app.setNotFoundHandler((request, reply) => respond(request, reply, 404, 'NOT_FOUND', `${request.url} not found`));

  app.setErrorHandler((error, request, reply) => {
    if (error instanceof ZodError) {
      const problems = error.issues.map((issue) => `${issue.path.join('.') || 'input'}: ${issue.message}`).join('; ');
      return respond(request, reply, 400, 'INVALID_INPUT', problems);
    }
    if (isSahifaError(error)) {
      if (error.report) request.log.error(error);
      return respond(request, reply, error.status, error.code, error.message);
    }
    const status = (error as { statusCode?: number }).statusCode;
    if (status && status >= 400 && status < 500) return respond(request, reply, status, 'BAD_REQUEST', (error as Error).message);
    request.log.error(error);
    return respond(request, reply, 500, 'INTERNAL', 'internal error');
  });
}
