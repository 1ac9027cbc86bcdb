import { expect, it } from 'vitest';
import { saveImportedArticle } from '../articles/article.service.ts';
import { buildArticle } from '../../test/build-article.ts';
import { describeEachEngine } from '../../test/engines.ts';
import { isSahifaError } from '../lib/errors.ts';
import { understandArticles } from '../understanding/understanding.service.ts';
import { saveArticle } from '../saved/saved.service.ts';
import { buildFeed } from './feed.service.ts';
import { clearHistory, completeOnboarding, follow, forgetReader, mute, readerSettings, resetLearning, unfollow, unmute } from './follow.service.ts';
import { createReadRecorder } from './read-recorder.ts';
import { readingRepository } from './reading.repository.ts';

const NOW = new Date('2026-11-25T09:00:00.000Z');
const hoursAgo = (hours: number) => new Date(NOW.getTime() - hours * 3_600_000).toISOString();

describeEachEngine('the "لك" feed', (database) => {
  const slugs: Record<string, string> = {};
  const ids: Record<string, string> = {};
  const sectionSlugs = new Map<string, string>();

  it('is built on a small newsroom', async () => {
    const { db } = database.handle;
    const add = async (key: string, overrides: Parameters<typeof buildArticle>[0]) => {
      // Each with its own text: articles with the same text are linked as duplicates and shown once.
      const paragraphs = [`${overrides?.title} بحسب ما أفاد مراسلنا.`];
      const saved = await saveImportedArticle(db, buildArticle({ authors: [], paragraphs, ...overrides }));
      slugs[key] = saved.slug;
      ids[key] = (await db.selectFrom('articles').select('id').where('slug', '=', saved.slug).executeTakeFirstOrThrow()).id;
    };
    await add('iraq', { title: 'انتخابات مجالس المحافظات في العراق', sectionName: 'سياسة', tags: ['العراق'], publishedAt: hoursAgo(6) });
    await add('iraq2', { title: 'بغداد تستضيف مؤتمراً للمياه', sectionName: 'سياسة', tags: ['العراق'], publishedAt: hoursAgo(8) });
    await add('cup', { title: 'المنتخب يتأهل إلى نصف النهائي', sectionName: 'رياضة', tags: ['كرة القدم'], publishedAt: hoursAgo(1) });
    await add('market', { title: 'البورصة تغلق على ارتفاع', sectionName: 'اقتصاد', tags: ['أسواق'], authors: ['رامي خليل'], publishedAt: hoursAgo(2) });
    await add('books', { title: 'معرض الكتاب يفتح أبوابه', sectionName: 'ثقافة', tags: ['كتب'], publishedAt: hoursAgo(3) });
    await add('old', { title: 'خبر قديم خارج النافذة', sectionName: 'سياسة', tags: ['العراق'], publishedAt: hoursAgo(24 * 30) });
    for (const row of await db.selectFrom('sections').select(['slug', 'name']).execute()) sectionSlugs.set(row.name, row.slug);
    expect(sectionSlugs.size).toBe(4);
  });

  it('gives an anonymous reader a popularity and freshness feed, explained', async () => {
    const { db } = database.handle;
    const recorder = createReadRecorder(db);
    for (let i = 0; i < 5; i++) recorder.record({ readerId: null, articleId: ids.books!, at: hoursAgo(1), dwellSeconds: 0, paragraph: null, counts: true });
    await recorder.close();
    // Anonymous reads leave only a count.
    expect(await db.selectFrom('read_events').selectAll().execute()).toEqual([]);
    const feed = await buildFeed(db, null, { size: 10, now: NOW });
    expect(feed.personalized).toBe(false);
    expect(feed.items[0]).toMatchObject({ article: { slug: slugs.books }, reason: { kind: 'trending' } });
    expect(feed.items.map((item) => item.article.slug)).not.toContain(slugs.old);
    const fresh = feed.items.find((item) => item.article.slug === slugs.cup);
    expect(fresh?.reason).toMatchObject({ kind: 'fresh', section: { kind: 'section', name: 'رياضة' } });
  });

  it('puts a followed tag’s fresh article first, saying "because you follow"', async () => {
    const { db } = database.handle;
    await follow(db, 'reader-1', 'tag', 'العراق', NOW);
    const feed = await buildFeed(db, 'reader-1', { size: 10, now: NOW });
    expect(feed.personalized).toBe(true);
    expect(feed.items[0]).toMatchObject({ article: { slug: slugs.iraq }, reason: { kind: 'follow', target: { kind: 'tag', name: 'العراق' } } });
    expect((await readerSettings(db, 'reader-1')).follows.map((target) => target.name)).toEqual(['العراق']);
  });

  it('never shows hidden topics; "fewer" lowers; both are reversible', async () => {
    const { db } = database.handle;
    await mute(db, 'reader-1', 'section', slugOfSection('رياضة'), 'hide', NOW);
    let feed = await buildFeed(db, 'reader-1', { size: 10, now: NOW });
    expect(feed.items.map((item) => item.article.slug)).not.toContain(slugs.cup);
    await mute(db, 'reader-1', 'tag', 'العراق', 'fewer', NOW);
    feed = await buildFeed(db, 'reader-1', { size: 10, now: NOW });
    expect(feed.items[0]!.article.slug).not.toBe(slugs.iraq);
    expect((await readerSettings(db, 'reader-1')).mutes.map((m) => m.mode).sort()).toEqual(['fewer', 'hide']);
    await unmute(db, 'reader-1', 'section', slugOfSection('رياضة'));
    await unmute(db, 'reader-1', 'tag', 'العراق');
    feed = await buildFeed(db, 'reader-1', { size: 10, now: NOW });
    expect(feed.items[0]!.article.slug).toBe(slugs.iraq);
    expect(feed.items.map((item) => item.article.slug)).toContain(slugs.cup);
  });

  it('leaves out what the reader read, learns from reads, and forgets on reset', async () => {
    const { db } = database.handle;
    await unfollow(db, 'reader-1', 'tag', 'العراق');
    const recorder = createReadRecorder(db);
    recorder.record({ readerId: 'reader-1', articleId: ids.market!, at: hoursAgo(1), dwellSeconds: 0, paragraph: null, counts: true });
    recorder.record({ readerId: 'reader-1', articleId: ids.market!, at: hoursAgo(0.9), dwellSeconds: 170, paragraph: 1, counts: false });
    await recorder.close();
    let feed = await buildFeed(db, 'reader-1', { size: 10, now: NOW });
    expect(feed.items.map((item) => item.article.slug)).not.toContain(slugs.market);
    // Reading one economy article by an author makes nothing else of theirs here; the profile is learned though.
    expect(feed.personalized).toBe(true);
    await resetLearning(db, 'reader-1', NOW);
    feed = await buildFeed(db, 'reader-1', { size: 10, now: new Date(NOW.getTime() + 1000) });
    expect(feed.personalized).toBe(false);
    // Still read: a reset forgets tastes, not what was read.
    expect(feed.items.map((item) => item.article.slug)).not.toContain(slugs.market);
    const history = await readingRepository(db).history('reader-1', { limit: 10 });
    expect(history).toMatchObject([{ slug: slugs.market, paragraph: 1 }]);
    expect(await clearHistory(db, 'reader-1')).toBe(2);
  });

  it('learns a taste from saves', async () => {
    const { db } = database.handle;
    await saveArticle(db, 'reader-2', slugs.iraq2!, NOW);
    const feed = await buildFeed(db, 'reader-2', { size: 10, now: new Date(NOW.getTime() + 1000) });
    expect(feed.items[0]).toMatchObject({ article: { slug: slugs.iraq }, reason: { kind: 'learned' } });
  });

  it('onboards with at least three topics in one transaction, or a skip', async () => {
    const { db } = database.handle;
    const section = slugOfSection('ثقافة');
    await expect(completeOnboarding(db, 'reader-3', [{ kind: 'section', slug: section }])).rejects.toSatisfy((e) => isSahifaError(e, 'INVALID_INPUT'));
    await expect(
      completeOnboarding(db, 'reader-3', [
        { kind: 'section', slug: section },
        { kind: 'tag', slug: 'كتب' },
        { kind: 'tag', slug: 'لا-يوجد' },
      ]),
    ).rejects.toSatisfy((e) => isSahifaError(e, 'NOT_FOUND'));
    expect((await readerSettings(db, 'reader-3')).follows).toEqual([]);
    await completeOnboarding(db, 'reader-3', [
      { kind: 'section', slug: section },
      { kind: 'tag', slug: 'كتب' },
      { kind: 'tag', slug: 'أسواق' },
    ]);
    const settings = await readerSettings(db, 'reader-3');
    expect(settings.onboarded).toBe(true);
    expect(settings.follows.map((t) => t.name).sort()).toEqual(['أسواق', 'ثقافة', 'كتب'].sort());
    await completeOnboarding(db, 'reader-4', [], { skip: true });
    expect((await readerSettings(db, 'reader-4')).onboarded).toBe(true);
  });

  it('follows an entity found in articles (src/understanding) and explains with its name', async () => {
    const { db } = database.handle;
    // The same report again from a second feed: linked as a duplicate, shown once.
    const copy = await saveImportedArticle(
      db,
      buildArticle({ title: 'انتخابات مجالس المحافظات في العراق اليوم', paragraphs: ['انتخابات مجالس المحافظات في العراق بحسب ما أفاد مراسلنا.'], authors: [], sectionName: 'سياسة', publishedAt: hoursAgo(5) }),
    );
    ids.copy = (await db.selectFrom('articles').select('id').where('slug', '=', copy.slug).executeTakeFirstOrThrow()).id;
    await understandArticles(db, Object.values(ids));
    const entity = await db.selectFrom('entities').select(['slug', 'name']).where('name', '=', 'العراق').executeTakeFirstOrThrow();
    await follow(db, 'reader-5', 'entity', entity.slug, NOW);
    const feed = await buildFeed(db, 'reader-5', { size: 10, now: NOW });
    expect(feed.items[0]).toMatchObject({ reason: { kind: 'follow', target: { kind: 'entity', name: 'العراق' } } });
    const shown = feed.items.map((item) => item.article.slug);
    expect(shown.filter((slug) => slug === slugs.iraq || slug === copy.slug)).toHaveLength(1);
    await expect(follow(db, 'reader-5', 'entity', 'لا-يوجد')).rejects.toSatisfy((e) => isSahifaError(e, 'NOT_FOUND'));
  });

  it('forgets a reader entirely', async () => {
    const { db } = database.handle;
    await forgetReader(db, 'reader-3');
    const settings = await readerSettings(db, 'reader-3');
    expect(settings).toMatchObject({ follows: [], mutes: [], onboarded: false });
  });

  function slugOfSection(name: string) {
    return sectionSlugs.get(name)!;
  }
});
