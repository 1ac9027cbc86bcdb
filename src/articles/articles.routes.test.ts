import { parseAtomFeed, parseJsonFeed, parseRssFeed } from 'feedsmith';
import { parseHTML } from 'linkedom';
import { expect, it } from 'vitest';
import { buildArticle } from '../../test/build-article.ts';
import { describeEachEngine } from '../../test/engines.ts';
import { buildApp } from '../app.ts';
import { loadConfig } from '../config.ts';
import { saveImportedArticle } from './article.service.ts';

describeEachEngine('reader pages, feeds and API', (database) => {
  const app = () => buildApp({ config: loadConfig({ SITE_URL: 'https://news.example' }), database: database.handle });
  const pathOf = (slug: string) => `/article/${encodeURIComponent(slug)}`;
  let mainSlug = '';

  it('serves an article page in Arabic, right to left, with both calendars, JSON-LD and related headlines', async () => {
    const saved = await saveImportedArticle(
      database.handle.db,
      buildArticle({
        title: 'افتتاح جسر جديد فوق النهر',
        subtitle: 'الجسر يختصر الرحلة إلى نصف ساعة',
        sectionName: 'محليات',
        relatedHeadlines: [{ headline: 'بلدية المدينة تعلن خطة للنقل العام', url: null }],
        publishedAt: '2026-11-25T06:00:00.000Z',
      }),
    );
    mainSlug = saved.slug;
    const response = await (await app()).inject({ url: pathOf(saved.slug) });
    expect(response.statusCode).toBe(200);
    const { document } = parseHTML(response.body);
    expect(document.documentElement.getAttribute('dir')).toBe('rtl');
    expect(document.documentElement.getAttribute('lang')).toBe('ar');
    expect(document.querySelector('h1')?.textContent).toBe('افتتاح جسر جديد فوق النهر');
    expect(document.querySelector('.subtitle')?.textContent).toBe('الجسر يختصر الرحلة إلى نصف ساعة');
    expect(document.querySelectorAll('.article-body p')).toHaveLength(2);
    expect(document.querySelector('.hijri')?.textContent).toBe('١٥ جمادى الآخرة ١٤٤٨ هـ');
    expect(document.querySelector('.gregorian')?.textContent).toBe('٢٥ نوفمبر ٢٠٢٦ م');
    expect(document.querySelector('.related li')?.textContent).toBe('بلدية المدينة تعلن خطة للنقل العام');
    expect(document.querySelector('.reader-prompt')?.textContent).toContain('لم تشترك بعد');
    const jsonLd = JSON.parse(document.querySelector('script[type="application/ld+json"]')!.textContent!);
    expect(jsonLd).toMatchObject({ '@type': 'NewsArticle', headline: 'افتتاح جسر جديد فوق النهر', inLanguage: 'ar', articleSection: 'محليات' });
    expect(document.querySelector('link[rel="canonical"]')?.getAttribute('href')).toBe(`https://news.example${pathOf(saved.slug)}`);
    expect(response.headers['last-modified']).toBeDefined();
  });

  it('leads the home page with the newest article and lists sections without repeating headlines', async () => {
    for (let i = 1; i <= 22; i++) {
      await saveImportedArticle(database.handle.db, buildArticle({ title: `خبر رياضي رقم ${i}`, sectionName: 'رياضة', publishedAt: `2026-11-${String(i).padStart(2, '0')}T10:00:00.000Z` }));
    }
    const home = await (await app()).inject({ url: '/' });
    const { document } = parseHTML(home.body);
    expect(document.querySelector('.card.lead h2')?.textContent).toBe('افتتاح جسر جديد فوق النهر');
    expect(document.querySelector('h1')?.textContent).toBe('صحيفة');
    const headlines = [...document.querySelectorAll('.card a')].map((link) => link.textContent);
    expect(headlines).toContain('خبر رياضي رقم 22');
    expect(new Set(headlines).size).toBe(headlines.length);
    expect(document.querySelector(`a[href="${pathOf(mainSlug)}"]`)).not.toBeNull();
    expect(document.querySelector('link[rel="canonical"]')?.getAttribute('href')).toBe('https://news.example/');
    expect(home.headers['last-modified']).toBeDefined();
  });

  it('pages through a section, refusing pages that cannot exist', async () => {
    const server = await app();
    const base = `/section/${encodeURIComponent('رياضة')}`;
    const first = await server.inject({ url: base });
    expect(first.body).toContain('صفحة ١ من ٢');
    expect(first.body).toContain('خبر رياضي رقم 22');
    expect(first.body).toContain(`rel="next" href="${base}?page=2"`);
    expect(parseHTML(first.body).document.querySelector('.sections-nav [aria-current="page"]')?.textContent?.trim()).toBe('رياضة');
    const second = await server.inject({ url: `${base}?page=2` });
    expect(second.statusCode).toBe(200);
    expect(second.body).toContain('خبر رياضي رقم 1<');
    expect(second.body).toContain(`rel="prev" href="${base}"`);
    expect(parseHTML(second.body).document.querySelector('link[rel="canonical"]')?.getAttribute('href')).toBe(`https://news.example${base}?page=2`);
    const beyond = await server.inject({ url: `${base}?page=3` });
    expect(beyond.statusCode).toBe(404);
    expect(beyond.body).toContain('الصفحة غير موجودة');
    for (const page of ['abc', '0', '-1', '1.5', '99999999999']) {
      const bad = await server.inject({ url: `${base}?page=${page}` });
      expect(bad.statusCode, `page=${page}`).toBe(400);
      expect(bad.body).toContain('طلب غير صالح');
    }
  });

  it('answers 404 with an Arabic page, and JSON under /api', async () => {
    const server = await app();
    const page = await server.inject({ url: pathOf('لا-يوجد') });
    expect(page.statusCode).toBe(404);
    expect(page.body).toContain('الصفحة غير موجودة');
    expect(page.body).toContain('dir="rtl"');
    const api = await server.inject({ url: '/api/articles/nothing-here' });
    expect(api.statusCode).toBe(404);
    expect(api.json()).toEqual({ error: { code: 'NOT_FOUND', message: 'article "nothing-here" not found' } });
    expect((await server.inject({ url: '/api/nothing' })).json().error.code).toBe('NOT_FOUND');
  });

  it('answers unknown failures with a generic Arabic page, or JSON under /api, revealing nothing', async () => {
    const server = await app();
    const failure = async () => {
      throw new Error('secret detail of the failure');
    };
    server.get('/broken', failure);
    server.get('/api/broken', failure);
    const page = await server.inject({ url: '/broken' });
    expect(page.statusCode).toBe(500);
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(page.body).toContain('حدث خطأ من جهتنا');
    expect(page.body).toContain('لم تشترك بعد');
    expect(page.body).not.toContain('secret');
    const api = await server.inject({ url: '/api/broken' });
    expect(api.statusCode).toBe(500);
    expect(api.json()).toEqual({ error: { code: 'INTERNAL', message: 'internal error' } });
  });

  it('answers 304 when the reader already has the page', async () => {
    const server = await app();
    const first = await server.inject({ url: pathOf(mainSlug) });
    const etag = first.headers.etag as string;
    expect(etag).toMatch(/^".+"$/);
    const again = await server.inject({ url: pathOf(mainSlug), headers: { 'if-none-match': etag } });
    expect(again.statusCode).toBe(304);
    expect(again.body).toBe('');
    const since = await server.inject({ url: pathOf(mainSlug), headers: { 'if-modified-since': first.headers['last-modified'] as string } });
    expect(since.statusCode).toBe(304);
    const stale = await server.inject({ url: pathOf(mainSlug), headers: { 'if-none-match': '"old"' } });
    expect(stale.statusCode).toBe(200);
    const head = await server.inject({ method: 'HEAD', url: pathOf(mainSlug) });
    expect(head.headers.etag).toBe(etag);
    for (const url of ['/feed.xml', '/api/articles', `/api/articles/${encodeURIComponent(mainSlug)}`, '/sitemap.xml']) {
      const fresh = await server.inject({ url });
      expect(fresh.headers['cache-control'], url).toBe('public, max-age=60');
      const revalidated = await server.inject({ url, headers: { 'if-none-match': fresh.headers.etag as string } });
      expect(revalidated.statusCode, url).toBe(304);
    }
  });

  it('publishes RSS, Atom, JSON Feed, section feeds and a sitemap', async () => {
    const server = await app();
    const rss = await server.inject({ url: '/feed.xml' });
    expect(rss.headers['content-type']).toBe('application/rss+xml; charset=utf-8');
    expect(rss.headers['last-modified']).toBeDefined();
    const rssFeed = parseRssFeed(rss.body);
    expect(rssFeed.language).toBe('ar');
    expect(rssFeed.items?.length).toBeGreaterThan(20);
    expect(rssFeed.items?.[0]).toMatchObject({ title: 'افتتاح جسر جديد فوق النهر', link: `https://news.example${pathOf(mainSlug)}` });

    const atom = await server.inject({ url: '/atom.xml' });
    expect(atom.headers['content-type']).toBe('application/atom+xml; charset=utf-8');
    const atomFeed = parseAtomFeed(atom.body);
    expect(atomFeed.authors?.[0]?.name).toBe('صحيفة');
    expect(atomFeed.entries?.[0]?.links?.[0]?.href).toBe(`https://news.example${pathOf(mainSlug)}`);

    const json = await server.inject({ url: '/feed.json' });
    expect(json.headers['content-type']).toBe('application/feed+json; charset=utf-8');
    const jsonFeed = parseJsonFeed(json.json());
    expect(jsonFeed.items?.map((item) => item.title)).toContain('افتتاح جسر جديد فوق النهر');

    const section = await server.inject({ url: `/section/${encodeURIComponent('محليات')}/feed.xml` });
    const sectionFeed = parseRssFeed(section.body);
    expect(sectionFeed.title).toBe('محليات — صحيفة');
    expect(sectionFeed.items?.map((item) => item.title)).toEqual(['افتتاح جسر جديد فوق النهر']);
    expect((await server.inject({ url: '/section/nothing/feed.xml' })).statusCode).toBe(404);

    const sitemap = await server.inject({ url: '/sitemap.xml' });
    expect(sitemap.headers['content-type']).toBe('application/xml; charset=utf-8');
    expect(sitemap.body).toContain('<loc>https://news.example/</loc>');
    expect(sitemap.body).toContain(`<loc>https://news.example${pathOf(mainSlug)}</loc>`);
    expect(sitemap.body).toContain(`<loc>https://news.example/section/${encodeURIComponent('رياضة')}</loc>`);
    expect(sitemap.body.match(/<url>/g)).toHaveLength(1 + 2 + 23);
    expect((await server.inject({ url: '/sitemaps/articles-2.xml' })).statusCode).toBe(404);
  });

  it('serves the JSON API and describes it in OpenAPI', async () => {
    const server = await app();
    const list = (await server.inject({ url: '/api/articles?per_page=5' })).json();
    expect(list.total).toBe(23);
    expect(list.articles).toHaveLength(5);
    const one = (await server.inject({ url: `/api/articles/${encodeURIComponent(mainSlug)}` })).json();
    expect(one).toMatchObject({
      title: 'افتتاح جسر جديد فوق النهر',
      subtitle: 'الجسر يختصر الرحلة إلى نصف ساعة',
      section: { slug: 'محليات', name: 'محليات' },
      related_headlines: [{ headline: 'بلدية المدينة تعلن خطة للنقل العام', url: null, slug: null }],
      published_at: '2026-11-25T06:00:00.000Z',
    });
    expect(one.paragraphs).toHaveLength(2);
    expect(list.articles[0]).toMatchObject({ authors: ['سلمى حداد'], tags: ['مكتبات'] });
    expect((await server.inject({ url: '/api/articles?per_page=500' })).statusCode).toBe(400);
    expect((await server.inject({ url: '/api/articles?section=nothing' })).json().error.code).toBe('NOT_FOUND');
    const sections = (await server.inject({ url: '/api/sections' })).json();
    expect(sections.sections).toContainEqual({ slug: 'رياضة', name: 'رياضة', article_count: 22 });
    const bySection = (await server.inject({ url: `/api/articles?section=${encodeURIComponent('محليات')}` })).json();
    expect(bySection.total).toBe(1);
    const openApi = (await server.inject({ url: '/api/openapi.json' })).json();
    expect(openApi.openapi).toBe('3.1.0');
    expect(Object.keys(openApi.paths)).toEqual(['/api/articles', '/api/articles/{slug}', '/api/sections', '/api/search', '/api/feed']);
    expect(openApi.components.schemas.Article.properties.paragraphs.type).toBe('array');
    const perPage = openApi.paths['/api/articles'].get.parameters.find((parameter: { name: string }) => parameter.name === 'per_page');
    expect(perPage).toMatchObject({ in: 'query', schema: { type: 'integer', minimum: 1, maximum: 100, default: 20 } });
  });

  it('escapes what articles contain, in HTML and in JSON-LD', async () => {
    const saved = await saveImportedArticle(database.handle.db, buildArticle({ title: 'عنوان </script><script>alert(1)</script>' }));
    const response = await (await app()).inject({ url: pathOf(saved.slug) });
    expect(response.body).not.toContain('<script>alert(1)');
    expect(response.body).toContain('\\u003c/script>');
  });

  it('keeps feeds well-formed when an imported text carries characters XML forbids', async () => {
    await saveImportedArticle(database.handle.db, buildArticle({ title: 'عنوان فيه\u0007 محرف تحكم & رمز', sectionName: 'محليات', publishedAt: '2026-12-01T00:00:00.000Z' }));
    const server = await app();
    const rss = (await server.inject({ url: '/feed.xml' })).body;
    expect(rss).not.toContain('\u0007');
    expect(parseRssFeed(rss).items?.[0]?.title).toBe('عنوان فيه محرف تحكم & رمز');
    expect(parseAtomFeed((await server.inject({ url: '/atom.xml' })).body).entries?.[0]).toMatchObject({ title: { value: 'عنوان فيه محرف تحكم & رمز' } });
  });

  it('serves the self-hosted fonts with a long cache', async () => {
    const response = await (await app()).inject({ url: '/assets/fonts/noto-naskh-arabic-arabic-400-normal.woff2' });
    expect(response.statusCode).toBe(200);
    expect(response.headers['cache-control']).toContain('immutable');
  });
});
