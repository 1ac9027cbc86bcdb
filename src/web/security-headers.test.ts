import { parseHTML } from 'linkedom';
import { expect, it } from 'vitest';
import { buildArticle } from '../../test/build-article.ts';
import { describeEachEngine } from '../../test/engines.ts';
import { buildApp } from '../app.ts';
import { saveImportedArticle } from '../articles/article.service.ts';
import { loadConfig } from '../config.ts';

describeEachEngine('security headers', (database) => {
  it('sends a strict Content-Security-Policy that the pages satisfy: no inline script or style anywhere', async () => {
    const saved = await saveImportedArticle(database.handle.db, buildArticle({ title: 'مهرجان الكتاب يفتح أبوابه' }));
    const app = await buildApp({ config: loadConfig({ SITE_URL: 'https://news.example' }), database: database.handle });
    for (const url of ['/', `/article/${encodeURIComponent(saved.slug)}`, '/search?q=الكتاب', '/account/signup', '/account/signin', '/account/reset', '/no-such-page']) {
      const response = await app.inject({ url });
      const policy = String(response.headers['content-security-policy']);
      expect(policy).toContain("script-src 'self'");
      expect(policy).toContain("style-src 'self'");
      expect(policy).toContain("object-src 'none'");
      expect(policy).toContain('upgrade-insecure-requests');
      expect(response.headers['x-content-type-options']).toBe('nosniff');
      expect(response.headers['strict-transport-security']).toBeDefined();
      expect(response.headers['referrer-policy']).toBe('strict-origin-when-cross-origin');
      const { document } = parseHTML(response.body);
      expect(document.querySelectorAll('[style]'), url).toHaveLength(0);
      expect(document.querySelectorAll('style'), url).toHaveLength(0);
      for (const script of document.querySelectorAll('script')) {
        // Either our own file, or data (JSON-LD), which a browser does not run and the policy does not cover.
        expect(script.getAttribute('src') ?? script.getAttribute('type'), url).toMatch(/^\/assets\/|^application\/ld\+json$/);
      }
      for (const element of document.querySelectorAll('*')) {
        for (const attribute of element.attributes) expect(attribute.name.startsWith('on'), `${url} ${attribute.name}`).toBe(false);
      }
    }
    const local = await buildApp({ config: loadConfig({}), database: database.handle });
    expect(String((await local.inject({ url: '/' })).headers['content-security-policy'])).not.toContain('upgrade-insecure-requests');
  });
});
