import type { FastifyInstance } from 'fastify';
import { parseHTML } from 'linkedom';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { buildArticle } from '../../test/build-article.ts';
import { insertReader } from '../../test/build-reader.ts';
import { describeEachEngine } from '../../test/engines.ts';
import { buildApp } from '../app.ts';
import { saveImportedArticles } from '../articles/article.service.ts';
import { loadConfig } from '../config.ts';
import { newsletterRepository } from '../newsletters/newsletter.repository.ts';
import { DEFAULT_NEWSLETTER_SLUG, ensureDefaultNewsletters } from '../newsletters/newsletters.service.ts';
import { newsletterSecret } from '../newsletters/secret.ts';
import { unsubscribeToken } from '../newsletters/tokens.ts';
import { saveArticle } from '../saved/saved.service.ts';
import type { ReaderPreferences } from './reader.ts';
import { SESSION_COOKIE } from './session.plugin.ts';
import { sessionService } from './session.service.ts';

const ARABIC_INDIC = /[٠-٩]/;
const WESTERN = /[0-9]/;

describeEachEngine('reader preferences on every reader page', (database) => {
  const config = loadConfig({ SITE_URL: 'https://news.example' });
  let server: FastifyInstance;
  let articlePath = '';
  let firstSlug = '';

  beforeAll(async () => {
    // As every start does: the reader prompt offers the default newsletter.
    await ensureDefaultNewsletters(database.handle.db, { name: 'صحيفة', address: 'newsletters@news.example' }, 'Asia/Riyadh');
    server = await buildApp({ config, database: database.handle });
    // 21 articles in one section: its list has two pages.
    const saved = await saveImportedArticles(
      database.handle.db,
      Array.from({ length: 21 }, (_, i) => buildArticle({ title: `سوق الكتب المستعملة في الحي القديم ${i + 1}`, publishedAt: `2026-11-${String(i + 1).padStart(2, '0')}T08:00:00.000Z` })),
    );
    const slugs = saved.map((result) => {
      if (result instanceof Error) throw result;
      return result.slug;
    });
    firstSlug = slugs[20]!;
    articlePath = `/article/${encodeURIComponent(firstSlug)}`;
  });
  afterAll(() => server.close());

  /** A signed-in reader with these preferences: the session cookie to send. */
  async function readerWith(preferences: ReaderPreferences) {
    const user = await insertReader(database.handle.db, { digits: preferences.digits, date_style: preferences.dateStyle, language: preferences.language });
    const { token } = await sessionService(database.handle.db, { idleMs: config.accounts.sessionIdleMs, maxMs: config.accounts.sessionMaxMs }).start(user.id, {});
    return { user, cookie: `${SESSION_COOKIE}=${token}` };
  }

  async function open(url: string, cookie?: string) {
    const response = await server.inject({ url, headers: cookie ? { cookie } : {} });
    expect(response.statusCode, url).toBe(200);
    return parseHTML(response.body).document;
  }

  const dateOn = (document: Document) => document.querySelector('time.published')!;

  it('gives anonymous readers the defaults: Arabic, RTL, Arabic-Indic digits, both calendars', async () => {
    const page = await open(articlePath);
    expect(page.documentElement.getAttribute('lang')).toBe('ar');
    expect(page.documentElement.getAttribute('dir')).toBe('rtl');
    expect(dateOn(page).querySelector('.gregorian')?.textContent).toMatch(ARABIC_INDIC);
    expect(dateOn(page).querySelector('.hijri')?.textContent).toContain('هـ');
    expect(dateOn(page).textContent).not.toMatch(WESTERN);
  });

  it('writes Western digits for a reader who chose them, in dates, page numbers and counts', async () => {
    const { cookie } = await readerWith({ digits: 'latn', dateStyle: 'both', language: 'ar' });
    const article = await open(articlePath, cookie);
    expect(dateOn(article).textContent).toContain('2026');
    expect(dateOn(article).textContent).not.toMatch(ARABIC_INDIC);
    const section = await open('/section/%D8%AB%D9%82%D8%A7%D9%81%D8%A9', cookie);
    expect(section.querySelector('.pagination [aria-current="page"]')?.textContent).toBe('صفحة 1 من 2');
    const search = await open(`/search?q=${encodeURIComponent('الكتب المستعملة')}`, cookie);
    expect(search.querySelector('#results-heading')?.textContent).toBe('21 نتيجة');
    expect(search.querySelector('.pagination [aria-current="page"]')?.textContent).toBe('صفحة 1 من 3');
  });

  it('shows only the calendar a reader chose', async () => {
    const hijri = await open(articlePath, (await readerWith({ digits: 'arab', dateStyle: 'hijri', language: 'ar' })).cookie);
    expect(dateOn(hijri).querySelector('.hijri')).not.toBeNull();
    expect(dateOn(hijri).querySelector('.gregorian')).toBeNull();
    const gregorian = await open('/', (await readerWith({ digits: 'arab', dateStyle: 'gregorian', language: 'ar' })).cookie);
    expect(dateOn(gregorian).querySelector('.gregorian')).not.toBeNull();
    expect(dateOn(gregorian).querySelector('.hijri')).toBeNull();
  });

  it('writes the chrome in English, left to right, for a reader who chose English, and keeps Arabic text Arabic', async () => {
    const { user, cookie } = await readerWith({ digits: 'latn', dateStyle: 'gregorian', language: 'en' });
    const article = await open(articlePath, cookie);
    expect(article.documentElement.getAttribute('lang')).toBe('en');
    expect(article.documentElement.getAttribute('dir')).toBe('ltr');
    const text = article.querySelector('article.article')!;
    expect([text.getAttribute('lang'), text.getAttribute('dir')]).toEqual(['ar', 'rtl']);
    expect(dateOn(article).textContent).toBe('21 November 2026');
    expect(article.querySelector('.reader-prompt strong')?.textContent).toBe('Not subscribed yet');
    expect(article.querySelector('.reader-prompt button')?.textContent).toBe('Subscribe in one click');
    expect(article.querySelector('.sections-nav a[href="/search"]')?.textContent).toBe('Search');
    expect(article.querySelector('.save-button')?.textContent).toBe('Save');

    const home = await open('/', cookie);
    expect(home.querySelector('#latest-heading')?.textContent?.trim()).toBe('Latest news');
    expect(home.querySelector('.card h2')?.getAttribute('lang')).toBe('ar');
    const section = await open('/section/%D8%AB%D9%82%D8%A7%D9%81%D8%A9?page=2', cookie);
    expect(section.querySelector('.pagination [aria-current="page"]')?.textContent).toBe('Page 2 of 2');
    const search = await open(`/search?q=${encodeURIComponent('الكتب المستعملة')}`, cookie);
    expect(search.querySelector('#results-heading')?.textContent).toBe('21 results');
    expect(search.querySelector('h1')?.textContent).toBe('Search');
    const missing = await server.inject({ url: '/article/no-such-article', headers: { cookie } });
    expect(missing.statusCode).toBe(404);
    expect(parseHTML(missing.body).document.querySelector('h1')?.textContent).toBe('Page not found');

    await saveArticle(database.handle.db, user.id, firstSlug);
    const saved = await open('/saved', cookie);
    expect(saved.querySelector('h1')?.textContent).toBe('Saved articles');
    expect(dateOn(saved).textContent).not.toMatch(ARABIC_INDIC);
    expect((await open('/for-you', cookie)).querySelector('h1')?.textContent).toBe('For you');
    expect((await open('/account', cookie)).querySelector('h1')?.textContent).toBe('My account');
    expect((await open('/newsletters', cookie)).querySelector('h1')?.textContent).toBe('Our newsletters');
  });

  it('writes the onboarding, feed settings, history and newsletter pages in English for a reader who chose it', async () => {
    const { cookie } = await readerWith({ digits: 'latn', dateStyle: 'gregorian', language: 'en' });
    const onboarding = await open('/onboarding', cookie);
    expect(onboarding.querySelector('h1')?.textContent).toBe('Choose what matters to you');
    expect(onboarding.querySelector('button[name="skip"]')?.textContent?.trim()).toBe('Skip for now');
    const feedSettings = await open('/account/feed', cookie);
    expect(feedSettings.querySelector('#follows-heading')?.textContent).toBe('What you follow');
    expect(feedSettings.querySelector('form[action="/account/feed/reset"] button')?.textContent).toBe('Forget what you learned about me');
    const history = await open('/account/history', cookie);
    expect(history.querySelector('h1')?.textContent).toBe('Reading history');

    const csrfToken = (await open('/newsletters', cookie)).querySelector('input[name="_csrf"]')!.getAttribute('value')!;
    const signedUp = await server.inject({
      method: 'POST',
      url: '/newsletters/subscribe',
      headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
      payload: `_csrf=${csrfToken}&email=english.reader@example.org&newsletter=${DEFAULT_NEWSLETTER_SLUG}`,
    });
    expect(signedUp.statusCode).toBe(200);
    expect(parseHTML(signedUp.body).document.querySelector('h1')?.textContent).toBe('Check your inbox');
    expect((await open('/newsletters/confirm/any-token', cookie)).querySelector('form[action^="/newsletters/confirm/"] button')?.textContent).toBe('Confirm my subscription');

    const subscriber = (await newsletterRepository(database.handle.db).findSubscriberByEmail('english.reader@example.org'))!;
    const daily = (await newsletterRepository(database.handle.db).findNewsletterBySlug(DEFAULT_NEWSLETTER_SLUG))!;
    const token = unsubscribeToken(await newsletterSecret(database.handle.db), subscriber.id, daily.id);
    const unsubscribe = await open(`/unsubscribe/${token}`, cookie);
    expect(unsubscribe.querySelector('h1')?.textContent).toBe('Unsubscribe');
    expect(unsubscribe.querySelector('form[action^="/unsubscribe/"] button')?.textContent).toBe('Yes, unsubscribe me');
  });

  it('keeps each preference variant of a cached page apart, and the anonymous page unchanged', async () => {
    const url = articlePath;
    const anonymousBefore = (await server.inject({ url })).body;
    const english = await readerWith({ digits: 'latn', dateStyle: 'hijri', language: 'en' });
    const arabicWestern = await readerWith({ digits: 'latn', dateStyle: 'hijri', language: 'ar' });

    const first = await open(url, english.cookie);
    expect(first.documentElement.getAttribute('lang')).toBe('en');
    // Served again from the cache: still this reader's variant, and another variant is not handed this one.
    expect((await open(url, english.cookie)).documentElement.getAttribute('lang')).toBe('en');
    const other = await open(url, arabicWestern.cookie);
    expect(other.documentElement.getAttribute('lang')).toBe('ar');
    expect(dateOn(other).textContent).toContain('هـ');
    expect((await server.inject({ url })).body).toBe(anonymousBefore);

    const keys = (await database.handle.db.selectFrom('page_cache').select('path').where('path', 'like', `${url}%`).execute()).map((row) => row.path).sort();
    // One entry per variant (earlier tests added their own), the anonymous one under the bare path.
    expect(keys).toEqual(expect.arrayContaining([url, `${url}#latn.hijri.ar`, `${url}#latn.hijri.en`]));
  });
});
