import { sql } from 'kysely';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildArticle } from '../../test/build-article.ts';
import { deriveSqliteSearchIndex } from '../../test/derive-search-index.ts';
import { describeEachEngine, engines, freshPostgresSchema } from '../../test/engines.ts';
import { deleteArticle, saveImportedArticle, saveImportedArticles } from '../articles/article.service.ts';
import { parseTextPage } from '../ingest/text-page.ts';
import { openDatabase } from '../db/database.ts';
import { migrateToLatest } from '../db/migrate.ts';
import { up as rebuildWithAsciiTokens } from '../db/migrations/0010-search-index-ascii-tokens.ts';
import { up as addPostgresSearchPlacement } from '../db/migrations/0012-postgres-search-placement.ts';
import { up as addPostgresHeadlines } from '../db/migrations/0015-search-headlines.ts';
import { sqliteCountExpression, sqliteMatchExpression } from '../db/search-fts5.ts';
import { postgresCountTsquery, postgresTsquery } from '../db/search-tsvector.ts';
import { reindexAll, searchArticles } from './search.service.ts';
import { parseSearchQuery } from './search-query.ts';

const seedPath = path.resolve(import.meta.dirname, '../../../shared/seeds/000_1cf7490bba804225.txt');
const seedTitle = 'العراق يعلن انسحاب أول قوة أميركية بموجب «اتفاق واشنطن»';

describeEachEngine('searchArticles', (database) => {
  const titles = async (query: string) => (await searchArticles(database.handle.db, query)).hits.map((hit) => hit.title);

  it('indexes articles as they are saved', async () => {
    const { db } = database.handle;
    await saveImportedArticle(db, { ...parseTextPage(fs.readFileSync(seedPath, 'utf8')), sectionName: 'سياسة', publishedAt: '2026-11-10T09:00:00.000Z' });
    await saveImportedArticle(db, buildArticle({ title: 'الكويت تستضيف معرضا للكتاب', sectionName: 'ثقافة', tags: ['معارض'] }));
    await saveImportedArticle(db, buildArticle({
      title: 'أسعار النفط ترتفع',
      paragraphs: ['ارتفعت أسعار النفط ٣١ سنتا في تعاملات اليوم بعد قرار أمريكا خفض المخزون.'],
      sectionName: 'اقتصاد',
      publishedAt: '2026-10-01T00:00:00.000Z',
    }));
    expect(await titles('الانسحاب')).toEqual([seedTitle]);
  });

  it.each(['انسحاب', 'وانسحاب', 'الانسحاب', 'كاظمي', 'الكاظمي', 'الأعرجي', 'الاعرجي'])('finds the seed through %s', async (word) => {
    expect(await titles(word)).toContain(seedTitle);
  });

  it('matches alef and hamza variants, and Arabic-Indic digits', async () => {
    expect(await titles('اميركا')).toEqual(await titles('أميركا'));
    expect(await titles('امريكا')).toEqual(['أسعار النفط ترتفع']);
    expect(await titles('31 سنتا')).toEqual(['أسعار النفط ترتفع']);
    expect(await titles('٣١ سنتا')).toEqual(['أسعار النفط ترتفع']);
  });

  it('keeps protected names matchable with and without the article', async () => {
    expect(await titles('كويت')).toContain('الكويت تستضيف معرضا للكتاب');
    expect(await titles('الكويت')).toContain('الكويت تستضيف معرضا للكتاب');
  });

  it('ranks a title match and an exact form above a body-only stem match', async () => {
    const hits = await titles('الكويت');
    expect(hits[0]).toBe('الكويت تستضيف معرضا للكتاب');
  });

  it('understands phrases, exclusions and filters', async () => {
    expect(await titles('"التحالف الدولي"')).toEqual([seedTitle]);
    expect(await titles('"الدولي التحالف"')).toEqual([]);
    expect(await titles('الكويت -معرضا')).toEqual([seedTitle]);
    expect(await titles('الكويت section:ثقافة')).toEqual(['الكويت تستضيف معرضا للكتاب']);
    expect(await titles('الكويت tag:معارض')).toEqual(['الكويت تستضيف معرضا للكتاب']);
    expect(await titles('امريكا from:2026-10-01 to:2026-10-01')).toEqual(['أسعار النفط ترتفع']);
    expect(await titles('امريكا from:2026-10-02')).toEqual([]);
  });

  it('never fails on bad syntax', async () => {
    for (const query of ['"الانسحاب', '-', 'section:', '((', 'NEAR(a b)', '*', '"""', "'", 'انسحاب OR', '\\']) {
      await expect(searchArticles(database.handle.db, query)).resolves.toBeDefined();
    }
    expect(await titles('"الانسحاب')).toEqual([seedTitle]);
  });

  it('highlights the surface word the reader searched for, counts and facets by section', async () => {
    const results = await searchArticles(database.handle.db, 'انسحاب');
    expect(results.total).toBe(1);
    expect(results.sections).toEqual([{ slug: 'سياسة', name: 'سياسة', count: 1 }]);
    const marked = results.hits[0]!.snippet.filter((segment) => segment.match).map((segment) => segment.text);
    expect(marked.length).toBeGreaterThan(0);
    for (const word of marked) expect(['انسحاب', 'الانسحاب', 'بالانسحاب', 'وانسحاب']).toContain(word);
    expect(results.hits[0]!.titleSegments.find((segment) => segment.match)?.text).toBe('انسحاب');
  });

  it('paginates', async () => {
    const first = await searchArticles(database.handle.db, 'الكويت', { perPage: 1, page: 1 });
    const second = await searchArticles(database.handle.db, 'الكويت', { perPage: 1, page: 2 });
    expect(first.total).toBe(2);
    expect(first.hits[0]?.title).not.toBe(second.hits[0]?.title);
  });

  it('stays in sync on edit and rebuilds with reindexAll', async () => {
    const { db } = database.handle;
    const article = buildArticle({ title: 'مهرجان السينما يفتتح دورته', sourceUrl: 'https://example.org/cinema' });
    await saveImportedArticle(db, article);
    expect(await titles('مهرجان')).toEqual(['مهرجان السينما يفتتح دورته']);
    await saveImportedArticle(db, { ...article, title: 'حفل موسيقي يفتتح الموسم' });
    expect(await titles('مهرجان')).toEqual([]);
    expect(await titles('موسيقي')).toEqual(['حفل موسيقي يفتتح الموسم']);
    expect(await reindexAll(db)).toBe(4);
    expect(await titles('موسيقي')).toEqual(['حفل موسيقي يفتتح الموسم']);
  });

  it('follows an article into another section and another day, then forgets it when deleted', async () => {
    const { db } = database.handle;
    const article = buildArticle({ title: 'بطولة الشطرنج تبدأ غدا', sectionName: 'رياضة', publishedAt: '2026-01-05T08:00:00.000Z', sourceUrl: 'https://example.org/chess' });
    await saveImportedArticle(db, article);
    const facets = async (query: string) => (await searchArticles(db, query)).sections.map(({ name, count }) => [name, count]);
    expect(await facets('الشطرنج')).toEqual([['رياضة', 1]]);
    const moved = await saveImportedArticle(db, { ...article, sectionName: 'ثقافة', publishedAt: '2026-02-07T08:00:00.000Z' });
    expect(await facets('الشطرنج')).toEqual([['ثقافة', 1]]);
    expect(await titles('الشطرنج section:ثقافة')).toEqual(['بطولة الشطرنج تبدأ غدا']);
    expect(await titles('الشطرنج section:رياضة')).toEqual([]);
    expect(await titles('الشطرنج from:2026-02-01')).toEqual(['بطولة الشطرنج تبدأ غدا']);
    expect(await titles('غدا -الشطرنج')).toEqual([]);
    await deleteArticle(db, moved.slug);
    expect(await facets('الشطرنج')).toEqual([]);
    expect(await titles('بطولة')).toEqual([]);
  });

  it('counts the very articles it matches: by stems alone, as by exact forms or stems', async () => {
    const { db, engine } = database.handle;
    const heads = ['المدرسة الجديدة تفتح أبوابها', 'مدرسة القرية والمدارس المجاورة', 'بالمدرسة وفي الشارع', 'الكتاب والكتب',
      'كتابه الأول عن المدينة', 'مدينة الكويت القديمة', 'الكويت تستضيف البطولة', 'وفي كويت الغد'];
    await saveImportedArticles(db, heads.map((title, n) => buildArticle({ title, sourceUrl: `https://example.org/count/${n}` })));
    const count = async (expression: string) => Number((engine === 'postgres'
      ? await sql<{ n: string }>`select count(*) as n from article_search where document @@ ${expression}::tsquery`.execute(db)
      : await sql<{ n: number }>`select count(*) as n from article_search where article_search match ${expression}`.execute(db)).rows[0]!.n);
    let matched = 0;
    for (const query of ['المدرسة', 'مدرسة', 'بالمدرسة', 'الكتاب', 'كتابه', 'الكويت', 'كويت', 'المدرسة -الشارع', '"مدينة الكويت"', 'المدينة الكويت', 'مدارس', 'البطولة -الكويت']) {
      const parsed = parseSearchQuery(query);
      const match = { terms: parsed.words, phrases: parsed.phrases, excluded: parsed.excluded };
      const [counted, ranked] = engine === 'postgres'
        ? [await count(postgresCountTsquery(match)), await count(postgresTsquery(match))]
        : [await count(sqliteCountExpression(match)), await count(sqliteMatchExpression(match))];
      expect(counted, query).toBe(ranked);
      matched += ranked;
    }
    expect(matched).toBeGreaterThan(15);
  });

  it('indexes a bulk group of new and changed articles, each under its own entry', async () => {
    const { db } = database.handle;
    const changing = buildArticle({ title: 'قافلة الإغاثة تصل الحدود', sourceUrl: 'https://example.org/relief' });
    await saveImportedArticles(db, [changing]);
    const results = await saveImportedArticles(db, [
      buildArticle({ title: 'مزارعو الزيتون يبدؤون الحصاد', sourceUrl: 'https://example.org/olives' }),
      { ...changing, title: 'قافلة الإغاثة تعبر الحدود' },
      buildArticle({ title: 'الزيتون يغطي سفوح الجبال', sourceUrl: 'https://example.org/hills' }),
    ]);
    expect(results.map((result) => (result instanceof Error ? result.message : result.outcome))).toEqual(['created', 'updated', 'created']);
    expect((await titles('الزيتون')).sort()).toEqual(['الزيتون يغطي سفوح الجبال', 'مزارعو الزيتون يبدؤون الحصاد']);
    expect(await titles('تصل')).toEqual([]);
    expect(await titles('قافلة')).toEqual(['قافلة الإغاثة تعبر الحدود']);
  });

  it('indexes an article that a bulk group holds twice as its later version', async () => {
    const { db } = database.handle;
    const first = buildArticle({ title: 'الفريق الوطني يتأهل للنهائي', sourceUrl: 'https://example.org/final' });
    const results = await saveImportedArticles(db, [first, { ...first, title: 'الفريق الوطني يخسر النهائي' }, first]);
    expect(results.map((result) => (result instanceof Error ? result.message : result.outcome))).toEqual(['created', 'updated', 'updated']);
    expect(await titles('النهائي')).toEqual(['الفريق الوطني يتأهل للنهائي']);
    expect(await titles('يخسر')).toEqual([]);
  });

  it('indexes a group large enough for the analysis thread: every new, changed and repeated article as saved last', async () => {
    const { db } = database.handle;
    const stored = buildArticle({ title: 'مرصد الفلك يستقبل الزوار ليلا', sourceUrl: 'https://example.org/library' });
    const moving = buildArticle({ title: 'القطار السريع يصل الميناء', sourceUrl: 'https://example.org/train' });
    await saveImportedArticles(db, [stored, moving]);
    const villages = ['الخليل', 'جنين', 'طوباس', 'سلفيت', 'قلقيلية', 'أريحا', 'بيت لحم', 'نابلس', 'رام الله', 'طولكرم'];
    const fresh = Array.from({ length: 30 }, (_, i) =>
      buildArticle({ title: `موسم جني التمور في ${villages[i % 10]} رقم ${i + 1}`, paragraphs: [`سجل المزارعون في القرية ${i + 1} محصولا وفيرا.`], sourceUrl: `https://example.org/olive-${i}` }),
    );
    const results = await saveImportedArticles(db, [
      ...fresh.slice(0, 15),
      stored,
      { ...moving, title: 'القطار السريع يبلغ المطار' },
      ...fresh.slice(15),
      { ...moving, title: 'القطار السريع يعود إلى المحطة' },
    ]);
    expect(results.map((result) => (result instanceof Error ? result.message : result.outcome))).toEqual([
      ...Array(15).fill('created'), 'unchanged', 'updated', ...Array(15).fill('created'), 'updated',
    ]);
    expect((await searchArticles(db, 'التمور')).total).toBe(30);
    expect((await titles('طوباس')).sort()).toEqual(['موسم جني التمور في طوباس رقم 13', 'موسم جني التمور في طوباس رقم 23', 'موسم جني التمور في طوباس رقم 3']);
    expect(await titles('المحطه')).toEqual(['القطار السريع يعود إلى المحطة']);
    expect(await titles('المطار')).toEqual([]);
    expect(await titles('مرصد')).toEqual(['مرصد الفلك يستقبل الزوار ليلا']);
  });

  it('comes out of the tokenizer migration with every published article indexed, and no draft', async () => {
    const { db } = database.handle;
    await saveImportedArticle(db, buildArticle({ title: 'معرض الخط العربي يفتح أبوابه' }), new Date(), 'draft');
    // Equally relevant matches may come back in another order: the rebuild gives articles new search rowids.
    const before = (await titles('الزيتون')).sort();
    expect(before).toHaveLength(2);
    await rebuildWithAsciiTokens(db);
    // The later migrations derive what they add from the index 0010 leaves (SQLite; nothing on PostgreSQL).
    if (database.handle.engine === 'sqlite') {
      await deriveSqliteSearchIndex(db);
    }
    expect((await titles('الزيتون')).sort()).toEqual(before);
    expect(await titles('قافلة')).toEqual(['قافلة الإغاثة تعبر الحدود']);
    expect(await titles('الخط')).toEqual([]);
  });

  it('forgets a deleted article at once', async () => {
    const { db } = database.handle;
    const saved = await saveImportedArticle(db, buildArticle({ title: 'سباق الدراجات يجوب المدينة' }));
    expect(await titles('الدراجات')).toEqual(['سباق الدراجات يجوب المدينة']);
    await deleteArticle(db, saved.slug);
    expect(await titles('الدراجات')).toEqual([]);
    await expect(deleteArticle(db, saved.slug)).rejects.toThrow(/not found/);
  });

  it('lets a fresh article overtake many equally relevant old ones, however far back they rank', async () => {
    const { db } = database.handle;
    const text = { paragraphs: ['تسلق فريق من الهواة قمة الجبل الشاهق في رحلة استمرت أسبوعا.'], sectionName: 'منوعات' };
    const old = Array.from({ length: 150 }, (_, n) => buildArticle({ ...text, title: `رحلة الهواة إلى الجبل ${n + 1}`, publishedAt: '2019-01-01T00:00:00.000Z' }));
    await saveImportedArticles(db, old);
    await saveImportedArticle(db, buildArticle({ ...text, title: 'رحلة الهواة إلى الجبل الجديدة', publishedAt: new Date().toISOString() }));
    const results = await searchArticles(db, 'الشاهق');
    expect(results.total).toBe(151);
    expect(results.hits[0]?.title).toBe('رحلة الهواة إلى الجبل الجديدة');
    expect(results.totalExact).toBe(true);
    expect(results.sections).toEqual([{ slug: expect.any(String), name: 'منوعات', count: 151 }]);
  });

  it('counts matches up to the count limit, then says there are more', async () => {
    const { db } = database.handle;
    const atLimit = await searchArticles(db, 'الشاهق', { countLimit: 151 });
    expect([atLimit.total, atLimit.totalExact]).toEqual([151, true]);
    const past = await searchArticles(db, 'الشاهق', { countLimit: 100 });
    expect([past.total, past.totalExact]).toEqual([100, false]);
    expect(past.sections.map((section) => section.name)).toEqual(['منوعات']);
    expect(past.sections[0]!.count).toBeLessThanOrEqual(151);
    // The ranking is not limited: the newest article still comes first, and pages go past the counted matches.
    expect(past.hits[0]?.title).toBe('رحلة الهواة إلى الجبل الجديدة');
    expect((await searchArticles(db, 'الشاهق', { countLimit: 100, page: 16 })).hits).toHaveLength(1);
  });

  it('ranks the articles whose headline holds the query first, then the rest, page after page', async () => {
    const { db } = database.handle;
    const filler = 'وتناول الاجتماع ملفات عديدة تخص التعليم والصحة والنقل والإسكان في المحافظات كلها.';
    // An old, long article with the word once, in its headline; newer, short ones that repeat it in the body only:
    // on the whole article's bm25 and recency the short ones would come first.
    await saveImportedArticle(db, buildArticle({
      title: 'مؤتمر الطحالب البحرية يختتم أعماله',
      paragraphs: Array.from({ length: 12 }, () => filler),
      publishedAt: '2020-01-01T00:00:00.000Z',
    }));
    for (const n of [1, 2]) {
      await saveImportedArticle(db, buildArticle({
        title: `جولة في الأسواق ${n}`,
        paragraphs: ['الطحالب الطحالب الطحالب الطحالب الطحالب في كل مكان.'],
        publishedAt: new Date().toISOString(),
      }));
    }
    const page = async (n: number) => (await searchArticles(db, 'الطحالب', { perPage: 1, page: n })).hits.map((hit) => hit.title);
    expect(await page(1)).toEqual(['مؤتمر الطحالب البحرية يختتم أعماله']);
    const rest = [...(await page(2)), ...(await page(3))];
    expect(rest.sort()).toEqual(['جولة في الأسواق 1', 'جولة في الأسواق 2']);
    expect(await page(4)).toEqual([]);
    // An excluded word anywhere in the article keeps it out of the headline matches too.
    expect(await titles('الطحالب -الاجتماع')).toEqual(expect.not.arrayContaining(['مؤتمر الطحالب البحرية يختتم أعماله']));
    expect((await titles('الطحالب -الاجتماع')).length).toBe(2);
  });
});

// PostgreSQL only: migration 0012 moves each indexed article's section and date beside its document, 0015 adds its headline.
if (engines.includes('postgres')) {
  describe('search index placements, migrated [postgres]', () => {
    it('keeps finding, filtering and counting by section after each placement moves into the index', async () => {
      const fresh = await freshPostgresSchema(process.env.TEST_DATABASE_URL!);
      const { db, close } = openDatabase(fresh.target);
      try {
        await migrateToLatest(db);
        await saveImportedArticle(db, buildArticle({ title: 'مهرجان الشعر يختتم دورته', sectionName: 'ثقافة', publishedAt: '2026-09-01T00:00:00.000Z' }));
        // As an index written before 0012: documents only.
        await sql`alter table article_search drop column section_id, drop column published_at`.execute(db);
        await addPostgresSearchPlacement(db);
        const found = await searchArticles(db, 'الشعر section:ثقافة');
        expect(found.hits.map((hit) => hit.title)).toEqual(['مهرجان الشعر يختتم دورته']);
        expect(found.sections.map((section) => section.name)).toEqual(['ثقافة']);
        expect((await searchArticles(db, 'الشعر to:2026-08-31')).hits).toEqual([]);
      } finally {
        await close();
        await fresh.drop();
      }
    });

    it('fills the headlines of an index written before migration 0015, which then rank first', async () => {
      const fresh = await freshPostgresSchema(process.env.TEST_DATABASE_URL!);
      const { db, close } = openDatabase(fresh.target);
      try {
        await migrateToLatest(db);
        await saveImportedArticle(db, buildArticle({ title: 'قصيدة عن البحر', paragraphs: ['الشعر الشعر الشعر الشعر.'], publishedAt: new Date().toISOString() }));
        await saveImportedArticle(db, buildArticle({
          title: 'ليلة الشعر في المدينة',
          paragraphs: Array.from({ length: 8 }, () => 'حضر الأمسية جمهور كبير من أهل المدينة وضيوفها القادمين من المحافظات.'),
          publishedAt: '2021-05-01T00:00:00.000Z',
        }));
        await sql`drop index article_search_headline`.execute(db);
        await sql`alter table article_search drop column headline`.execute(db);
        await addPostgresHeadlines(db);
        expect((await searchArticles(db, 'الشعر')).hits.map((hit) => hit.title)).toEqual(['ليلة الشعر في المدينة', 'قصيدة عن البحر']);
        expect((await searchArticles(db, 'الشعر', { perPage: 1, page: 2 })).hits.map((hit) => hit.title)).toEqual(['قصيدة عن البحر']);
      } finally {
        await close();
        await fresh.drop();
      }
    });
  });
}
