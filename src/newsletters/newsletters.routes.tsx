import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { requireReader } from '../accounts/guards.ts';
import { timingSafeEqual } from 'node:crypto';
import type { NewsletterConfig } from '../config.ts';
import { invalidInput, isSahifaError, notFound } from '../lib/errors.ts';
import { processInboundMail } from './inbound-mail.ts';
import { renderDocument, type SiteChrome } from '../web/layout.tsx';
import { presentationOf } from '../web/presentation.tsx';
import { UNSUBSCRIBE_PLACEHOLDER } from './issue-email.ts';
import { newsletterRepository } from './newsletter.repository.ts';
import {
  accountNewsletters,
  accountTimeZone,
  confirmSubscription,
  describeUnsubscribeToken,
  type NewsletterDeps,
  requestSubscription,
  setAccountTimeZone,
  subscribeAccount,
  unsubscribeAccount,
  unsubscribeWithToken,
} from './newsletters.service.ts';
import { CheckInboxPage, ConfirmedPage, ConfirmPage, LinkInvalidPage, NewslettersPage, UnsubscribePage } from './newsletters.views.tsx';
import { sendRepository } from './send.repository.ts';
import { loadSiteChrome } from '../web/site-chrome.ts';

export interface NewsletterRouteDeps extends Omit<NewsletterDeps, 'secret'> {
  /** The site's zone, for readers who chose none. */
  settings: Pick<NewsletterConfig, 'timeZone'>;
  /** The HMAC key, loaded from the database on first use (the app may start before the database is migrated). */
  secret: () => Promise<string>;
  /** Enables POST /newsletters/inbound for the mail server holding this bearer token. */
  inboundToken?: string;
}

const tokenParams = z.object({ token: z.string().min(1).max(200) });
const slugParams = z.object({ slug: z.string().regex(/^[a-z0-9-]{1,60}$/) });
const sendParams = z.object({ sendId: z.string().uuid() });
const signupBody = z.object({
  email: z.string().max(320).default(''),
  newsletter: z.union([z.string(), z.array(z.string())]).optional(),
});
const timeZoneBody = z.object({ timeZone: z.string().trim().max(100).default('') });
/** Where to go back to after a form: a path on this site only. */
const nextField = z.object({ next: z.string().regex(/^\/(?!\/)[^\s]*$/).max(500).optional() });

/** The path of a Referer on this site, or null (another site, or none). */
function sameSitePath(referer: string | undefined, siteUrl: string): string | null {
  if (!referer) return null;
  try {
    const url = new URL(referer);
    return url.origin === new URL(siteUrl).origin ? `${url.pathname}${url.search}` : null;
  } catch {
    return null;
  }
}

// The web view is the email's own HTML: inline styles, no scripts, framed by nothing but us.
const WEB_VIEW_POLICY = "default-src 'none'; style-src 'unsafe-inline'; img-src https: data:; frame-ancestors 'none'; form-action 'none'; base-uri 'none'";

/**
 * Public newsletter pages (`/newsletters`, signup, confirmation, unsubscribe, web view), the JSON list, and the
 * signed-in reader's subscribe/unsubscribe buttons. Handlers validate and call newsletters.service.
 */
export function newsletterRoutes(app: FastifyInstance, deps: NewsletterRouteDeps) {
  const site = (): Promise<SiteChrome> => loadSiteChrome(deps.db, deps.siteName);
  const html = (reply: FastifyReply, status: number, page: preact.VNode) =>
    reply.code(status).type('text/html; charset=utf-8').header('cache-control', 'no-store').send(renderDocument(page, presentationOf(reply.request)));
  const withSecret = async (): Promise<NewsletterDeps> => ({ ...deps, secret: await deps.secret() });

  const listPage = async (
    request: FastifyRequest,
    reply: FastifyReply,
    status = 200,
    form: { error?: string; email?: string; chosen?: string[]; timeZoneError?: boolean; typedTimeZone?: string } = {},
  ) => {
    const newsletters = await newsletterRepository(deps.db).listNewsletters('active');
    const reader = request.reader;
    const account = reader
      ? {
          email: reader.email,
          states: await accountNewsletters(deps.db, reader.id),
          timeZone: form.typedTimeZone ?? (await accountTimeZone(deps.db, reader.id)),
          siteTimeZone: deps.settings.timeZone,
          ...(form.timeZoneError ? { timeZoneError: form.timeZoneError } : {}),
          saved: (request.query as Record<string, string | undefined>).saved === 'time-zone',
        }
      : undefined;
    return html(reply, status, <NewslettersPage site={await site()} newsletters={newsletters} csrfToken={request.csrfToken()} {...(account ? { account } : {})} {...form} />);
  };

  app.get('/newsletters', (request, reply) => listPage(request, reply));

  app.post('/newsletters/subscribe', async (request, reply) => {
    const body = signupBody.parse(request.body ?? {});
    const chosen = body.newsletter === undefined ? [] : Array.isArray(body.newsletter) ? body.newsletter : [body.newsletter];
    try {
      await requestSubscription(await withSecret(), { email: body.email, newsletters: chosen });
    } catch (error) {
      if (!isSahifaError(error, 'INVALID_INPUT')) throw error;
      const { text } = presentationOf(request);
      const message = error.message.startsWith('email') ? text.invalidEmail : text.chooseOneNewsletter;
      return listPage(request, reply, 400, { error: message, email: body.email, chosen });
    }
    return html(reply, 200, <CheckInboxPage site={await site()} />);
  });

  app.get('/newsletters/confirm/:token', async (request, reply) => {
    const { token } = tokenParams.parse(request.params);
    return html(reply, 200, <ConfirmPage site={await site()} token={token} csrfToken={request.csrfToken()} />);
  });

  app.post('/newsletters/confirm/:token', async (request, reply) => {
    const { token } = tokenParams.parse(request.params);
    try {
      const confirmed = await confirmSubscription(deps.db, token);
      return html(reply, 200, <ConfirmedPage site={await site()} newsletters={confirmed} />);
    } catch (error) {
      if (!isSahifaError(error, 'NOT_FOUND')) throw error;
      return html(reply, 404, <LinkInvalidPage site={await site()} what="confirm" />);
    }
  });

  app.get('/unsubscribe/:token', async (request, reply) => {
    const { token } = tokenParams.parse(request.params);
    try {
      const { newsletter, email, subscribed } = await describeUnsubscribeToken(await withSecret(), token);
      return html(reply, 200, <UnsubscribePage site={await site()} newsletter={newsletter} email={email} token={token} done={!subscribed} />);
    } catch (error) {
      if (!isSahifaError(error, 'NOT_FOUND')) throw error;
      return html(reply, 404, <LinkInvalidPage site={await site()} what="unsubscribe" />);
    }
  });

  // RFC 8058 one-click: mail programs POST `List-Unsubscribe=One-Click` with no cookie and no CSRF token; the
  // token's HMAC is the proof. The page's own button posts here too. Never acts on the session's reader.
  app.post('/unsubscribe/:token', { config: { csrf: false } }, async (request, reply) => {
    const { token } = tokenParams.parse(request.params);
    const body = request.body as Record<string, unknown> | undefined;
    const oneClick = body?.['List-Unsubscribe'] === 'One-Click';
    try {
      await unsubscribeWithToken(await withSecret(), token, oneClick ? 'one_click' : 'page');
      const { newsletter, email } = await describeUnsubscribeToken(await withSecret(), token);
      return html(reply, 200, <UnsubscribePage site={await site()} newsletter={newsletter} email={email} token={token} done />);
    } catch (error) {
      if (!isSahifaError(error, 'NOT_FOUND')) throw error;
      return html(reply, 404, <LinkInvalidPage site={await site()} what="unsubscribe" />);
    }
  });

  app.get('/newsletters/view/:sendId', async (request, reply) => {
    const { sendId } = sendParams.parse(request.params);
    const send = await sendRepository(deps.db).findSend(sendId);
    // Only issues that went out: drafts are for editors' previews.
    if (!send?.html || (send.status !== 'sending' && send.status !== 'sent')) throw notFound('newsletter issue');
    // The web view is shared: it carries nobody's unsubscribe link, only the page to manage newsletters.
    return reply
      .type('text/html; charset=utf-8')
      .header('content-security-policy', WEB_VIEW_POLICY)
      .header('cache-control', 'public, max-age=300')
      .send(send.html.split(UNSUBSCRIBE_PLACEHOLDER).join(`${deps.siteUrl}/newsletters`));
  });

  app.get('/api/newsletters', async () => {
    const newsletters = await newsletterRepository(deps.db).listNewsletters('active');
    return {
      newsletters: newsletters.map((newsletter) => ({
        slug: newsletter.slug,
        name: newsletter.name,
        description: newsletter.description,
        cadence: newsletter.cadence,
        sendTime: newsletter.send_time,
        sendWeekday: newsletter.send_weekday,
        timeZone: newsletter.time_zone,
        perReaderTime: newsletter.per_reader_time === 1,
      })),
    };
  });

  // The signed-in reader's own switches (the /newsletters page, the reader prompt's one-click button).
  app.post('/account/newsletters/:slug/subscribe', { preHandler: requireReader() }, async (request, reply) => {
    const { slug } = slugParams.parse(request.params);
    const { next } = nextField.parse(request.body ?? {});
    const reader = request.reader!;
    await subscribeAccount(deps.db, { userId: reader.id, email: reader.email }, slug, next === '/newsletters' ? 'account' : 'prompt');
    // The prompt's one-click form has no `next`: back to the page it was on.
    return reply.redirect(next ?? sameSitePath(request.headers.referer, deps.siteUrl) ?? '/newsletters', 303);
  });

  // The reader's own zone for daily and weekly newsletters that go out at the reader's local time.
  app.post('/account/newsletters/time-zone', { preHandler: requireReader() }, async (request, reply) => {
    const { timeZone } = timeZoneBody.parse(request.body ?? {});
    const reader = request.reader!;
    try {
      await setAccountTimeZone(deps.db, { userId: reader.id, email: reader.email }, timeZone || null);
    } catch (error) {
      if (!isSahifaError(error, 'INVALID_INPUT')) throw error;
      return listPage(request, reply, 400, { timeZoneError: true, typedTimeZone: timeZone });
    }
    return reply.redirect('/newsletters?saved=time-zone', 303);
  });

  app.post('/account/newsletters/:slug/unsubscribe', { preHandler: requireReader() }, async (request, reply) => {
    const { slug } = slugParams.parse(request.params);
    const { next } = nextField.parse(request.body ?? {});
    await unsubscribeAccount(deps.db, request.reader!.id, slug);
    return reply.redirect(next ?? sameSitePath(request.headers.referer, deps.siteUrl) ?? '/newsletters', 303);
  });

  // Bounces, complaints and mailto unsubscribes, piped by the mail server as raw messages (message/rfc822).
  if (deps.inboundToken) {
    const expected = Buffer.from(`Bearer ${deps.inboundToken}`);
    app.register(async (inbound) => {
      inbound.addContentTypeParser(['message/rfc822', 'text/plain', 'application/octet-stream'], { parseAs: 'buffer', bodyLimit: 10 * 1024 * 1024 }, (_request, body, done) => done(null, body));
      inbound.post('/newsletters/inbound', { config: { csrf: false } }, async (request, reply) => {
        const given = Buffer.from(request.headers.authorization ?? '');
        if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
          return reply.code(401).send({ error: { code: 'UNAUTHORIZED', message: 'a valid bearer token is required' } });
        }
        if (!Buffer.isBuffer(request.body) || request.body.length === 0) throw invalidInput('body: a raw email message (message/rfc822) is required');
        return processInboundMail({ db: deps.db, secret: await deps.secret() }, request.body);
      });
    });
  }
}
