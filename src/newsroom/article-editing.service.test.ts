import { expect, it } from 'vitest';
import { buildArticle } from '../../test/build-article.ts';
import { describeEachEngine } from '../../test/engines.ts';
import { articleRepository } from '../articles/article.repository.ts';
import { saveImportedArticle } from '../articles/article.service.ts';
import { pageCacheRepository } from '../articles/page-cache.repository.ts';
import { isSahifaError } from '../lib/errors.ts';
import { searchArticles } from '../search/search.service.ts';
import type { EditableArticle } from './article-content.ts';
import {
  autosave,
  createArticle,
  findAutosave,
  loadEditable,
  publishArticle,
  publishDueArticles,
  restoreRevision,
  saveArticle,
  scheduleArticle,
  unpublishArticle,
} from './article-editing.service.ts';
import { newsroomRepository } from './newsroom.repository.ts';
import { diffArticles } from './revision-diff.ts';

const editor = { id: 'user-editor-1', name: 'هدى المحررة' };
const other = { id: 'user-editor-2', name: 'كريم المحرر' };

let counter = 0;
function buildEditable(overrides: Partial<EditableArticle> = {}): EditableArticle {
  counter++;
  return {
    title: `بلدية المدينة تفتتح حديقة الزيتون رقم ${counter}`,
    subtitle: 'حديقة جديدة على ضفة النهر',
    body: '## الافتتاح\n\nافتتحت البلدية **صباح اليوم** حديقة عامة.\n\n> قال رئيس البلدية: «الحديقة للجميع»\n\n- ممرات للمشي\n- ملعب للأطفال',
    sectionId: null,
    tags: ['حدائق'],
    authors: ['هدى المحررة'],
    related: [],
    sourceName: null,
    sourceUrl: null,
    breaking: false,
    ...overrides,
  };
}

const isCode = (code: string) => (error: unknown) => isSahifaError(error, code);

describeEachEngine('article editing', (database) => {
  it('creates a draft that readers cannot see, with its first revision and an audit entry', async () => {
    const { db } = database.handle;
    const created = await createArticle(db, buildEditable(), editor);
    expect(created.version).toBe(1);
    expect(await articleRepository(db).findPublishedBySlug(created.slug)).toBeUndefined();
    const row = await newsroomRepository(db).findArticle(created.id);
    expect(row?.status).toBe('draft');
    // The body's blocks become the paragraphs search, excerpts and feeds use.
    expect(JSON.parse(row!.paragraphs)).toEqual([
      'الافتتاح',
      'افتتحت البلدية صباح اليوم حديقة عامة.',
      'قال رئيس البلدية: «الحديقة للجميع»',
      'ممرات للمشي',
      'ملعب للأطفال',
    ]);
    expect((await newsroomRepository(db).listRevisions(created.id)).map((r) => r.version)).toEqual([1]);
    const audit = await newsroomRepository(db).listAudit({ limit: 10, offset: 0, subjectId: created.id });
    expect(audit.map((entry) => [entry.action, entry.actor_name])).toEqual([['article.create', 'هدى المحررة']]);
  });

  it('refuses a save based on an older version and keeps the other editor’s text', async () => {
    const { db } = database.handle;
    const created = await createArticle(db, buildEditable(), editor);
    const first = await saveArticle(db, created.id, buildEditable({ title: 'عنوان هدى الجديد' }), 1, editor);
    expect(first.version).toBe(2);
    const conflict = await saveArticle(db, created.id, buildEditable({ title: 'عنوان كريم' }), 1, other).catch((error) => error);
    expect(isCode('EDIT_CONFLICT')(conflict)).toBe(true);
    expect(conflict.details.currentVersion).toBe(2);
    const { article, content } = await loadEditable(db, created.id);
    expect(article.title).toBe('عنوان هدى الجديد');
    expect(content.title).toBe('عنوان هدى الجديد');
  });

  it('lets only one of two simultaneous saves of the same version through', async () => {
    const { db } = database.handle;
    const created = await createArticle(db, buildEditable(), editor);
    const results = await Promise.allSettled([
      saveArticle(db, created.id, buildEditable({ title: 'أولاً' }), 1, editor),
      saveArticle(db, created.id, buildEditable({ title: 'ثانياً' }), 1, other),
    ]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const rejected = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
    expect(isCode('EDIT_CONFLICT')(rejected.reason)).toBe(true);
    expect((await newsroomRepository(db).findArticle(created.id))?.version).toBe(2);
  });

  it('publishes into search and the page cache generation, and unpublishes out of them', async () => {
    const { db } = database.handle;
    const created = await createArticle(db, buildEditable({ title: 'مهرجان القراءة الصيفي في ساحة الفسيفساء' }), editor);
    expect((await searchArticles(db, 'الفسيفساء')).total).toBe(0);
    const before = (await pageCacheRepository(db).lookup('/')).generation;
    await publishArticle(db, created.id, editor, { now: new Date('2026-11-25T09:00:00Z') });
    const row = await articleRepository(db).findPublishedBySlug(created.slug);
    expect(row?.published_at).toBe('2026-11-25T09:00:00.000Z');
    expect((await searchArticles(db, 'الفسيفساء')).hits.map((hit) => hit.slug)).toEqual([created.slug]);
    expect((await pageCacheRepository(db).lookup('/')).generation).toBeGreaterThan(before);

    // Editing a published article re-indexes it at once.
    await saveArticle(db, created.id, buildEditable({ title: 'مهرجان القراءة الصيفي في ساحة القناديل' }), 1, editor);
    expect((await searchArticles(db, 'الفسيفساء')).total).toBe(0);
    expect((await searchArticles(db, 'القناديل')).total).toBe(1);

    await unpublishArticle(db, created.id, editor);
    expect(await articleRepository(db).findPublishedBySlug(created.slug)).toBeUndefined();
    expect((await searchArticles(db, 'القناديل')).total).toBe(0);
    const actions = (await newsroomRepository(db).listAudit({ limit: 10, offset: 0, subjectId: created.id })).map((e) => e.action);
    expect(actions.sort()).toEqual(['article.create', 'article.publish', 'article.unpublish', 'article.update']);
  });

  it('publishes a scheduled article when its time comes, once', async () => {
    const { db } = database.handle;
    const created = await createArticle(db, buildEditable(), editor);
    const at = new Date('2026-11-25T10:01:00Z');
    await scheduleArticle(db, created.id, at, editor, { now: new Date('2026-11-25T10:00:00Z') });
    expect((await newsroomRepository(db).findArticle(created.id))?.status).toBe('scheduled');
    expect(await publishDueArticles(db, { now: new Date('2026-11-25T10:00:59Z') })).not.toContain(created.id);
    expect(await articleRepository(db).findPublishedBySlug(created.slug)).toBeUndefined();
    expect(await publishDueArticles(db, { now: new Date('2026-11-25T10:01:00Z') })).toContain(created.id);
    const row = await articleRepository(db).findPublishedBySlug(created.slug);
    expect(row?.published_at).toBe('2026-11-25T10:01:00.000Z');
    expect(await publishDueArticles(db, { now: new Date('2026-11-25T10:02:00Z') })).not.toContain(created.id);
  });

  it('refuses to schedule in the past, naming the field', async () => {
    const { db } = database.handle;
    const created = await createArticle(db, buildEditable(), editor);
    const error = await scheduleArticle(db, created.id, new Date('2026-11-25T09:00:00Z'), editor, { now: new Date('2026-11-25T10:00:00Z') }).catch(
      (e) => e,
    );
    expect(isCode('INVALID_FIELDS')(error)).toBe(true);
    expect(Object.keys(error.details.fields)).toEqual(['publishAt']);
  });

  it('calls the breaking-news hook when a breaking article is published, inside the transaction', async () => {
    const { db } = database.handle;
    const created = await createArticle(db, buildEditable({ breaking: true }), editor);
    const calls: string[] = [];
    await publishArticle(db, created.id, editor, { onBreakingPublished: async (_trx, id) => void calls.push(id) });
    expect(calls).toEqual([created.id]);

    // A hook that fails rolls the publication back.
    const second = await createArticle(db, buildEditable({ breaking: true }), editor);
    const failing = async () => {
      throw new Error('queue unavailable');
    };
    await expect(publishArticle(db, second.id, editor, { onBreakingPublished: failing })).rejects.toThrow('queue unavailable');
    expect((await newsroomRepository(db).findArticle(second.id))?.status).toBe('draft');
  });

  it('keeps every revision, diffs two of them and restores an old one as a new version', async () => {
    const { db } = database.handle;
    const original = buildEditable();
    const created = await createArticle(db, original, editor);
    await saveArticle(db, created.id, { ...original, body: `${original.body}\n\nفقرة أضافها المحرر.` }, 1, other);
    const repo = newsroomRepository(db);
    const v1 = (await repo.findRevision(created.id, 1))!;
    const v2 = (await repo.findRevision(created.id, 2))!;
    expect(v2.actor_name).toBe('كريم المحرر');
    const diff = diffArticles(JSON.parse(v1.content), JSON.parse(v2.content), () => '');
    expect(diff.map((d) => d.field)).toEqual(['body']);
    expect(diff[0]!.parts.filter((p) => p.kind === 'added').map((p) => p.text.trim()).join(' ')).toContain('فقرة أضافها المحرر.');

    const restored = await restoreRevision(db, created.id, 1, 2, editor);
    expect(restored.version).toBe(3);
    expect((await loadEditable(db, created.id)).content.body).toBe(original.body);
    expect((await repo.listRevisions(created.id)).map((r) => [r.version, r.note])).toEqual([
      [3, 'استعاد النسخة 1'],
      [2, null],
      [1, null],
    ]);
  });

  it('links related articles of ours, keeps other sites’ headlines, and names a wrong line', async () => {
    const { db } = database.handle;
    const imported = await saveImportedArticle(db, buildArticle());
    const created = await createArticle(
      db,
      buildEditable({ related: [`https://sahifa.example/article/${encodeURIComponent(imported.slug)}`, 'خبر من موقع آخر | https://example.org/x'] }),
      editor,
    );
    const relations = await articleRepository(db).relationsOf(created.id);
    expect(relations.relatedHeadlines).toEqual([
      { headline: imported.title, url: null, relatedSlug: imported.slug },
      { headline: 'خبر من موقع آخر', url: 'https://example.org/x', relatedSlug: null },
    ]);
    const error = await createArticle(db, buildEditable({ related: ['مقال-غير-موجود'] }), editor).catch((e) => e);
    expect(error.details.fields.related).toContain('مقال-غير-موجود');
    const badSection = await createArticle(db, buildEditable({ sectionId: 'no-such-section' }), editor).catch((e) => e);
    expect(Object.keys(badSection.details.fields)).toEqual(['sectionId']);
  });

  it('opens an imported article with its paragraphs as Markdown that renders back to them', async () => {
    const { db } = database.handle;
    const imported = await saveImportedArticle(db, buildArticle({ paragraphs: ['- ليست قائمة بل فقرة.', '2026. عام جديد.', 'فقرة عادية.'] }));
    const row = await articleRepository(db).findPublishedBySlug(imported.slug);
    const { content, article } = await loadEditable(db, row!.id);
    expect(content.tags).toEqual(['مكتبات']);
    await saveArticle(db, article.id, content, article.version, editor);
    const saved = await articleRepository(db).findPublishedBySlug(imported.slug);
    expect(JSON.parse(saved!.paragraphs)).toEqual(['- ليست قائمة بل فقرة.', '2026. عام جديد.', 'فقرة عادية.']);
  });

  it('keeps an editor’s autosave per article until they save', async () => {
    const { db } = database.handle;
    const created = await createArticle(db, buildEditable(), editor);
    await autosave(db, created.id, editor, { title: 'ما كتبته قبل أن ينقطع الاتصال' }, 1);
    expect((await findAutosave(db, created.id, editor))?.content.title).toBe('ما كتبته قبل أن ينقطع الاتصال');
    expect(await findAutosave(db, created.id, other)).toBeNull();
    await saveArticle(db, created.id, buildEditable(), 1, editor);
    expect(await findAutosave(db, created.id, editor)).toBeNull();
  });
});
