import { parseHTML } from 'linkedom';
import { expect, it } from 'vitest';
import { buildArticle } from '../../test/build-article.ts';
import { insertReader } from '../../test/build-reader.ts';
import { describeEachEngine } from '../../test/engines.ts';
import { SESSION_COOKIE } from '../accounts/session.plugin.ts';
import { sessionService } from '../accounts/session.service.ts';
import { buildApp } from '../app.ts';
import { saveImportedArticle } from '../articles/article.service.ts';
import { loadConfig } from '../config.ts';
import { presentationFor } from '../web/presentation.tsx';
import { DEFAULT_TIME_ZONE } from '../web/site-time-zone.ts';

describeEachEngine('saved, follows and "لك" over HTTP', (database) => {
  const config = loadConfig({ SITE_URL: 'https://news.example' });
  const slugs: string[] = [];
  let app: Awaited<ReturnType<typeof buildApp>>;
  let cookie = '';
  let csrf = '';

  const form = (fields: Record<string, string | string[]>) => {
    const body = new URLSearchParams();
    for (const [name, value] of Object.entries({ _csrf: csrf, ...fields })) for (const v of [value].flat()) body.append(name, v);
    return { headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' }, payload: body.toString() };
  };

  it('is set up with articles and a signed-in reader', async () => {
    const { db } = database.handle;
    const now = Date.now();
    for (const [i, [title, section]] of (
      [
        ['مجلس الوزراء يقر موازنة العام المقبل', 'سياسة'],
        ['الفريق الوطني يفوز في المباراة الافتتاحية', 'رياضة'],
        ['ارتفاع أسعار الذهب في الأسواق', 'اقتصاد'],
        ['افتتاح مهرجان السينما السنوي', 'ثقافة'],
      ] as const
    ).entries()) {
      const paragraphs = [`${title} وفق ما أعلنته الجهات المعنية.`, 'وهذه فقرة ثانية كتبناها للاختبار.'];
      slugs.push((await saveImportedArticle(db, buildArticle({ title, sectionName: section, paragraphs, authors: [], tags: [], publishedAt: new Date(now - (i + 1) * 3_600_000).toISOString() }))).slug);
    }
    app = await buildApp({ config, database: database.handle });
    const reader = await insertReader(db);
    const { token } = await sessionService(db, { idleMs: config.accounts.sessionIdleMs, maxMs: config.accounts.sessionMaxMs }).start(reader.id, {});
    cookie = `${SESSION_COOKIE}=${token}`;
  });

  it('shows anonymous visitors a popularity + freshness feed, and the save button only as a sign-in link', async () => {
    const page = await app.inject({ url: '/for-you' });
    expect(page.statusCode).toBe(200);
    const document = parseHTML(page.body).document;
    expect(document.querySelectorAll('.feed-card')).toHaveLength(4);
    expect(document.querySelector('.reason')?.textContent).toMatch(/جديد في قسم|شائع الآن/);
    expect(document.querySelector('form[action="/saved"]')).toBeNull();
    const article = parseHTML((await app.inject({ url: `/article/${encodeURIComponent(slugs[0]!)}` })).body).document;
    expect(article.querySelector('.save-signin')?.getAttribute('href')).toContain('/account/signin?next=');
    expect((await app.inject({ url: '/saved' })).statusCode).toBe(303);
    expect((await app.inject({ url: '/api/saved' })).statusCode).toBe(401);
  });

  it('saves from the article page without JavaScript, and shows it as saved', async () => {
    const path = `/article/${encodeURIComponent(slugs[0]!)}`;
    const page = parseHTML((await app.inject({ url: path, headers: { cookie } })).body).document;
    const button = page.querySelector('form[data-save-form] button');
    expect(button?.getAttribute('aria-pressed')).toBe('false');
    csrf = page.querySelector('form[data-save-form] input[name="_csrf"]')!.getAttribute('value')!;
    const saved = await app.inject({ method: 'POST', url: '/saved', ...form({ slug: slugs[0]!, next: path }) });
    expect(saved.statusCode).toBe(303);
    expect(saved.headers.location).toBe(path);
    const again = parseHTML((await app.inject({ url: path, headers: { cookie } })).body).document;
    expect(again.querySelector('form[data-save-form]')?.getAttribute('action')).toBe('/saved/remove');
    // Cards on the home page carry the reader's own save buttons; anonymous visitors get none.
    const home = parseHTML((await app.inject({ url: '/', headers: { cookie } })).body).document;
    expect(home.querySelectorAll('.card form[data-save-form]').length).toBeGreaterThanOrEqual(4);
    expect(home.querySelector(`.card form[action="/saved/remove"] input[value="${slugs[0]}"]`)).not.toBeNull();
    expect(parseHTML((await app.inject({ url: '/' })).body).document.querySelector('.card form[data-save-form]')).toBeNull();
    // The client script asks for JSON and gets it.
    const json = await app.inject({ method: 'POST', url: '/saved', ...form({ slug: slugs[1]! }), headers: { ...form({}).headers, accept: 'application/json' } });
    expect(json.json()).toEqual({ slug: slugs[1], saved: true });
    // Another site's form is refused.
    const forged = await app.inject({ method: 'POST', url: '/saved', ...form({ slug: slugs[2]!, _csrf: 'forged' }) });
    expect(forged.statusCode).toBe(403);
  });

  it('lists, filters, searches and exports saved articles', async () => {
    const list = parseHTML((await app.inject({ url: '/saved', headers: { cookie } })).body).document;
    expect([...list.querySelectorAll('.saved-title a')].map((a) => a.textContent)).toEqual([
      'الفريق الوطني يفوز في المباراة الافتتاحية',
      'مجلس الوزراء يقر موازنة العام المقبل',
    ]);
    const api = (await app.inject({ url: '/api/saved?q=موازنه', headers: { cookie } })).json();
    expect(api).toMatchObject({ total: 1, articles: [{ slug: slugs[0] }] });
    const exported = await app.inject({ url: '/saved/export.json', headers: { cookie } });
    expect(exported.headers['content-disposition']).toContain('attachment');
    expect(exported.json().articles).toHaveLength(2);
    const html = await app.inject({ url: '/saved/export.html', headers: { cookie } });
    const exportedHtml = parseHTML(html.body).document;
    expect(exportedHtml.querySelectorAll('li a')).toHaveLength(2);
    // Dated as the site dates everything: its calendar day in its zone, in words, not an ISO string.
    const savedAt = exportedHtml.querySelector('li time')!;
    expect(savedAt.textContent).toBe(presentationFor(undefined, DEFAULT_TIME_ZONE).gregorian(savedAt.getAttribute('datetime')!));
    const removed = await app.inject({ method: 'DELETE', url: `/api/saved/${encodeURIComponent(slugs[1]!)}`, headers: { cookie, 'x-csrf-token': csrf } });
    expect(removed.statusCode).toBe(204);
    expect((await app.inject({ url: '/api/saved', headers: { cookie } })).json().total).toBe(1);
  });

  it('follows a section from its page, and the feed says why', async () => {
    const article = parseHTML((await app.inject({ url: `/article/${encodeURIComponent(slugs[1]!)}` })).body).document;
    const sportPath = article.querySelector('a.kicker')!.getAttribute('href')!;
    const page = parseHTML((await app.inject({ url: sportPath, headers: { cookie } })).body).document;
    const followForm = page.querySelector('form[action="/follows"]')!;
    const fields = Object.fromEntries([...followForm.querySelectorAll('input')].map((input) => [input.getAttribute('name')!, input.getAttribute('value')!]));
    const followed = await app.inject({ method: 'POST', url: '/follows', ...form({ kind: fields.kind!, slug: fields.slug!, next: fields.next! }) });
    expect(followed.statusCode).toBe(303);
    const feed = (await app.inject({ url: '/api/feed', headers: { cookie } })).json();
    expect(feed.personalized).toBe(true);
    const sport = feed.articles.find((article: { slug: string }) => article.slug === slugs[1]);
    expect(sport).toMatchObject({ reason: { kind: 'follow', text: 'لأنك تتابع رياضة', target: { kind: 'section', name: 'رياضة' } } });
  });

  it('follows an author and a tag from their pages, linked from the article page', async () => {
    const { db } = database.handle;
    const written = await saveImportedArticle(
      db,
      buildArticle({ title: 'حوار مع وزير الزراعة عن موسم الحصاد', sectionName: 'اقتصاد', authors: ['ليلى منصور'], tags: ['زراعة'], paragraphs: ['قال الوزير إن الموسم جيد.'], publishedAt: new Date(Date.now() - 3_600_000).toISOString() }),
    );
    for (let i = 1; i <= 21; i++) {
      await saveImportedArticle(db, buildArticle({ title: `تقرير زراعي رقم ${i}`, sectionName: 'اقتصاد', authors: [], tags: ['زراعة'], paragraphs: [`فقرة التقرير ${i}.`], publishedAt: new Date(Date.now() - (i + 10) * 3_600_000).toISOString() }));
    }
    const article = parseHTML((await app.inject({ url: `/article/${encodeURIComponent(written.slug)}` })).body).document;
    const authorHref = article.querySelector('.byline .authors a')!.getAttribute('href')!;
    const tagHref = article.querySelector('.tags a')!.getAttribute('href')!;
    expect(authorHref).toMatch(/^\/author\//);
    expect(tagHref).toMatch(/^\/tag\//);

    const anonymous = parseHTML((await app.inject({ url: authorHref })).body).document;
    expect(anonymous.querySelector('h1')?.textContent).toBe('ليلى منصور');
    expect(anonymous.querySelector('.follow-signin')?.getAttribute('href')).toContain('/account/signin?next=');
    const authorPage = parseHTML((await app.inject({ url: authorHref, headers: { cookie } })).body).document;
    expect([...authorPage.querySelectorAll('.card h3 a')].map((a) => a.textContent)).toEqual(['حوار مع وزير الزراعة عن موسم الحصاد']);
    const followForm = authorPage.querySelector('form[action="/follows"]')!;
    const fields = Object.fromEntries([...followForm.querySelectorAll('input')].map((input) => [input.getAttribute('name')!, input.getAttribute('value')!]));
    expect(fields).toMatchObject({ kind: 'author', next: authorHref });
    const followed = await app.inject({ method: 'POST', url: '/follows', ...form({ kind: fields.kind!, slug: fields.slug!, next: fields.next! }) });
    expect(followed.headers.location).toBe(authorHref);
    const following = parseHTML((await app.inject({ url: authorHref, headers: { cookie } })).body).document;
    expect(following.querySelector('form[action="/follows/remove"] button')?.textContent).toBe('تتابع ليلى منصور ✓');
    const feed = (await app.inject({ url: '/api/feed', headers: { cookie } })).json();
    expect(feed.articles.find((item: { slug: string }) => item.slug === written.slug)).toMatchObject({ reason: { kind: 'follow', text: 'لأنك تتابع ليلى منصور' } });

    // A tag of 22 articles: two pages of 20, newest first, and no third.
    const tagPage = parseHTML((await app.inject({ url: tagHref })).body).document;
    expect(tagPage.querySelector('.kicker')?.textContent).toBe('وسم');
    expect(tagPage.querySelectorAll('.card')).toHaveLength(20);
    expect(tagPage.querySelector('.card h3 a')?.textContent).toBe('حوار مع وزير الزراعة عن موسم الحصاد');
    expect(tagPage.querySelector('.pagination a[rel="next"]')?.getAttribute('href')).toBe(`${tagHref}?page=2`);
    const second = parseHTML((await app.inject({ url: `${tagHref}?page=2` })).body).document;
    expect([...second.querySelectorAll('.card h3 a')].map((a) => a.textContent)).toEqual(['تقرير زراعي رقم 20', 'تقرير زراعي رقم 21']);
    expect((await app.inject({ url: `${tagHref}?page=3` })).statusCode).toBe(404);
    expect((await app.inject({ url: '/tag/no-such-tag' })).statusCode).toBe(404);
    expect((await app.inject({ url: '/author/no-such-author' })).statusCode).toBe(404);
  });

  it('hides a source, or a followed topic, from a feed card, and undoes it from the settings page', async () => {
    const { db } = database.handle;
    const wire = await saveImportedArticle(
      db,
      buildArticle({ title: 'الأمطار تعود إلى الساحل', sectionName: 'محليات', sourceName: 'وكالة الأخبار العربية', authors: [], tags: [], paragraphs: ['توقعات بأمطار غزيرة.'], publishedAt: new Date(Date.now() - 1_800_000).toISOString() }),
    );
    const slugsInFeed = async () => ((await app.inject({ url: '/api/feed', headers: { cookie } })).json().articles as { slug: string }[]).map((a) => a.slug);
    const cardForms = async (slug: string) => {
      const page = parseHTML((await app.inject({ url: '/for-you', headers: { cookie } })).body).document;
      const card = [...page.querySelectorAll('.feed-card')].find((element) => element.querySelector(`a[href="/article/${encodeURIComponent(slug)}"]`))!;
      return [...card.querySelectorAll('form[action="/for-you/mute"]')].map((muteForm) => ({
        label: muteForm.querySelector('button')!.textContent,
        fields: Object.fromEntries([...muteForm.querySelectorAll('input:not([name="_csrf"])')].map((input) => [input.getAttribute('name')!, input.getAttribute('value')!])),
      }));
    };
    const hideSource = (await cardForms(wire.slug)).find((option) => option.label === 'أخفِ ما ينشره وكالة الأخبار العربية')!;
    expect(hideSource.fields).toEqual({ kind: 'source', slug: 'وكالة الأخبار العربية', mode: 'hide' });
    await app.inject({ method: 'POST', url: '/for-you/mute', ...form(hideSource.fields) });
    expect(await slugsInFeed()).not.toContain(wire.slug);
    const settings = parseHTML((await app.inject({ url: '/account/feed', headers: { cookie } })).body).document;
    expect(settings.body.textContent).toContain('مخفي — مصدر: وكالة الأخبار العربية');
    await app.inject({ method: 'POST', url: '/for-you/unmute', ...form({ kind: 'source', slug: 'وكالة الأخبار العربية' }) });
    expect(await slugsInFeed()).toContain(wire.slug);

    // The author followed in the test above: the card offers to hide them too.
    const interview = (await slugsInFeed()).find((slug) => slug.startsWith('حوار-مع-وزير'))!;
    const hideAuthor = (await cardForms(interview)).find((option) => option.label === 'أخفِ ليلى منصور')!;
    expect(hideAuthor.fields).toMatchObject({ kind: 'author', mode: 'hide' });
    await app.inject({ method: 'POST', url: '/for-you/mute', ...form(hideAuthor.fields) });
    expect(await slugsInFeed()).not.toContain(interview);
    await app.inject({ method: 'POST', url: '/for-you/unmute', ...form({ kind: 'author', slug: hideAuthor.fields.slug! }) });
    expect(await slugsInFeed()).toContain(interview);
  });

  it('hides a section from the feed and undoes it from the settings page', async () => {
    const sections = (await app.inject({ url: '/api/sections' })).json().sections as { slug: string; name: string }[];
    const economy = sections.find((section) => section.name === 'اقتصاد')!;
    await app.inject({ method: 'POST', url: '/for-you/mute', ...form({ kind: 'section', slug: economy.slug, mode: 'hide' }) });
    let feed = (await app.inject({ url: '/api/feed', headers: { cookie } })).json();
    expect(feed.articles.map((a: { slug: string }) => a.slug)).not.toContain(slugs[2]);
    const settings = parseHTML((await app.inject({ url: '/account/feed', headers: { cookie } })).body).document;
    expect(settings.body.textContent).toContain('مخفي — قسم: اقتصاد');
    await app.inject({ method: 'POST', url: '/for-you/unmute', ...form({ kind: 'section', slug: economy.slug }) });
    feed = (await app.inject({ url: '/api/feed', headers: { cookie } })).json();
    expect(feed.articles.map((a: { slug: string }) => a.slug)).toContain(slugs[2]);
  });

  it('records reads, leaves read articles out, shows and clears the history', async () => {
    await app.inject({ url: `/article/${encodeURIComponent(slugs[3]!)}`, headers: { cookie } });
    const progress = await app.inject({
      method: 'POST',
      url: '/api/reading',
      headers: { cookie, 'x-csrf-token': csrf, 'content-type': 'application/json' },
      payload: JSON.stringify({ slug: slugs[3], dwell_seconds: 95, paragraph: 1 }),
    });
    expect(progress.statusCode).toBe(202);
    await app.close(); // flushes the read recorder
    app = await buildApp({ config, database: database.handle });
    const feed = (await app.inject({ url: '/api/feed', headers: { cookie } })).json();
    expect(feed.articles.map((a: { slug: string }) => a.slug)).not.toContain(slugs[3]);
    const history = parseHTML((await app.inject({ url: '/account/history', headers: { cookie } })).body).document;
    expect(history.querySelector('.history a')?.textContent).toBe('افتتاح مهرجان السينما السنوي');
    await app.inject({ method: 'POST', url: '/account/history/clear', ...form({}) });
    const cleared = parseHTML((await app.inject({ url: '/account/history', headers: { cookie } })).body).document;
    expect(cleared.querySelector('.history')).toBeNull();
  });

  it('onboards with at least three topics, or a skip, and switches to the latest view', async () => {
    const page = parseHTML((await app.inject({ url: '/onboarding', headers: { cookie } })).body).document;
    const topics = [...page.querySelectorAll('input[name="topic"]')].map((input) => input.getAttribute('value')!);
    expect(topics.length).toBeGreaterThanOrEqual(4);
    const tooFew = await app.inject({ method: 'POST', url: '/onboarding', ...form({ topic: topics.slice(0, 2) }) });
    expect(tooFew.statusCode).toBe(400);
    expect(parseHTML(tooFew.body).document.querySelector('[role="alert"]')?.textContent).toContain('٣');
    const done = await app.inject({ method: 'POST', url: '/onboarding', ...form({ topic: topics.slice(0, 3) }) });
    expect(done.headers.location).toBe('/for-you');
    await app.inject({ method: 'POST', url: '/account/feed/view', ...form({ view: 'latest' }) });
    const latest = (await app.inject({ url: '/api/feed', headers: { cookie } })).json();
    expect(latest).toMatchObject({ view: 'latest', personalized: false });
    expect(latest.articles[0].reason).toBeNull();
    await app.close();
  });
});

describeEachEngine('the feed API names where each article came from', (database) => {
  it('gives the source of imported articles (null for the site’s own) in both views, as the OpenAPI document says', async () => {
    const { db } = database.handle;
    const hourAgo = new Date(Date.now() - 3_600_000).toISOString();
    const imported = await saveImportedArticle(db, buildArticle({ sourceName: 'وكالة الأنباء', sourceUrl: 'https://agency.example/news/1', publishedAt: hourAgo }));
    const own = await saveImportedArticle(db, buildArticle({ publishedAt: hourAgo }));
    const app = await buildApp({ config: loadConfig({ SITE_URL: 'https://news.example' }), database: database.handle });
    for (const url of ['/api/feed', '/api/feed?view=latest']) {
      const articles = (await app.inject({ url })).json().articles as { slug: string; source: unknown }[];
      expect(articles.find((article) => article.slug === imported.slug)?.source, url).toEqual({ name: 'وكالة الأنباء', url: 'https://agency.example/news/1' });
      expect(articles.find((article) => article.slug === own.slug)?.source, url).toBeNull();
    }
    const openApi = (await app.inject({ url: '/api/openapi.json' })).json();
    expect(openApi.paths['/api/feed'].get.parameters.map((parameter: { name: string }) => parameter.name)).toEqual(['view', 'size']);
    const card = openApi.components.schemas.Feed.properties.articles.items;
    expect(Object.keys(card.properties)).toEqual(expect.arrayContaining(['slug', 'url', 'section', 'source', 'published_at', 'reason']));
    await app.close();
  });
});
