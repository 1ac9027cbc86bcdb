import { expect, it } from 'vitest';
import { saveImportedArticle } from '../articles/article.service.ts';
import { buildArticle } from '../../test/build-article.ts';
import { describeEachEngine } from '../../test/engines.ts';
import { createReadRecorder } from '../feed/read-recorder.ts';
import { isSahifaError } from '../lib/errors.ts';
import { exportSaved, listSaved, saveArticle, savedAmong, unsaveArticle } from './saved.service.ts';

describeEachEngine('saved articles', (database) => {
  const slugs: string[] = [];

  it('saves, lists newest first, and saving twice changes nothing', async () => {
    const { db } = database.handle;
    for (const [title, section] of [
      ['أمطار غزيرة تغمر شوارع المدينة', 'محليات'],
      ['مهرجان المسرح يعلن جوائزه', 'ثقافة'],
      ['إطلاق قمر صناعي للأرصاد', 'علوم'],
    ] as const) {
      slugs.push((await saveImportedArticle(db, buildArticle({ title, sectionName: section }))).slug);
    }
    await saveArticle(db, 'reader-1', slugs[0]!, new Date('2026-11-25T08:00:00Z'));
    await saveArticle(db, 'reader-1', slugs[1]!, new Date('2026-11-25T09:00:00Z'));
    await saveArticle(db, 'reader-1', slugs[0]!, new Date('2026-11-25T10:00:00Z'));
    await saveArticle(db, 'reader-2', slugs[2]!, new Date('2026-11-25T10:00:00Z'));
    const list = await listSaved(db, 'reader-1', { limit: 10, offset: 0 });
    expect(list.total).toBe(2);
    expect(list.items.map((item) => item.slug)).toEqual([slugs[1], slugs[0]]);
    expect(list.items[1]!.saved_at).toBe('2026-11-25T08:00:00.000Z');
    expect(list.sections.map((section) => section.name).sort()).toEqual(['ثقافة', 'محليات'].sort());
  });

  it('filters by section and searches inside saved with Arabic spelling variants', async () => {
    const { db } = database.handle;
    const culture = await db.selectFrom('sections').select('slug').where('name', '=', 'ثقافة').executeTakeFirstOrThrow();
    expect((await listSaved(db, 'reader-1', { section: culture.slug, limit: 10, offset: 0 })).items.map((i) => i.slug)).toEqual([slugs[1]]);
    // "امطار" without hamza and "غزيره" with haa find "أمطار غزيرة".
    const found = await listSaved(db, 'reader-1', { q: 'امطار غزيره', limit: 10, offset: 0 });
    expect(found.items.map((i) => i.slug)).toEqual([slugs[0]]);
    expect((await listSaved(db, 'reader-1', { q: 'قمر', limit: 10, offset: 0 })).total).toBe(0);
    await expect(listSaved(db, 'reader-1', { section: 'لا-يوجد', limit: 10, offset: 0 })).rejects.toSatisfy((e) => isSahifaError(e, 'NOT_FOUND'));
  });

  it('remembers where the reader stopped, for "continue reading"', async () => {
    const { db } = database.handle;
    const id = (await db.selectFrom('articles').select('id').where('slug', '=', slugs[0]!).executeTakeFirstOrThrow()).id;
    const recorder = createReadRecorder(db);
    recorder.record({ readerId: 'reader-1', articleId: id, at: '2026-11-25T10:05:00.000Z', dwellSeconds: 40, paragraph: 1, counts: false });
    await recorder.close();
    const list = await listSaved(db, 'reader-1', { limit: 10, offset: 0 });
    expect(list.items.find((item) => item.slug === slugs[0])?.paragraph).toBe(1);
    expect(list.items.find((item) => item.slug === slugs[1])?.paragraph).toBeNull();
  });

  it('exports links, and unsaves', async () => {
    const { db } = database.handle;
    const exported = await exportSaved(db, 'reader-1', 'https://sahifa.example');
    expect(exported.map((item) => item.url)).toEqual([
      `https://sahifa.example/article/${encodeURIComponent(slugs[1]!)}`,
      `https://sahifa.example/article/${encodeURIComponent(slugs[0]!)}`,
    ]);
    await unsaveArticle(db, 'reader-1', slugs[1]!);
    const ids = await db.selectFrom('articles').select('id').where('slug', 'in', slugs).execute();
    expect((await savedAmong(db, 'reader-1', ids.map((row) => row.id))).size).toBe(1);
    await expect(saveArticle(db, 'reader-1', 'لا-يوجد')).rejects.toSatisfy((e) => isSahifaError(e, 'NOT_FOUND'));
  });
});
