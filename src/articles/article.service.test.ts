import { describe, expect, it } from 'vitest';
import { describeEachEngine } from '../../test/engines.ts';
import { buildArticle } from '../../test/build-article.ts';
import { articleRepository } from './article.repository.ts';
import { sql } from 'kysely';
import { contentHash, type SaveResult, saveImportedArticle, saveImportedArticles } from './article.service.ts';

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

describeEachEngine('saveImportedArticles', (database) => {
  it('saves a whole group and reports invalid articles by position', async () => {
    const { db } = database.handle;
    const articles = [buildArticle(), buildArticle({ title: '   ' }), buildArticle()];
    const results = await saveImportedArticles(db, articles);
    expect(results.map((r) => (r instanceof Error ? r.message : r.outcome))).toEqual(['created', 'article has no title', 'created']);
    const again = await saveImportedArticles(db, [articles[0]!, articles[2]!]);
    expect(again.map((r) => (r instanceof Error ? r.message : r.outcome))).toEqual(['unchanged', 'unchanged']);
  });

  it('within one group: one title gets distinct slugs, a shared author or tag is one row, a repeated URL is updated', async () => {
    const { db } = database.handle;
    await saveImportedArticle(db, buildArticle({ title: 'قمة المناخ تختتم أعمالها', authors: ['سارة المحررة'] }));
    const results = await saveImportedArticles(db, [
      buildArticle({ title: 'قمة المناخ تختتم أعمالها', authors: ['سارة المحررة'], tags: ['المناخ'], sourceUrl: 'https://example.org/a' }),
      buildArticle({ title: 'قمة المناخ تختتم أعمالها', authors: ['سارة المحررة', 'كاتب جديد'], tags: ['المناخ'], sourceUrl: 'https://example.org/b' }),
      buildArticle({ title: 'قمة المناخ: النص النهائي', authors: ['كاتب جديد'], sourceUrl: 'https://example.org/a' }),
    ]);
    expect(results.map((r) => (r instanceof Error ? r.message : [r.outcome, r.slug]))).toEqual([
      ['created', 'قمة-المناخ-تختتم-أعمالها-2'],
      ['created', 'قمة-المناخ-تختتم-أعمالها-3'],
      ['updated', 'قمة-المناخ-تختتم-أعمالها-2'],
    ]);
    const authors = await db.selectFrom('authors').select('name').where('name', 'in', ['سارة المحررة', 'كاتب جديد']).execute();
    expect(authors.map((row) => row.name).sort()).toEqual(['سارة المحررة', 'كاتب جديد']);
    expect(await db.selectFrom('tags').select('name').where('name', '=', 'المناخ').execute()).toHaveLength(1);
    const repo = articleRepository(db);
    const updated = await repo.findPublishedBySlug('قمة-المناخ-تختتم-أعمالها-2');
    expect(updated?.title).toBe('قمة المناخ: النص النهائي');
    expect((await repo.relationsOf(updated!.id)).authors.map((author) => author.name)).toEqual(['كاتب جديد']);
  });

  it('when the database refuses one article of a group, saves the others and leaves nothing of the refused one', async () => {
    const { db, engine } = database.handle;
    const refused = 'مقال يرفضه قيد في قاعدة البيانات';
    // A trigger stands in for any failure the database raises in the middle of a group.
    if (engine === 'sqlite') {
      await sql`create trigger refuse_article before insert on articles when new.title = ${sql.lit(refused)}
        begin select raise(abort, 'refused by the database'); end`.execute(db);
    } else {
      await sql`create function refuse_article() returns trigger language plpgsql as $$
        begin if new.title = ${sql.lit(refused)} then raise exception 'refused by the database'; end if; return new; end $$`.execute(db);
      await sql`create trigger refuse_article before insert on articles for each row execute function refuse_article()`.execute(db);
    }
    const articles = [buildArticle(), buildArticle({ title: refused, tags: ['وسم المقال المرفوض'] }), buildArticle()];
    const results = await saveImportedArticles(db, articles);
    expect(results[0]).toMatchObject({ outcome: 'created' });
    expect(results[1]).toBeInstanceOf(Error);
    expect((results[1] as Error).message).toContain('refused by the database');
    expect(results[2]).toMatchObject({ outcome: 'created' });

    const repo = articleRepository(db);
    expect(await repo.findPublishedBySlug((results[0] as SaveResult).slug)).toBeTruthy();
    expect(await repo.findPublishedBySlug((results[2] as SaveResult).slug)).toBeTruthy();
    const titles = await db.selectFrom('articles').select('title').where('title', '=', refused).execute();
    expect(titles).toEqual([]);
    const tags = await db.selectFrom('tags').select('name').where('name', '=', 'وسم المقال المرفوض').execute();
    expect(tags).toEqual([]);
  });
});
