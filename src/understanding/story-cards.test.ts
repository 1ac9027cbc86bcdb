import { parseHTML } from 'linkedom';
import { describe, expect, it } from 'vitest';
import { buildArticle } from '../../test/build-article.ts';
import { describeEachEngine } from '../../test/engines.ts';
import { buildApp } from '../app.ts';
import { saveImportedArticle } from '../articles/article.service.ts';
import { loadConfig } from '../config.ts';
import { collapseStories, type StoryMap } from './story-cards.ts';
import { understandImported } from './understanding.service.ts';
import { bridge, bridgeElsewhere } from '../../test/bridge-story.ts';

const item = (id: string) => ({ id, slug: `slug-${id}`, title: `عنوان ${id}` });

describe('collapseStories', () => {
  const stories: StoryMap = new Map([
    ['a', { storyId: 's1', sourceName: 'الأولى' }],
    ['b', { storyId: 's2', sourceName: 'الثانية' }],
    ['c', { storyId: 's1', sourceName: 'الثالثة' }],
    ['d', { storyId: 's1', sourceName: null }],
    ['e', { storyId: 's3', sourceName: 'الأولى' }],
  ]);

  it('shows each story once, as its first listed article, with the others as its links, in list order', () => {
    const cards = collapseStories([item('a'), item('b'), item('c'), item('x'), item('d')], stories);
    expect(cards.map((card) => [card.item.id, card.storyId, card.alsoFrom.map((other) => other.id)])).toEqual([
      ['a', 's1', ['c', 'd']],
      ['b', 's2', []],
      ['x', null, []],
    ]);
    expect(cards[0]!.alsoFrom.map((other) => other.sourceName)).toEqual(['الثالثة', null]);
  });

  it('leaves out stories already shown elsewhere on the page', () => {
    expect(collapseStories([item('a'), item('e'), item('c')], stories, new Set(['s1'])).map((card) => card.item.id)).toEqual(['e']);
  });
});


describeEachEngine('one card per story on the home and section pages', (database) => {
  const app = () => buildApp({ config: loadConfig({ SITE_URL: 'https://news.example' }), database: database.handle });
  const get = async (url: string) => parseHTML((await (await app()).inject({ url })).body).document;

  it('collapses the sources of one event into one card with «أيضاً من» links once the articles are understood', async () => {
    const saved = [];
    for (const [source, title, paragraphs, publishedAt] of [
      ['https://one.example/bridge', 'افتتاح الجسر العتيق في الموصل', bridge, '2026-11-20T08:00:00.000Z'],
      ['https://two.example/bridge', 'افتتاح الجسر العتيق في الموصل بعد إعادة بنائه', bridge, '2026-11-20T09:00:00.000Z'],
      ['https://three.example/bridge', 'الجسر العتيق يعود إلى الخدمة', bridgeElsewhere, '2026-11-21T08:00:00.000Z'],
    ] as const) {
      saved.push(await saveImportedArticle(database.handle.db, buildArticle({ title, paragraphs: [...paragraphs], publishedAt, sourceUrl: source, sourceName: new URL(source).host })));
    }
    const library = await saveImportedArticle(database.handle.db, buildArticle({ publishedAt: '2026-11-20T10:00:00.000Z' }));
    const headlines = (document: Document) => [...document.querySelectorAll('.card :is(h2, h3) a')].map((a) => a.textContent);

    // Rendered (and cached) before understanding: four cards. Understanding must retire the cached pages.
    expect(headlines(await get('/'))).toHaveLength(4);
    await understandImported(database.handle.db, [...saved, library].map((article) => article.slug));

    const home = await get('/');
    expect(headlines(home)).toEqual(['الجسر العتيق يعود إلى الخدمة', library.title]);
    const links = [...home.querySelectorAll('.card.lead .also-from a')];
    expect(links.map((a) => a.textContent)).toEqual(['two.example', 'one.example', 'القصة كاملة']);
    expect(links[0]!.getAttribute('href')).toBe(`/article/${encodeURIComponent(saved[1]!.slug)}`);
    expect(links[2]!.getAttribute('href')).toMatch(/^\/story\//);

    const section = await get('/section/ثقافة');
    expect(headlines(section)).toEqual(['الجسر العتيق يعود إلى الخدمة', library.title]);
    expect([...section.querySelectorAll('.also-from a')].map((a) => a.textContent)).toEqual(['two.example', 'one.example', 'القصة كاملة']);
  });
});
