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

  it('lists articles on the home page and by section with pagination', async () => {
    for (let i = 1; i <= 22; i++) {
      await saveImportedArticle(database.handle.db, buildArticle({ title: `خبر رياضي رقم ${i}`, sectionName: 'رياضة', publishedAt: `2026-11-${String(i).padStart(2, '0')}T10:00:00.000Z` }));
    }
    const server = await app();
    const home = await server.inject({ url: '/' });
    expect(home.body).toContain('خبر رياضي رقم 22');
    expect(home.body).toContain(`href="${pathOf(mainSlug)}"`);
    const first = await server.inject({ url: `/section/${encodeURIComponent('رياضة')}` });
    expect(first.body).toContain('صفحة 1 من 2');
    expect(first.body).toContain('خبر رياضي رقم 22');
    const second = await server.inject({ url: `/section/${encodeURIComponent('رياضة')}?page=2` });
    expect(second.body).toContain('خبر رياضي رقم 1<');
    const beyond = await server.inject({ url: `/section/${encodeURIComponent('رياضة')}?page=99` });
    expect(beyond.statusCode).toBe(200);
    const bad = await server.inject({ url: `/section/${encodeURIComponent('رياضة')}?page=abc` });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('طلب غير صالح');
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
  });

  it('publishes RSS, Atom, JSON Feed, section feeds and a sitemap', async () => {
    const server = await app();
    const rss = await server.inject({ url: '/feed.xml' });
    expect(rss.headers['content-type']).toContain('application/rss+xml');
    const { document: rssDocument } = parseHTML(rss.body.replace(/^<\?xml[^>]*>/, ''));
    expect(rss.body).toContain('<title>افتتاح جسر جديد فوق النهر</title>');
    expect(rssDocument.querySelectorAll('item').length).toBeGreaterThan(20);
    const atom = await server.inject({ url: '/atom.xml' });
    expect(atom.headers['content-type']).toContain('application/atom+xml');
    expect(atom.body).toContain(`<link rel="alternate" href="https://news.example${pathOf(mainSlug)}"/>`);
    const json = (await server.inject({ url: '/feed.json' })).json();
    expect(json.version).toBe('https://jsonfeed.org/version/1.1');
    expect(json.items.map((item: { title: string }) => item.title)).toContain('افتتاح جسر جديد فوق النهر');
    const section = await server.inject({ url: `/section/${encodeURIComponent('محليات')}/feed.xml` });
    expect(section.body).toContain('<title>محليات — صحيفة</title>');
    expect(section.body).not.toContain('خبر رياضي');
    const sitemap = await server.inject({ url: '/sitemap.xml' });
    expect(sitemap.body).toContain(`<loc>https://news.example${pathOf(mainSlug)}</loc>`);
    expect(sitemap.body).toContain(`<loc>https://news.example/section/${encodeURIComponent('رياضة')}</loc>`);
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
    const sections = (await server.inject({ url: '/api/sections' })).json();
    expect(sections.sections).toContainEqual({ slug: 'رياضة', name: 'رياضة', article_count: 22 });
    const bySection = (await server.inject({ url: `/api/articles?section=${encodeURIComponent('محليات')}` })).json();
    expect(bySection.total).toBe(1);
    const openApi = (await server.inject({ url: '/api/openapi.json' })).json();
    expect(openApi.openapi).toBe('3.1.0');
    expect(Object.keys(openApi.paths)).toEqual(['/api/articles', '/api/articles/{slug}', '/api/sections', '/api/search']);
    expect(openApi.components.schemas.Article.properties.paragraphs.type).toBe('array');
  });

  it('escapes what articles contain, in HTML and in JSON-LD', async () => {
    const saved = await saveImportedArticle(database.handle.db, buildArticle({ title: 'عنوان </script><script>alert(1)</script>' }));
    const response = await (await app()).inject({ url: pathOf(saved.slug) });
    expect(response.body).not.toContain('<script>alert(1)');
    expect(response.body).toContain('\\u003c/script>');
  });

  it('serves the self-hosted fonts with a long cache', async () => {
    const response = await (await app()).inject({ url: '/assets/fonts/noto-naskh-arabic-arabic-400-normal.woff2' });
    expect(response.statusCode).toBe(200);
    expect(response.headers['cache-control']).toContain('immutable');
  });
});
