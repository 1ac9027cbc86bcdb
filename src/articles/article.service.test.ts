import { describe, expect, it } from 'vitest';
import { describeEachEngine } from '../../test/engines.ts';
import { buildArticle } from '../../test/build-article.ts';
import { articleRepository } from './article.repository.ts';
import { contentHash, saveImportedArticle } from './article.service.ts';

describe('contentHash', () => {
  it('changes with the text and not otherwise', () => {
    const article = buildArticle();
    expect(contentHash(article)).toBe(contentHash({ ...article }));
    expect(contentHash(article)).not.toBe(contentHash({ ...article, paragraphs: [...article.paragraphs, 'فقرة جديدة.'] }));
  });
});

describeEachEngine('saveImportedArticle', (database) => {
  it('stores the article with its section, authors, tags and related headlines', async () => {
    const { db } = database.handle;
    const article = buildArticle({
      relatedHeadlines: [{ headline: 'عنوان آخر لا نملكه', url: null }],
      sourceUrl: 'https://example.org/library',
    });
    const saved = await saveImportedArticle(db, article);
    expect(saved.outcome).toBe('created');

    const repo = articleRepository(db);
    const row = await repo.findPublishedBySlug(saved.slug);
    expect(row?.title).toBe(article.title);
    expect(JSON.parse(row!.paragraphs)).toEqual(article.paragraphs);
    expect(row?.section_name).toBe('ثقافة');
    expect(row?.published_at).toBe('2026-11-20T08:00:00.000Z');
    const relations = await repo.relationsOf(row!.id);
    expect(relations.authors.map((a) => a.name)).toEqual(['سلمى حداد']);
    expect(relations.tags.map((t) => t.name)).toEqual(['مكتبات']);
    expect(relations.relatedHeadlines).toEqual([{ headline: 'عنوان آخر لا نملكه', url: null, relatedSlug: null }]);
  });

  it('changes nothing when the same content arrives again', async () => {
    const { db } = database.handle;
    const article = buildArticle();
    const first = await saveImportedArticle(db, article, new Date('2026-11-21T00:00:00Z'));
    const again = await saveImportedArticle(db, article, new Date('2026-11-22T00:00:00Z'));
    expect(again).toEqual({ ...first, outcome: 'unchanged' });
    const row = await articleRepository(db).findPublishedBySlug(first.slug);
    expect(row?.updated_at).toBe('2026-11-21T00:00:00.000Z');
  });

  it('updates an article in place when its canonical URL returns with new text, keeping the slug', async () => {
    const { db } = database.handle;
    const article = buildArticle({ sourceUrl: 'https://example.org/edited' });
    const first = await saveImportedArticle(db, article);
    const edited = await saveImportedArticle(db, { ...article, title: 'عنوان معدل بعد التصحيح', paragraphs: ['نص مصحح.'] });
    expect(edited.outcome).toBe('updated');
    expect(edited.slug).toBe(first.slug);
    const row = await articleRepository(db).findPublishedBySlug(first.slug);
    expect(row?.title).toBe('عنوان معدل بعد التصحيح');
  });

  it('gives two articles with one title different slugs', async () => {
    const { db } = database.handle;
    const a = await saveImportedArticle(db, buildArticle({ title: 'خبر عاجل' }));
    const b = await saveImportedArticle(db, buildArticle({ title: 'خبر عاجل', paragraphs: ['نص مختلف تماما.'] }));
    expect(a.slug).toBe('خبر-عاجل');
    expect(b.slug).toBe('خبر-عاجل-2');
  });

  it('links a related headline to our own article with that title', async () => {
    const { db } = database.handle;
    const target = await saveImportedArticle(db, buildArticle({ title: 'المنتخب يفوز بالكأس' }));
    const saved = await saveImportedArticle(db, buildArticle({ relatedHeadlines: [{ headline: 'المنتخب يفوز بالكأس', url: null }] }));
    const repo = articleRepository(db);
    const row = await repo.findPublishedBySlug(saved.slug);
    expect((await repo.relationsOf(row!.id)).relatedHeadlines[0]?.relatedSlug).toBe(target.slug);
  });

  it('rejects an article without a title or body and writes nothing', async () => {
    const { db } = database.handle;
    const before = await articleRepository(db).countPublished();
    await expect(saveImportedArticle(db, buildArticle({ title: '  ' }))).rejects.toThrow(/no title/);
    await expect(saveImportedArticle(db, buildArticle({ paragraphs: [] }))).rejects.toThrow(/no body paragraphs/);
    expect(await articleRepository(db).countPublished()).toBe(before);
  });
});
