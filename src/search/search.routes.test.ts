import { expect, it } from 'vitest';
import { buildArticle } from '../../test/build-article.ts';
import { describeEachEngine } from '../../test/engines.ts';
import { buildApp } from '../app.ts';
import { saveImportedArticle } from '../articles/article.service.ts';
import { loadConfig } from '../config.ts';

describeEachEngine('search routes', (database) => {
  const app = async () => {
    const config = loadConfig({});
    return buildApp({ config, database: database.handle });
  };

  it('renders results with the matched word marked, and works without JavaScript (a GET form)', async () => {
    await saveImportedArticle(database.handle.db, buildArticle({ title: 'افتتاح متحف الفنون الإسلامية', sectionName: 'ثقافة' }));
    const server = await app();
    const response = await server.inject({ url: `/search?q=${encodeURIComponent('المتحف')}` });
    expect(response.statusCode).toBe(200);
    expect(response.body).toContain('<form class="search-form" role="search" action="/search" method="get">');
    expect(response.body).toContain('<mark>متحف</mark>');
    expect(response.body).toContain('نتيجة واحدة');
  });

  it('answers JSON with segments, count and facets', async () => {
    const server = await app();
    const response = await server.inject({ url: `/api/search?q=${encodeURIComponent('متحف')}` });
    const body = response.json();
    expect(body.total).toBe(1);
    expect(body.total_exact).toBe(true);
    expect(body.results[0].title).toBe('افتتاح متحف الفنون الإسلامية');
    expect(body.results[0].title_highlighted).toContainEqual({ text: 'متحف', match: true });
    expect(body.sections).toEqual([{ slug: 'ثقافة', name: 'ثقافة', count: 1 }]);
  });

  it('escapes the query and survives hostile input', async () => {
    const server = await app();
    const response = await server.inject({ url: `/search?q=${encodeURIComponent('<script>alert(1)</script> "')}&page=abc` });
    expect(response.statusCode).toBe(200);
    expect(response.body).not.toContain('<script>alert(1)');
    expect(response.body).toContain('&lt;script>');
  });
});
