import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import type { FastifyInstance } from 'fastify';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertReader } from '../test/build-reader.ts';
import { SESSION_COOKIE } from '../src/accounts/session.plugin.ts';
import { sessionService } from '../src/accounts/session.service.ts';
import { buildApp } from '../src/app.ts';
import { loadConfig } from '../src/config.ts';
import { type DatabaseHandle, openDatabase } from '../src/db/database.ts';
import { migrateToLatest } from '../src/db/migrate.ts';
import { importFiles } from '../src/ingest/import.service.ts';

const CHROMIUM = '/usr/bin/chromium';
const repoRoot = path.resolve(import.meta.dirname, '..');
const demoFeed = path.resolve(repoRoot, 'demo/sahifa-demo.rss.xml');
const artifacts = path.resolve(repoRoot, 'test-artifacts');
const axePath = createRequire(import.meta.url).resolve('axe-core/axe.min.js');

const available = fs.existsSync(CHROMIUM);
if (!available && process.env.CI) throw new Error(`${CHROMIUM} is missing: .ci/run must install Debian's chromium`);

describe.skipIf(!available)('a signed-in reader saves, follows and reads "لك" in Chromium', () => {
  let dataDir: string;
  let database: DatabaseHandle;
  let server: FastifyInstance;
  let browser: Browser;
  let baseUrl: string;
  let token: string;
  /** A second reader, who has followed nothing when the tag-and-author journey starts. */
  let newcomerToken: string;

  beforeAll(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sahifa-e2e-feed-'));
    // The demo stories are dated a few days back: a wide window keeps them all candidates whenever this runs.
    const config = loadConfig({ DATA_DIR: dataDir, PORT: '0', FEED_WINDOW_DAYS: '365' });
    database = openDatabase(config.database);
    await migrateToLatest(database.db);
    expect((await importFiles(database.db, [demoFeed])).failed).toEqual([]);
    const reader = await insertReader(database.db, { display_name: 'سلمى' });
    const sessions = sessionService(database.db, { idleMs: config.accounts.sessionIdleMs, maxMs: config.accounts.sessionMaxMs });
    token = (await sessions.start(reader.id, {})).token;
    newcomerToken = (await sessions.start((await insertReader(database.db, { display_name: 'نادر' })).id, {})).token;
    server = await buildApp({ config, database });
    await server.listen({ port: 0, host: '127.0.0.1' });
    const address = server.server.address();
    baseUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    });
    fs.mkdirSync(artifacts, { recursive: true });
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await database?.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  async function signedInPage(width: number, as = token): Promise<Page> {
    const context = await browser.newContext({ viewport: { width, height: 900 } });
    await context.addCookies([{ name: SESSION_COOKIE, value: as, url: baseUrl }]);
    return context.newPage();
  }

  async function seriousViolations(page: Page) {
    // Evaluated through the DevTools protocol: an injected <script> would be refused by the page's CSP.
    await page.evaluate(fs.readFileSync(axePath, 'utf8'));
    const results = await page.evaluate(async () => (window as unknown as { axe: { run(): Promise<{ violations: { id: string; impact: string }[] }> } }).axe.run());
    return results.violations.filter((violation) => violation.impact === 'serious' || violation.impact === 'critical').map((v) => v.id);
  }

  it('saves an article in place with the client script, then finds it in المحفوظات', async () => {
    const page = await signedInPage(1280);
    await page.goto(`${baseUrl}/for-you`);
    const firstTitle = (await page.locator('.feed-card h3 a').first().textContent())!;
    await page.locator('.feed-card h3 a').first().click();
    const save = page.locator('form[data-save-form] button');
    await expect(save.getAttribute('aria-pressed')).resolves.toBe('false');
    const url = page.url();
    await save.click();
    await expect.poll(() => save.getAttribute('aria-pressed')).toBe('true');
    expect(page.url()).toBe(url); // saved in place: no navigation
    await page.screenshot({ path: path.join(artifacts, 'feed-article-saved-desktop.png') });
    await page.goto(`${baseUrl}/saved`);
    expect(await page.locator('.saved-title a').allTextContents()).toEqual([firstTitle]);
    expect(await seriousViolations(page)).toEqual([]);
    await page.screenshot({ path: path.join(artifacts, 'feed-saved-desktop.png'), fullPage: true });
  });

  it('onboards, shows reasons on every card, and looks right on a phone and a desktop', async () => {
    const phone = await signedInPage(390);
    await phone.goto(`${baseUrl}/onboarding`);
    await phone.screenshot({ path: path.join(artifacts, 'feed-onboarding-phone.png'), fullPage: true });
    const choices = phone.locator('input[name="topic"]');
    for (let i = 0; i < 3; i++) await choices.nth(i).check();
    await phone.getByRole('button', { name: 'تابِع المواضيع المختارة' }).click();
    await phone.waitForURL(`${baseUrl}/for-you`);
    const reasons = await phone.locator('.feed-card .reason').allTextContents();
    expect(reasons.length).toBeGreaterThan(5);
    expect(reasons.some((reason) => reason.startsWith('لأنك تتابع'))).toBe(true);
    expect(await seriousViolations(phone)).toEqual([]);
    // Arabic, right to left, and nothing wider than the phone.
    expect(await phone.evaluate(() => document.documentElement.dir)).toBe('rtl');
    expect(await phone.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await phone.screenshot({ path: path.join(artifacts, 'feed-for-you-phone.png'), fullPage: true });
    const desktop = await signedInPage(1280);
    await desktop.goto(`${baseUrl}/for-you`);
    await desktop.screenshot({ path: path.join(artifacts, 'feed-for-you-desktop.png'), fullPage: true });
    await desktop.goto(`${baseUrl}/account/feed`);
    expect(await seriousViolations(desktop)).toEqual([]);
    await desktop.screenshot({ path: path.join(artifacts, 'feed-settings-desktop.png'), fullPage: true });
  });

  it('goes from an article to its tag and its author, follows the tag, and finds it in what it follows', async () => {
    const phone = await signedInPage(390, newcomerToken);
    await phone.goto(`${baseUrl}/`);
    await phone.locator('.card h2 a, .card h3 a').first().click();
    const tag = phone.locator('ul.tags a').first();
    const tagName = (await tag.textContent())!.trim();
    await tag.click();
    await phone.waitForURL(/\/tag\//);
    expect(await phone.locator('h1').textContent()).toBe(tagName);
    expect(await phone.locator('.card').count()).toBeGreaterThan(0);
    expect(await phone.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    expect(await seriousViolations(phone)).toEqual([]);
    await phone.screenshot({ path: path.join(artifacts, 'feed-tag-phone.png'), fullPage: true });
    const desktop = await signedInPage(1280, newcomerToken);
    await desktop.goto(phone.url());
    await desktop.screenshot({ path: path.join(artifacts, 'feed-tag-desktop.png'), fullPage: true });

    // The author page, from the byline of one of the tag's articles.
    await phone.locator('.card h2 a, .card h3 a').first().click();
    const author = phone.locator('.byline a').first();
    const authorName = (await author.textContent())!.trim();
    await author.click();
    await phone.waitForURL(/\/author\//);
    expect(await phone.locator('h1').textContent()).toBe(authorName);
    await expect(phone.locator('.follow-button').getAttribute('aria-pressed')).resolves.toBe('false');
    await phone.screenshot({ path: path.join(artifacts, 'feed-author-phone.png'), fullPage: true });

    // Follow the tag from its page: the button says so when the page comes back.
    await phone.goBack();
    await phone.goBack();
    await phone.waitForURL(/\/tag\//);
    await phone.getByRole('button', { name: `تابِع ${tagName}` }).click();
    await expect.poll(() => phone.locator('.follow-button').getAttribute('aria-pressed')).toBe('true');
    expect(await phone.locator('.follow-button').textContent()).toBe(`تتابع ${tagName} ✓`);

    // What it follows lists the tag, with its undo. (Its articles this reader opened are read, so "لك" leaves them out.)
    await phone.goto(`${baseUrl}/account/feed`);
    const followed = phone.locator('section[aria-labelledby="follows-heading"] .settings-list li');
    expect(await followed.count()).toBe(1);
    expect(await followed.locator('span').textContent()).toContain(tagName);
    await phone.screenshot({ path: path.join(artifacts, 'feed-follows-phone.png'), fullPage: true });
  });

  it('shows every section and Search on a phone in the English interface (the navigation wraps)', async () => {
    const englishNames: Record<string, string> = { سياسة: 'Politics', اقتصاد: 'Economy', رياضة: 'Sports', ثقافة: 'Culture', تقنية: 'Technology' };
    for (const [name, nameEn] of Object.entries(englishNames)) await database.db.updateTable('sections').set({ name_en: nameEn }).where('name', '=', name).execute();
    const reader = await insertReader(database.db, { display_name: 'Nora', language: 'en', digits: 'latn' });
    const sessions = sessionService(database.db, { idleMs: 60_000, maxMs: 60_000 });
    const phone = await signedInPage(390, (await sessions.start(reader.id, {})).token);
    await phone.goto(`${baseUrl}/`);
    expect(await phone.evaluate(() => document.documentElement.lang)).toBe('en');
    const links = phone.locator('.sections-nav a');
    expect(await links.allTextContents()).toEqual(expect.arrayContaining(['Politics', 'Technology', 'Search']));
    for (const box of await Promise.all((await links.all()).map((link) => link.boundingBox()))) {
      expect(box!.x).toBeGreaterThanOrEqual(0);
      expect(box!.x + box!.width).toBeLessThanOrEqual(390);
    }
    expect(await phone.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await phone.screenshot({ path: path.join(artifacts, 'feed-home-english-phone.png') });
  });
});

