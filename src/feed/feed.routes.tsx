import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import { requireReader } from '../accounts/guards.ts';
import { articleRepository } from '../articles/article.repository.ts';
import type { Database } from '../db/schema.ts';
import { nextPath } from '../saved/saved.routes.tsx';
import { savedAmong } from '../saved/saved.service.ts';
import { renderDocument } from '../web/layout.tsx';
import { presentationFor, presentationOf } from '../web/presentation.tsx';
import { buildFeed, type FeedSettings } from './feed.service.ts';
import { FeedSettingsPage, ForYouPage, HistoryPage, OnboardingPage, reasonText } from './feed.views.tsx';
import { FEED_SIZE, feedQuery, type feedResponse, presentFeedArticle } from './feed.presenter.ts';
import {
  clearHistory,
  completeOnboarding,
  follow,
  mute,
  ONBOARDING_MINIMUM,
  onboardingTopics,
  readerSettings,
  readingHistory,
  resetLearning,
  setView,
  unfollow,
  unmute,
} from './follow.service.ts';
import type { PopularNow } from './popular-now.ts';
import type { FeatureSource } from './article-features.ts';
import type { ReadRecorder } from './read-recorder.ts';
import { FOLLOWABLE_KINDS, MUTABLE_KINDS } from './targets.ts';
import { loadSiteChrome } from '../web/site-chrome.ts';

const HISTORY_SIZE = 200;
const followForm = z.object({ kind: z.enum(FOLLOWABLE_KINDS), slug: z.string().min(1).max(300), next: nextPath });
const muteForm = z.object({ kind: z.enum(MUTABLE_KINDS), slug: z.string().min(1).max(300), mode: z.enum(['fewer', 'hide']).default('fewer') });
const unmuteForm = muteForm.pick({ kind: true, slug: true });
const topicValue = z.string().regex(/^(section|tag|author|entity):.+$/, 'a topic is kind:slug');
const onboardingForm = z.object({
  topic: z.union([topicValue, z.array(topicValue)]).optional(),
  skip: z.string().optional(),
});
const readingBody = z.object({
  slug: z.string().min(1).max(300),
  dwell_seconds: z.coerce.number().int().min(0).max(24 * 3600),
  paragraph: z.coerce.number().int().min(0).max(100_000).nullable().default(null),
});
const articleParams = z.object({ slug: z.string().min(1).max(300) });

export interface FeedRouteDeps {
  db: Kysely<Database>;
  siteName: string;
  siteUrl: string;
  recorder: ReadRecorder;
  popularNow: PopularNow;
  articleFeatures: FeatureSource;
  settings: FeedSettings;
}

/** "لك", follows, mutes, onboarding, feed settings, reading history, and the recording of reads. */
export function forYouRoutes(app: FastifyInstance, deps: FeedRouteDeps) {
  const signedIn = { preHandler: requireReader() };
  const readerId = (request: FastifyRequest) => request.reader!.id;
  const site = () => loadSiteChrome(deps.db, deps.siteName);

  // Every article page served counts as a read: for everyone in the hourly counts, for a signed-in reader also in
  // their history. Recorded after the response, batched, so the cached page costs no write.
  app.addHook('onResponse', async (request, reply) => {
    if (request.method !== 'GET' || reply.statusCode !== 200 || request.routeOptions.url !== '/article/:slug') return;
    const parsed = articleParams.safeParse(request.params);
    if (!parsed.success) return;
    deps.recorder.record({
      readerId: request.reader?.id ?? null,
      slug: parsed.data.slug,
      at: new Date().toISOString(),
      dwellSeconds: 0,
      paragraph: null,
      counts: true,
    });
  });

  // Progress in an article (dwell time, last paragraph seen) from /assets/reader.js, for signed-in readers only.
  app.post('/api/reading', signedIn, async (request, reply) => {
    const body = readingBody.parse(request.body);
    deps.recorder.record({
      readerId: readerId(request),
      slug: body.slug,
      at: new Date().toISOString(),
      dwellSeconds: body.dwell_seconds,
      paragraph: body.paragraph,
      counts: false,
    });
    return reply.code(202).send({ recorded: true });
  });

  async function feedFor(request: FastifyRequest, requested: 'for-you' | 'latest' | undefined, size: number) {
    const id = request.reader?.id ?? null;
    const preferences = id ? await readerSettings(deps.db, id) : null;
    const view = requested ?? preferences?.view ?? 'for-you';
    if (view === 'latest') {
      const latest = await articleRepository(deps.db).listPublished({ limit: size });
      return { view, latest, items: [], personalized: false };
    }
    const feed = await buildFeed(deps.db, id, { size, settings: deps.settings, popularNow: deps.popularNow, articleFeatures: deps.articleFeatures });
    return { view, latest: [], ...feed };
  }

  app.get('/for-you', async (request, reply) => {
    const { view: requested } = feedQuery.parse(request.query);
    const [chrome, feed] = await Promise.all([site(), feedFor(request, requested, FEED_SIZE)]);
    const ids = feed.view === 'latest' ? feed.latest.map((a) => a.id) : feed.items.map((item) => item.article.id);
    const saved = request.reader ? await savedAmong(deps.db, request.reader.id, ids) : new Set<string>();
    // Personal for a signed-in reader, and new every few minutes for everyone: never stored by shared caches.
    reply.header('cache-control', request.reader ? 'private, no-store' : 'public, max-age=60');
    reply.type('text/html; charset=utf-8');
    return renderDocument(
      <ForYouPage
        site={chrome}
        view={feed.view}
        items={feed.items}
        latest={feed.latest}
        personalized={feed.personalized}
        signedIn={Boolean(request.reader)}
        csrfToken={request.reader ? request.csrfToken() : null}
        saved={saved}
      />,
      presentationOf(request),
    );
  });

  app.get('/api/feed', async (request, reply) => {
    const { view: requested, size } = feedQuery.parse(request.query);
    const feed = await feedFor(request, requested, size);
    reply.header('cache-control', request.reader ? 'private, no-store' : 'public, max-age=60');
    const response: z.infer<typeof feedResponse> = {
      view: feed.view,
      personalized: feed.personalized,
      articles:
        feed.view === 'latest'
          ? feed.latest.map((article) => ({ ...presentFeedArticle(article, deps.siteUrl), reason: null }))
          : feed.items.map((item) => ({
              ...presentFeedArticle(item.article, deps.siteUrl),
              reason: {
                kind: item.reason.kind,
                // Arabic whatever the reader's interface: the API's text is a promise to its clients.
                text: reasonText(item.reason, presentationFor().text),
                target:
                  item.reason.kind === 'follow' || item.reason.kind === 'learned'
                    ? { kind: item.reason.target.kind, slug: item.reason.target.slug, name: item.reason.target.name }
                    : null,
              },
            })),
    };
    return response;
  });

  app.post('/follows', signedIn, async (request, reply) => {
    const { kind, slug, next } = followForm.parse(request.body);
    await follow(deps.db, readerId(request), kind, slug);
    return reply.redirect(next ?? '/account/feed', 303);
  });

  app.post('/follows/remove', signedIn, async (request, reply) => {
    const { kind, slug, next } = followForm.parse(request.body);
    await unfollow(deps.db, readerId(request), kind, slug);
    return reply.redirect(next ?? '/account/feed', 303);
  });

  app.post('/for-you/mute', signedIn, async (request, reply) => {
    const { kind, slug, mode } = muteForm.parse(request.body);
    await mute(deps.db, readerId(request), kind, slug, mode);
    return reply.redirect('/for-you', 303);
  });

  app.post('/for-you/unmute', signedIn, async (request, reply) => {
    const { kind, slug } = unmuteForm.parse(request.body);
    await unmute(deps.db, readerId(request), kind, slug);
    return reply.redirect('/account/feed', 303);
  });

  const onboardingPage = async (request: FastifyRequest, error: string | null) =>
    renderDocument(
      <OnboardingPage
        site={await site()}
        topics={await onboardingTopics(deps.db)}
        minimum={ONBOARDING_MINIMUM}
        csrfToken={request.csrfToken()}
        error={error}
      />,
      presentationOf(request),
    );

  app.get('/onboarding', signedIn, async (request, reply) => {
    reply.type('text/html; charset=utf-8');
    return onboardingPage(request, null);
  });

  app.post('/onboarding', signedIn, async (request, reply) => {
    const form = onboardingForm.parse(request.body);
    const topics = form.topic === undefined ? [] : Array.isArray(form.topic) ? form.topic : [form.topic];
    const picks = topics.map((value) => {
      const colon = value.indexOf(':');
      return { kind: value.slice(0, colon) as 'section', slug: value.slice(colon + 1) };
    });
    const skip = form.skip !== undefined;
    if (!skip && picks.length < ONBOARDING_MINIMUM) {
      // The form again, with the reason, rather than an error page: nothing was saved.
      reply.code(400).type('text/html; charset=utf-8');
      const { text, count } = presentationOf(request);
      return onboardingPage(request, text.onboardingTooFew(count(ONBOARDING_MINIMUM)));
    }
    await completeOnboarding(deps.db, readerId(request), skip ? [] : picks, { skip });
    return reply.redirect('/for-you', 303);
  });

  app.get('/account/feed', signedIn, async (request, reply) => {
    const [chrome, settings] = await Promise.all([site(), readerSettings(deps.db, readerId(request))]);
    reply.type('text/html; charset=utf-8');
    return renderDocument(
      <FeedSettingsPage
        site={chrome}
        csrfToken={request.csrfToken()}
        follows={settings.follows}
        mutes={settings.mutes}
        view={settings.view}
        learnedSince={settings.learnedSince}
      />,
      presentationOf(request),
    );
  });

  app.post('/account/feed/view', signedIn, async (request, reply) => {
    const { view } = z.object({ view: z.enum(['for-you', 'latest']) }).parse(request.body);
    await setView(deps.db, readerId(request), view);
    return reply.redirect('/account/feed', 303);
  });

  app.post('/account/feed/reset', signedIn, async (request, reply) => {
    await resetLearning(deps.db, readerId(request));
    return reply.redirect('/account/feed', 303);
  });

  app.get('/account/history', signedIn, async (request, reply) => {
    const [chrome, items] = await Promise.all([site(), readingHistory(deps.db, readerId(request), HISTORY_SIZE)]);
    reply.type('text/html; charset=utf-8');
    return renderDocument(
      <HistoryPage site={chrome} csrfToken={request.csrfToken()} items={items.map((item) => ({ ...item, last_read_at: String(item.last_read_at) }))} />,
      presentationOf(request),
    );
  });

  app.post('/account/history/clear', signedIn, async (request, reply) => {
    await clearHistory(deps.db, readerId(request));
    return reply.redirect('/account/history', 303);
  });

}
