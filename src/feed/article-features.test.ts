import { expect, it } from 'vitest';
import { buildArticle } from '../../test/build-article.ts';
import { describeEachEngine } from '../../test/engines.ts';
import { saveImportedArticle } from '../articles/article.service.ts';
import { createFeatureCache } from './article-features.ts';

describeEachEngine('article features for the feed', (database) => {
  it('are kept for the time to live, re-read after it, and never include unpublished articles', async () => {
    const { db } = database.handle;
    const idOf = async (title: string, sectionName: string) => {
      const { slug } = await saveImportedArticle(db, buildArticle({ title, sectionName, tags: ['مياه'], paragraphs: [`${title} وفق المراسل.`] }));
      return (await db.selectFrom('articles').select('id').where('slug', '=', slug).executeTakeFirstOrThrow()).id;
    };
    const dam = await idOf('افتتاح سد جديد على النهر', 'محليات');
    const draft = await idOf('مسودة لم تنشر بعد', 'محليات');
    await db.updateTable('articles').set({ status: 'draft' }).where('id', '=', draft).execute();
    const sectionOf = async (name: string) => (await db.selectFrom('sections').select('id').where('name', '=', name).executeTakeFirstOrThrow()).id;

    const kept = createFeatureCache(db, { ttlMs: 60_000 });
    const first = await kept.features([dam, draft, 'no-such-article']);
    expect([...first.keys()]).toEqual([dam]);
    expect(first.get(dam)).toMatchObject({ sectionId: await sectionOf('محليات'), tagIds: [expect.any(String)], duplicate: false });

    // Moved to another section: a cache within its time to live still answers what it read, a new read sees it.
    await saveImportedArticle(db, buildArticle({ title: 'خبر في قسم آخر', sectionName: 'اقتصاد', paragraphs: ['نص آخر للقسم الثاني.'] }));
    await db.updateTable('articles').set({ section_id: await sectionOf('اقتصاد') }).where('id', '=', dam).execute();
    expect((await kept.features([dam])).get(dam)?.sectionId).toBe(await sectionOf('محليات'));
    expect((await createFeatureCache(db, { ttlMs: 0 }).features([dam])).get(dam)?.sectionId).toBe(await sectionOf('اقتصاد'));
    // Published later: an article not published when asked is looked up again once the time to live has passed.
    await db.updateTable('articles').set({ status: 'published' }).where('id', '=', draft).execute();
    expect((await kept.features([draft])).has(draft)).toBe(false);
    expect((await createFeatureCache(db, { ttlMs: 0 }).features([draft])).has(draft)).toBe(true);
  });

  it('keeps at most maxEntries articles, dropping the oldest fetched', async () => {
    const { db } = database.handle;
    const ids = (await db.selectFrom('articles').select('id').where('status', '=', 'published').orderBy('id').execute()).map((row) => row.id);
    expect(ids.length).toBeGreaterThanOrEqual(3);
    const cache = createFeatureCache(db, { ttlMs: 60_000, maxEntries: 2 });
    await cache.features([ids[0]!]);
    await cache.features([ids[1]!, ids[2]!]);
    // The first article was dropped: changing it in the database shows on the next read.
    await db.updateTable('articles').set({ source_name: 'وكالة الأنباء' }).where('id', '=', ids[0]!).execute();
    expect((await cache.features([ids[0]!])).get(ids[0]!)?.sourceName).toBe('وكالة الأنباء');
  });
});
