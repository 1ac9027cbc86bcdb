import { expect, it } from 'vitest';
import { buildArticle } from '../../test/build-article.ts';
import { describeEachEngine } from '../../test/engines.ts';
import { buildApp } from '../app.ts';
import { loadConfig } from '../config.ts';
import { saveImportedArticle } from './article.service.ts';
import { pageCacheRepository } from './page-cache.repository.ts';
import { articlePath, sectionPath } from './slug.ts';

describeEachEngine('article page cache', (database) => {
  const app = () => buildApp({ config: loadConfig({}), database: database.handle });

  it('serves a stored page, and never one older than the latest change', async () => {
    const { db } = database.handle;
    const article = buildArticle({ title: 'صيانة الطريق الساحلي', sourceUrl: 'https://example.org/road' });
    const saved = await saveImportedArticle(db, article);
    const url = articlePath(saved.slug);
    const server = await app();

    const first = await server.inject({ url });
    const cached = await pageCacheRepository(db).lookup(articlePath(saved.slug));
    expect(cached.page?.html).toBe(first.body);
    const second = await server.inject({ url });
    expect(second.body).toBe(first.body);
    expect(second.headers['last-modified']).toBe(first.headers['last-modified']);

    await saveImportedArticle(db, { ...article, paragraphs: ['انتهت أعمال الصيانة وفُتح الطريق أمام السيارات.'] });
    const afterEdit = await server.inject({ url });
    expect(afterEdit.body).toContain('انتهت أعمال الصيانة');
    expect(afterEdit.body).not.toBe(first.body);

    // A new section appears in every page's navigation: the cached article page must show it too.
    await saveImportedArticle(db, buildArticle({ title: 'خبر في قسم جديد', sectionName: 'بيئة' }));
    expect((await server.inject({ url })).body).toContain('بيئة');
  });

  it('keeps the home page and section pages too, fresh after every change', async () => {
    const { db } = database.handle;
    const server = await app();
    await saveImportedArticle(db, buildArticle({ title: 'افتتاح سوق الكتب المستعملة', sectionName: 'ثقافة' }));
    const home = await server.inject({ url: '/' });
    expect(home.body).toContain('افتتاح سوق الكتب المستعملة');
    expect((await pageCacheRepository(db).lookup('/')).page?.html).toBe(home.body);
    const section = await server.inject({ url: sectionPath('ثقافة') });
    expect(section.statusCode).toBe(200);
    expect((await pageCacheRepository(db).lookup(sectionPath('ثقافة'))).page?.html).toBe(section.body);

    await saveImportedArticle(db, buildArticle({ title: 'معرض للصور القديمة في المتحف', sectionName: 'ثقافة' }));
    expect((await server.inject({ url: '/' })).body).toContain('معرض للصور القديمة في المتحف');
    expect((await server.inject({ url: sectionPath('ثقافة') })).body).toContain('معرض للصور القديمة في المتحف');
    expect((await server.inject({ url: sectionPath('لا-يوجد') })).statusCode).toBe(404);
    expect((await pageCacheRepository(db).lookup(sectionPath('لا-يوجد'))).page).toBeNull();
  });

  it('caches pages of a database that has never recorded a change', async () => {
    const cache = pageCacheRepository(database.handle.db);
    await database.handle.db.deleteFrom('site_generation').execute();
    await cache.store('/article/y', 0, { html: 'page', lastModified: 'Wed, 25 Nov 2026 06:00:00 GMT' });
    expect((await cache.lookup('/article/y')).page?.html).toBe('page');
  });

  it('does not keep a page rendered before a change that committed meanwhile', async () => {
    const { db } = database.handle;
    const cache = pageCacheRepository(db);
    const before = await cache.lookup('/article/x');
    await cache.bumpGeneration();
    await cache.store('/article/x', before.generation, { html: 'stale', lastModified: 'Wed, 25 Nov 2026 06:00:00 GMT' });
    expect((await cache.lookup('/article/x')).page).toBeNull();
  });
});
