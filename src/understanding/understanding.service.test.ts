import { expect, it } from 'vitest';
import { buildArticle } from '../../test/build-article.ts';
import { up as addArticleEntityTimes } from '../db/migrations/0019-article-entity-times.ts';
import { describeEachEngine } from '../../test/engines.ts';
import { saveImportedArticle } from '../articles/article.service.ts';
import { articleRepository } from '../articles/article.repository.ts';
import { slugify } from '../articles/slug.ts';
import { decodeCentroid } from './story-centroid.ts';
import { understandingRepository } from './understanding.repository.ts';
import { understandAll, understandArticles } from './understanding.service.ts';

// Our own text: one event (a port reopening in Basra) told by two sources, the first one imported from two
// feeds, and an unrelated story the same day.
const portStory = [
  'أعلن وزير النقل العراقي سالم الجبوري إعادة فتح ميناء أم قصر في البصرة أمام السفن التجارية بعد أسبوعين من الإغلاق بسبب أعمال الصيانة.',
  'وقال الجبوري في مؤتمر صحافي إن «الميناء سيستقبل أول سفينة محملة بالقمح صباح الغد بعد اكتمال أعمال التوسعة».',
  'وأضاف أن «العمل سيستمر على مدار الساعة لتعويض التأخير في تفريغ الشحنات».',
  'وكانت الشركة العامة لموانئ العراق قد أعلنت إغلاق الرصيف الشمالي للميناء مطلع الشهر الماضي.',
];
const portOtherSource = [
  'عادت حركة السفن التجارية إلى ميناء أم قصر جنوبي العراق بعد إغلاق دام أسبوعين، بحسب ما أعلن وزير النقل سالم الجبوري.',
  'وأوضح الجبوري أن أعمال الصيانة والتوسعة في الميناء اكتملت، وأن أول سفينة محملة بالقمح ستصل إلى البصرة غداً.',
  'ويعد ميناء أم قصر المنفذ البحري الأهم للعراق على الخليج.',
];
const festival = [
  'افتتحت وزارة الثقافة التونسية الدورة الجديدة لمهرجان قرطاج السينمائي في تونس العاصمة بمشاركة أفلام من عشرين بلداً.',
  'وقالت مديرة المهرجان ليلى الصغير إن «الدورة تحتفي بالسينما الأفريقية الشابة وتفتح الباب أمام المخرجين الجدد».',
];

describeEachEngine('understandArticles', (database) => {
  const ids: Record<string, string> = {};
  const centroidsOf = (...storyIds: string[]) => centroidsOfStories(database.handle.db, storyIds);
  const save = async (name: string, overrides: Parameters<typeof buildArticle>[0]) => {
    const saved = await saveImportedArticle(database.handle.db, buildArticle(overrides));
    ids[name] = (await articleRepository(database.handle.db).findBySlug(saved.slug))!.id;
  };

  it('links a duplicate from a second feed, groups another source’s report in the same story, keeps others apart', async () => {
    await save('first', { title: 'إعادة فتح ميناء أم قصر أمام السفن التجارية', paragraphs: portStory, publishedAt: '2026-11-20T08:00:00.000Z', sourceUrl: 'https://one.example/port' });
    await save('copy', { title: 'إعادة فتح ميناء أم قصر أمام السفن', paragraphs: portStory, publishedAt: '2026-11-20T09:00:00.000Z', sourceUrl: 'https://two.example/port' });
    await save('other', { title: 'عودة السفن إلى ميناء أم قصر', paragraphs: portOtherSource, publishedAt: '2026-11-21T07:00:00.000Z', sourceUrl: 'https://three.example/port' });
    await save('festival', { title: 'افتتاح مهرجان قرطاج السينمائي', paragraphs: festival, publishedAt: '2026-11-20T10:00:00.000Z', sourceUrl: 'https://one.example/film' });

    const result = await understandArticles(database.handle.db, Object.values(ids));
    expect(result).toEqual({ understood: 4, unchanged: 0 });

    const repo = understandingRepository(database.handle.db);
    const story = await repo.storyOf(ids.first!);
    expect(story).toEqual({ story_id: ids.first, duplicate_of: null });
    expect(await repo.storyOf(ids.copy!)).toEqual({ story_id: ids.first, duplicate_of: ids.first });
    expect(await repo.storyOf(ids.other!)).toEqual({ story_id: ids.first, duplicate_of: null });
    expect(await repo.storyOf(ids.festival!)).toEqual({ story_id: ids.festival, duplicate_of: null });
  });

  it('keeps each story’s centroid: how many of its articles carry each lead stem and entity', async () => {
    const repo = understandingRepository(database.handle.db);
    const [port, film] = await centroidsOf(ids.first!, ids.festival!);
    expect(port!.articles).toBe(3);
    const minister = (await repo.articleEntities(ids.first!)).find((entity) => entity.name === 'سالم الجبوري')!;
    expect(port!.entities.get(minister.id)).toBe(3);
    expect(film!.articles).toBe(1);
  });

  it('stores each entity once across articles, with what the article says about it', async () => {
    const repo = understandingRepository(database.handle.db);
    const first = await repo.articleEntities(ids.first!);
    expect(first.map((entity) => `${entity.type}:${entity.name}`)).toEqual(
      expect.arrayContaining(['person:سالم الجبوري', 'place:البصرة', 'place:العراق']),
    );
    const other = await repo.articleEntities(ids.other!);
    const minister = first.find((entity) => entity.name === 'سالم الجبوري')!;
    expect(other.find((entity) => entity.type === 'person')?.id).toBe(minister.id);
    // The duplicate is not listed twice on the entity's page.
    const listed = await repo.entityArticles(minister.id, 10, 0);
    expect(listed.map((article) => article.id).sort()).toEqual([ids.first, ids.other].sort());
    expect(await repo.countEntityArticles(minister.id)).toBe(2);
  });

  it('attributes quotes to their speaker, «وأضاف» included', async () => {
    const repo = understandingRepository(database.handle.db);
    const quotes = await repo.articleQuotes(ids.first!);
    expect(quotes.map((quote) => quote.name)).toEqual(['سالم الجبوري', 'سالم الجبوري']);
    expect(quotes[1]!.text).toBe('العمل سيستمر على مدار الساعة لتعويض التأخير في تفريغ الشحنات');
    const festivalQuotes = await repo.articleQuotes(ids.festival!);
    expect(festivalQuotes.map((quote) => quote.name)).toEqual(['ليلى الصغير']);
  });

  it('skips articles whose text has not changed and invalidates cached pages only when something changed', async () => {
    const generation = async () =>
      Number((await database.handle.db.selectFrom('site_generation').select('generation').executeTakeFirst())?.generation ?? 0);
    const before = await generation();
    expect(await understandArticles(database.handle.db, Object.values(ids))).toEqual({ understood: 0, unchanged: 4 });
    expect(await generation()).toBe(before);
    expect(await understandAll(database.handle.db)).toEqual({ understood: 0, unchanged: 4 });
  });

  it('understands an article again when its text changes, leaving the story when it no longer belongs', async () => {
    await saveImportedArticle(
      database.handle.db,
      buildArticle({ title: 'عودة السفن إلى ميناء أم قصر', paragraphs: festival, publishedAt: '2026-11-21T07:00:00.000Z', sourceUrl: 'https://three.example/port' }),
    );
    expect(await understandArticles(database.handle.db, [ids.other!])).toEqual({ understood: 1, unchanged: 0 });
    const repo = understandingRepository(database.handle.db);
    expect((await repo.storyOf(ids.other!))?.story_id).toBe(ids.festival);
    expect(await repo.articleQuotes(ids.other!)).toHaveLength(1);
    // It left the port story's centroid and counts in the festival's.
    expect((await centroidsOf(ids.first!, ids.festival!)).map((centroid) => centroid?.articles)).toEqual([2, 2]);
  });

  it('forgets what it knew of a deleted article', async () => {
    await database.handle.db.deleteFrom('articles').where('id', '=', ids.copy!).execute();
    const repo = understandingRepository(database.handle.db);
    expect(await repo.storyOf(ids.copy!)).toBeUndefined();
    expect(await repo.articleEntities(ids.copy!)).toEqual([]);
  });

  it('builds a story’s centroid again when it no longer counts the story’s articles (one was deleted)', async () => {
    await save('later', { title: 'أول سفينة قمح تصل ميناء أم قصر', paragraphs: portOtherSource, publishedAt: '2026-11-22T07:00:00.000Z', sourceUrl: 'https://four.example/port' });
    await understandArticles(database.handle.db, [ids.later!]);
    const repo = understandingRepository(database.handle.db);
    expect((await repo.storyOf(ids.later!))?.story_id).toBe(ids.first);
    const [port] = await centroidsOf(ids.first!);
    expect(port!.articles).toBe(2);
  });

  it('repairs a centroid that articles understood at once miscounted, when the story is next compared', async () => {
    const reports = ['https://five.example/port', 'https://six.example/port', 'https://seven.example/port', 'https://eight.example/port'];
    for (const [n, sourceUrl] of reports.entries()) {
      await save(`concurrent${n}`, { title: `ميناء أم قصر يستقبل السفن من جديد ${n + 1}`, paragraphs: portOtherSource, publishedAt: `2026-11-21T1${n}:00:00.000Z`, sourceUrl });
    }
    // On PostgreSQL each call has its own connection and transaction, and a centroid rebuilt on read can be written
    // over another's addition: the count may then lag the story for a while.
    await Promise.all(reports.map((_, n) => understandArticles(database.handle.db, [ids[`concurrent${n}`]!])));
    await save('afterwards', { title: 'السفن تعود إلى ميناء أم قصر', paragraphs: portOtherSource, publishedAt: '2026-11-21T20:00:00.000Z', sourceUrl: 'https://nine.example/port' });
    await understandArticles(database.handle.db, [ids.afterwards!]);
    const repo = understandingRepository(database.handle.db);
    const story = (await repo.storyOf(ids.afterwards!))!.story_id;
    expect(story).toBe(ids.first);
    const [centroid] = await centroidsOf(story);
    expect(centroid!.articles).toBe((await repo.storySizes([story])).get(story));
  });

  it('gives a new entity whose name is taken the first free numbered slug, past a first batch of taken ones', async () => {
    const base = slugify('حيدر الساعدي');
    const taken = [base, ...Array.from({ length: 9 }, (_, k) => `${base}-${k + 2}`)];
    await database.handle.db
      .insertInto('entities')
      .values(taken.map((slug, n) => ({ id: `taken-${n}`, slug, type: 'organisation', name: `اسم ${n}`, key: `organisation:اسم ${n}`, created_at: new Date().toISOString() })))
      .execute();
    await save('spokesman', { title: 'الوزارة تنفي', paragraphs: ['وقال المتحدث باسم الوزارة حيدر الساعدي إن «الأنباء المتداولة عن الاستقالة غير صحيحة على الإطلاق».'], publishedAt: '2026-11-22T08:00:00.000Z', sourceUrl: 'https://ten.example/denial' });
    await understandArticles(database.handle.db, [ids.spokesman!]);
    const person = (await understandingRepository(database.handle.db).articleEntities(ids.spokesman!)).find((entity) => entity.name === 'حيدر الساعدي');
    expect(person?.slug).toBe(`${base}-11`);
  });
});

describeEachEngine('how rare an entity is', (database) => {
  it('counts the articles naming an entity in the week before an article, by their publication times', async () => {
    const ids: string[] = [];
    const times = ['2026-10-20T08:00:00.000Z', '2026-11-14T09:00:00.000Z', '2026-11-20T07:00:00.000Z', '2026-11-21T08:00:00.000Z', '2026-11-22T08:00:00.000Z'];
    for (const [n, publishedAt] of times.entries()) {
      const paragraphs = [`${portStory[0]} وهذا التقرير رقم ${n + 1}.`];
      const saved = await saveImportedArticle(database.handle.db, buildArticle({ title: `ميناء أم قصر ${n + 1}`, paragraphs, publishedAt, sourceUrl: `https://rare.example/${n}` }));
      ids.push((await articleRepository(database.handle.db).findBySlug(saved.slug))!.id);
    }
    await understandArticles(database.handle.db, ids);
    const repo = understandingRepository(database.handle.db);
    const minister = (await repo.articleEntities(ids[0]!)).find((entity) => entity.name === 'سالم الجبوري')!;
    // The week before 11-21 08:00: 11-14 09:00, 11-20 and 11-21 itself; not 10-20, not the day after.
    const counts = await repo.entityArticleCounts([minister.id, 'no-such-entity'], { from: '2026-11-14T08:00:00.000Z', to: '2026-11-21T08:00:00.000Z' });
    expect([...counts]).toEqual([[minister.id, 3]]);
    expect((await repo.entityArticleCounts([minister.id])).get(minister.id)).toBe(5);
  });

  it('gives the entities of articles understood before the counts existed their articles’ times (migration 0019)', async () => {
    const db = database.handle.db;
    await db.schema.dropIndex('article_entities_entity_time').execute();
    await db.schema.alterTable('article_entities').dropColumn('published_at').execute();
    await addArticleEntityTimes(db);
    const rows = await db
      .selectFrom('article_entities')
      .innerJoin('articles', 'articles.id', 'article_entities.article_id')
      .select(['article_entities.published_at', 'articles.published_at as article_time'])
      .execute();
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) expect(row.published_at).toBe(row.article_time);
  });
});

async function centroidsOfStories(db: Parameters<typeof understandingRepository>[0], storyIds: string[]) {
  const rows = await understandingRepository(db).centroids(storyIds);
  return storyIds.map((story) => {
    const row = rows.find((candidate) => candidate.story_id === story);
    return row ? decodeCentroid(row) : undefined;
  });
}

describeEachEngine('the order articles are understood in', (database) => {
  it('never ends a backfill page inside a publication time, so articles published together are ordered by content', async () => {
    const at = (publishedAt: string, n: number) =>
      saveImportedArticle(database.handle.db, buildArticle({ publishedAt, sourceUrl: `https://order.example/${n}` }));
    await at('2026-11-20T07:00:00.000Z', 0);
    for (const n of [1, 2, 3]) await at('2026-11-20T08:00:00.000Z', n);
    await at('2026-11-20T09:00:00.000Z', 4);
    const repo = understandingRepository(database.handle.db);
    const first = await repo.publishedIdsAfter(null, 2);
    expect(first.map((row) => row.published_at)).toEqual(['2026-11-20T07:00:00.000Z', ...Array(3).fill('2026-11-20T08:00:00.000Z')]);
    const last = first.at(-1)!;
    const second = await repo.publishedIdsAfter({ publishedAt: last.published_at!, id: last.id }, 2);
    expect(second.map((row) => row.published_at)).toEqual(['2026-11-20T09:00:00.000Z']);
    expect(await understandAll(database.handle.db)).toEqual({ understood: 5, unchanged: 0 });
  });
});
