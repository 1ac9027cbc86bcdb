import path from 'node:path';
import { parseHTML } from 'linkedom';
import { expect, it } from 'vitest';
import { buildArticle } from '../../test/build-article.ts';
import { describeEachEngine } from '../../test/engines.ts';
import { buildApp } from '../app.ts';
import { saveImportedArticle } from '../articles/article.service.ts';
import { loadConfig } from '../config.ts';
import { importFiles } from '../ingest/import.service.ts';
import { articleRepository } from '../articles/article.repository.ts';
import { understandingRepository } from './understanding.repository.ts';
import { understandImported } from './understanding.service.ts';
import { bridge, bridgeElsewhere } from '../../test/bridge-story.ts';

const seedPath = path.resolve(import.meta.dirname, '../../../shared/seeds/000_1cf7490bba804225.txt');


describeEachEngine('entity and story pages, and the article page’s understanding', (database) => {
  const app = () => buildApp({ config: loadConfig({ SITE_URL: 'https://news.example' }), database: database.handle });
  const get = async (url: string) => {
    const response = await (await app()).inject({ url });
    return { status: response.statusCode, document: parseHTML(response.body).document };
  };
  let seedSlug = '';
  let bridgeSlug = '';

  it('understands an imported page: who said what and the names it holds, on the article page', async () => {
    const report = await importFiles(database.handle.db, [seedPath]);
    seedSlug = report.imported[0]!.slug;
    const { status, document } = await get(`/article/${encodeURIComponent(seedSlug)}`);
    expect(status).toBe(200);
    expect(document.querySelector('#quotes-heading')?.textContent).toBe('من قال ماذا');
    const speakers = [...document.querySelectorAll('.quotes figcaption a')].map((a) => a.textContent);
    expect(speakers.slice(0, 3)).toEqual(['وين ماروتو', 'قاسم الأعرجي', 'قاسم الأعرجي']);
    const names = [...document.querySelectorAll('.entities a')].map((a) => a.textContent);
    expect(names).toEqual(expect.arrayContaining(['العراق', 'مصطفى الكاظمي', 'داعش', 'واشنطن']));
  });

  it('serves an entity page with its articles and what the person said, linked from the article page', async () => {
    const article = await get(`/article/${encodeURIComponent(seedSlug)}`);
    const href = [...article.document.querySelectorAll('.entities a')].find((a) => a.textContent === 'يحيى رسول')!.getAttribute('href')!;
    const { status, document } = await get(href);
    expect(status).toBe(200);
    expect(document.documentElement.getAttribute('dir')).toBe('rtl');
    expect(document.querySelector('h1')?.textContent).toBe('يحيى رسول');
    expect(document.querySelector('.entity-header .kicker')?.textContent).toBe('شخصية');
    expect(document.querySelectorAll('.quotes figure')).toHaveLength(3);
    expect(document.querySelector('.timeline a')?.getAttribute('href')).toBe(`/article/${encodeURIComponent(seedSlug)}`);
  });

  it('shows the same story first under «في السياق نفسه», a duplicate once, and the story as a timeline', async () => {
    const saved = [];
    for (const [source, title, paragraphs, publishedAt] of [
      ['https://one.example/bridge', 'افتتاح الجسر العتيق في الموصل', bridge, '2026-11-20T08:00:00.000Z'],
      ['https://two.example/bridge', 'افتتاح الجسر العتيق في الموصل بعد إعادة بنائه', bridge, '2026-11-20T09:00:00.000Z'],
      ['https://three.example/bridge', 'الجسر العتيق يعود إلى الخدمة', bridgeElsewhere, '2026-11-21T08:00:00.000Z'],
    ] as const) {
      saved.push(await saveImportedArticle(database.handle.db, buildArticle({ title, paragraphs: [...paragraphs], publishedAt, sourceUrl: source, sourceName: new URL(source).host })));
    }
    bridgeSlug = saved[0]!.slug;
    // The page is rendered (and cached) before understanding runs; understanding must invalidate it.
    const before = await get(`/article/${encodeURIComponent(saved[2]!.slug)}`);
    expect(before.document.querySelector('.in-context')).toBeNull();
    await understandImported(database.handle.db, saved.map((item) => item.slug));

    const { document } = await get(`/article/${encodeURIComponent(saved[2]!.slug)}`);
    const related = [...document.querySelectorAll('.in-context li > a')].map((a) => a.textContent);
    expect(related).toEqual(['افتتاح الجسر العتيق في الموصل']);
    const storyHref = document.querySelector('.in-context .more a')!.getAttribute('href')!;
    expect(document.querySelector('.in-context .more a')?.textContent).toBe('القصة كاملة: مقالان');

    const story = await get(storyHref);
    expect(story.status).toBe(200);
    const entries = [...story.document.querySelectorAll('.timeline li')];
    expect(entries.map((li) => li.querySelector('a')?.textContent)).toEqual(['افتتاح الجسر العتيق في الموصل', 'الجسر العتيق يعود إلى الخدمة']);
    expect(entries[0]!.querySelector('.also-in')?.textContent).toBe('نُشر أيضاً في: two.example');

    const copy = await get(`/article/${encodeURIComponent(saved[1]!.slug)}`);
    expect(copy.document.querySelector('.duplicate-note a')?.textContent).toBe('افتتاح الجسر العتيق في الموصل');
  });

  it('calls a story by its most central article, not by a first one that joined on a passing likeness', async () => {
    const outlier = await saveImportedArticle(database.handle.db, buildArticle({
      title: 'افتتاح معرض الكتاب في أربيل',
      paragraphs: ['افتتحت وزارة الثقافة في إقليم كردستان معرض أربيل الدولي للكتاب بمشاركة ثلاثمئة دار نشر من عشرين بلداً.'],
      publishedAt: '2026-11-19T08:00:00.000Z',
      sourceUrl: 'https://one.example/book-fair',
    }));
    await understandImported(database.handle.db, [outlier.slug]);
    const repo = understandingRepository(database.handle.db);
    const idOf = async (slug: string) => (await articleRepository(database.handle.db).findBySlug(slug))!.id;
    const outlierStory = (await repo.storyOf(await idOf(outlier.slug)))!.story_id;
    const bridgeStory = (await repo.storyOf(await idOf(bridgeSlug)))!.story_id;
    expect(bridgeStory).not.toBe(outlierStory);
    // As if the fair's article had started the story and the bridge's reports had joined it.
    await repo.moveStory(bridgeStory, outlierStory);

    const { document } = await get(`/story/${outlierStory}`);
    expect(document.querySelector('.timeline li a')?.textContent).toBe('افتتاح معرض الكتاب في أربيل');
    expect(document.querySelector('h1')?.textContent).toMatch(/الجسر العتيق/);
    expect(document.querySelector('title')?.textContent).toMatch(/الجسر العتيق/);
  });

  it('lists what a country said on its page, as the article page credits it', async () => {
    const saved = await saveImportedArticle(database.handle.db, buildArticle({
      title: 'بيان من بيونغ يانغ',
      paragraphs: ['وقالت كوريا الشمالية في بيان يوم الخميس إن «بعض المسؤولين يعرقلون التقدم المنشود منذ أشهر».'],
      sourceUrl: 'https://one.example/korea',
    }));
    await understandImported(database.handle.db, [saved.slug]);
    const article = await get(`/article/${encodeURIComponent(saved.slug)}`);
    const speaker = article.document.querySelector('.quotes figcaption a')!;
    expect(speaker.textContent).toBe('كوريا الشمالية');
    const { document } = await get(speaker.getAttribute('href')!);
    expect(document.querySelector('#entity-quotes-heading')?.textContent).toBe('تصريحات كوريا الشمالية');
    expect([...document.querySelectorAll('.quotes figure')].map((figure) => figure.textContent)).toEqual([
      expect.stringContaining('بعض المسؤولين يعرقلون التقدم المنشود منذ أشهر'),
    ]);
  });

  it('answers 404 with an Arabic page for an unknown entity or story', async () => {
    for (const url of ['/entity/لا-يوجد', '/story/none']) {
      const { status, document } = await get(url);
      expect(status).toBe(404);
      expect(document.documentElement.getAttribute('lang')).toBe('ar');
    }
  });
});
