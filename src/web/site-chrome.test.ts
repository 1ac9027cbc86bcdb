import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { parseHTML } from 'linkedom';
import sharp from 'sharp';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { buildArticle } from '../../test/build-article.ts';
import { describeEachEngine } from '../../test/engines.ts';
import { accountsService } from '../accounts/accounts.service.ts';
import { sessionService } from '../accounts/session.service.ts';
import { buildApp } from '../app.ts';
import { saveImportedArticle } from '../articles/article.service.ts';
import { loadConfig } from '../config.ts';
import type { MailMessage, Mailer } from '../mail/mailer.ts';
import { folderMediaStore } from '../newsroom/media-store.ts';
import { uploadImage } from '../newsroom/media.service.ts';
import { saveSettings } from '../newsroom/site-settings.service.ts';

const admin = { id: null, name: 'مديرة الموقع' };

describeEachEngine('public pages follow the site settings', (database) => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sahifa-site-chrome-'));
  const config = loadConfig({ SITE_URL: 'https://news.example', DATA_DIR: dataDir, SITE_NAME: 'صحيفة' });
  let app: FastifyInstance;
  let slug = '';
  beforeAll(async () => {
    app = await buildApp({ config, database: database.handle });
    slug = (await saveImportedArticle(database.handle.db, buildArticle(), new Date())).slug;
  });
  afterAll(async () => {
    await app.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  const page = async (url: string) => parseHTML((await app.inject({ url })).body).document;

  it('uses the configured SITE_NAME until an admin names the site', async () => {
    const home = await page('/');
    expect(home.querySelector('.site-name')?.textContent).toBe('صحيفة');
    expect(home.querySelector('meta[property="og:site_name"]')?.getAttribute('content')).toBe('صحيفة');
    expect(home.querySelector('.footer-text')).toBeNull();
  });

  it('shows the name, description, footer and logo an admin saved on cached pages, feeds, structured data and emails', async () => {
    // Rendered and cached before the change: saving the settings must retire these copies.
    await page('/');
    await page(`/article/${encodeURIComponent(slug)}`);
    const png = await sharp({ create: { width: 600, height: 200, channels: 3, background: '#1c3f8a' } }).png().toBuffer();
    const logo = await uploadImage(
      database.handle.db,
      folderMediaStore(path.join(dataDir, 'media')),
      { data: png, originalName: 'logo.png', alt: 'شعار الصحيفة', caption: '', credit: '' },
      admin,
    );
    await saveSettings(
      database.handle.db,
      { siteName: 'صحيفة الغد', description: 'أخبار المدينة كل صباح', timeZone: 'Africa/Cairo', footerText: 'جميع الحقوق محفوظة لصحيفة الغد', logoMediaId: logo },
      admin,
    );

    const home = await page('/');
    expect(home.querySelector('title')?.textContent).toBe('صحيفة الغد');
    expect(home.querySelector('meta[name="description"]')?.getAttribute('content')).toBe('أخبار المدينة كل صباح');
    expect(home.querySelector('meta[property="og:site_name"]')?.getAttribute('content')).toBe('صحيفة الغد');
    expect(home.querySelector('.footer-text')?.textContent).toBe('جميع الحقوق محفوظة لصحيفة الغد');
    const image = home.querySelector('.site-name img');
    expect(image?.getAttribute('alt')).toBe('صحيفة الغد');
    expect(image?.getAttribute('src')).toBe(`/media/${logo}/480.jpeg`);
    expect((await app.inject({ url: image!.getAttribute('src')! })).statusCode).toBe(200);

    const article = await page(`/article/${encodeURIComponent(slug)}`);
    expect(article.querySelector('title')?.textContent).toContain('— صحيفة الغد');
    const jsonLd = JSON.parse(article.querySelector('script[type="application/ld+json"]')!.textContent!);
    expect(jsonLd.publisher).toEqual({ '@type': 'Organization', name: 'صحيفة الغد', logo: { '@type': 'ImageObject', url: `https://news.example/media/${logo}/480.jpeg` } });

    const rss = (await app.inject({ url: '/feed.xml' })).body;
    expect(rss).toContain('<title>صحيفة الغد</title>');
    expect(rss).toContain('<description>أخبار المدينة كل صباح</description>');
    expect((await app.inject({ url: '/atom.xml' })).body).toContain('<subtitle>أخبار المدينة كل صباح</subtitle>');
    expect(JSON.parse((await app.inject({ url: '/feed.json' })).body)).toMatchObject({ title: 'صحيفة الغد', authors: [{ name: 'صحيفة الغد' }] });
    expect((await app.inject({ url: '/section/nothing-here' })).body).toContain('صحيفة الغد');

    const sent: MailMessage[] = [];
    const mailer: Mailer = { kind: 'outbox', close: async () => {}, send: async (message) => (sent.push(message), { messageId: '<1@test>', accepted: [], rejected: [] }) };
    const sessions = sessionService(database.handle.db, { idleMs: 60_000, maxMs: 60_000 });
    const accounts = accountsService({ db: database.handle.db, mailer, sessions, siteName: config.siteName, siteUrl: config.siteUrl, personalData: [] });
    await accounts.requestMagicLink('nobody@example.com');
    expect(sent[0]?.subject).toBe('لا حساب بهذا البريد في صحيفة الغد');
  });

  it('dates articles on the calendar day of the site’s time zone, Gregorian and Hijri, on cached pages and cards', async () => {
    const late = await saveImportedArticle(database.handle.db, buildArticle({ publishedAt: '2026-11-25T22:30:00.000Z' }), new Date());
    const settings = { siteName: 'صحيفة الغد', description: '', footerText: '', logoMediaId: '' };
    const articleUrl = `/article/${encodeURIComponent(late.slug)}`;
    // The article's own date on its page, its card's date on the home page.
    const dateOn = async (url: string) => {
      const document = await page(url);
      const time = url === '/' ? document.querySelector(`a[href="${articleUrl}"]`)?.closest('.card')?.querySelector('time') : document.querySelector('time.published');
      return [time?.querySelector('.gregorian')?.textContent, time?.querySelector('.hijri')?.textContent];
    };

    await saveSettings(database.handle.db, { ...settings, timeZone: 'Asia/Riyadh' }, admin);
    expect(await dateOn(articleUrl)).toEqual(['٢٦ نوفمبر ٢٠٢٦ م', '١٦ جمادى الآخرة ١٤٤٨ هـ']);
    expect(await dateOn('/')).toEqual(['٢٦ نوفمبر ٢٠٢٦ م', '١٦ جمادى الآخرة ١٤٤٨ هـ']);

    // The pages just cached in Riyadh's days are retired by the change.
    await saveSettings(database.handle.db, { ...settings, timeZone: 'Africa/Casablanca' }, admin);
    expect(await dateOn(articleUrl)).toEqual(['٢٥ نوفمبر ٢٠٢٦ م', '١٥ جمادى الآخرة ١٤٤٨ هـ']);
    expect(await dateOn('/')).toEqual(['٢٥ نوفمبر ٢٠٢٦ م', '١٥ جمادى الآخرة ١٤٤٨ هـ']);
  });

  it('moves Last-Modified of pages and feeds when the settings change, so a conditional GET gets the new page', async () => {
    const old = await saveImportedArticle(database.handle.db, buildArticle({ publishedAt: '2026-11-20T08:00:00.000Z' }), new Date('2026-11-20T09:00:00.000Z'));
    const settings = { siteName: 'صحيفة الغد', description: '', timeZone: 'Asia/Riyadh', footerText: '', logoMediaId: '' };
    await saveSettings(database.handle.db, settings, admin, new Date('2026-11-29T10:00:00.000Z'));
    const section = await database.handle.db.selectFrom('sections').select('slug').where('name', '=', 'ثقافة').executeTakeFirstOrThrow();
    const urls = [`/article/${encodeURIComponent(old.slug)}`, '/', '/feed.xml', `/section/${encodeURIComponent(section.slug)}/feed.xml`];
    const since = async (url: string, date: string) => app.inject({ url, headers: { 'if-modified-since': date } });

    const before = new Map<string, string>();
    for (const url of urls) {
      const response = await app.inject({ url });
      expect(response.statusCode, url).toBe(200);
      before.set(url, String(response.headers['last-modified']));
      expect((await since(url, before.get(url)!)).statusCode, url).toBe(304);
    }

    const later = new Date(Date.now() + 60_000);
    await saveSettings(database.handle.db, { ...settings, footerText: 'تذييل جديد' }, admin, later);
    for (const url of urls) {
      const changed = await since(url, before.get(url)!);
      expect(changed.statusCode, url).toBe(200);
      expect(changed.headers['last-modified'], url).toBe(later.toUTCString());
      expect((await since(url, later.toUTCString())).statusCode, url).toBe(304);
    }
  });
});
