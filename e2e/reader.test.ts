import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import type { FastifyInstance } from 'fastify';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../src/app.ts';
import { loadConfig } from '../src/config.ts';
import { type DatabaseHandle, openDatabase } from '../src/db/database.ts';
import { migrateToLatest } from '../src/db/migrate.ts';
import { importFiles } from '../src/ingest/import.service.ts';

const CHROMIUM = '/usr/bin/chromium';
const repoRoot = path.resolve(import.meta.dirname, '..');
const seedPath = path.resolve(repoRoot, '../shared/seeds/000_1cf7490bba804225.txt');
const demoFeed = path.resolve(repoRoot, 'demo/sahifa-demo.rss.xml');
const artifacts = path.resolve(repoRoot, 'test-artifacts');
const axePath = createRequire(import.meta.url).resolve('axe-core/axe.min.js');
const seedTitle = 'العراق يعلن انسحاب أول قوة أميركية بموجب «اتفاق واشنطن»';

const available = fs.existsSync(CHROMIUM);
if (!available && process.env.CI) throw new Error(`${CHROMIUM} is missing: .ci/run must install Debian's chromium`);

describe.skipIf(!available)('a reader in Chromium', () => {
  let dataDir: string;
  let database: DatabaseHandle;
  let server: FastifyInstance;
  let browser: Browser;
  let baseUrl: string;

  beforeAll(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sahifa-e2e-'));
    const config = loadConfig({ DATA_DIR: dataDir, PORT: '0' });
    database = openDatabase(config.database);
    await migrateToLatest(database.db);
    const report = await importFiles(database.db, [demoFeed, seedPath]);
    expect(report.failed).toEqual([]);
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

  it('opens the home page, follows the seed article and reads it, right to left, with its Hijri date', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(`${baseUrl}/`);
    await page.screenshot({ path: path.join(artifacts, 'home-desktop.png'), fullPage: true });
    await page.getByRole('link', { name: seedTitle }).first().click();
    await page.waitForURL(/\/article\//);

    expect(await page.locator('h1').textContent()).toBe(seedTitle);
    expect(await page.locator('.article-body p').count()).toBe(5);
    expect(await page.locator('time .hijri').textContent()).toMatch(/هـ$/);
    expect(await page.evaluate(() => document.documentElement.dir)).toBe('rtl');
    expect(await page.evaluate(() => getComputedStyle(document.body).direction)).toBe('rtl');
    expect(await page.locator('.reader-prompt').textContent()).toContain('لم تشترك بعد');
    expect(await page.evaluate(() => document.fonts.check('16px "Noto Naskh Arabic"', 'عربي'))).toBe(true);
    await page.screenshot({ path: path.join(artifacts, 'article-desktop.png'), fullPage: true });

    // Evaluated through the DevTools protocol: an injected <script> would be refused by the page's CSP.
    await page.evaluate(fs.readFileSync(axePath, 'utf8'));
    const results = await page.evaluate(async () => (window as unknown as { axe: { run(): Promise<{ violations: { id: string; impact: string }[] }> } }).axe.run());
    const serious = results.violations.filter((violation) => violation.impact === 'serious' || violation.impact === 'critical');
    expect(serious.map((violation) => violation.id)).toEqual([]);

    await page.setViewportSize({ width: 390, height: 844 });
    await page.screenshot({ path: path.join(artifacts, 'article-phone.png'), fullPage: true });
    await page.close();
  });

  it('works with JavaScript disabled', async () => {
    const context = await browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    await page.goto(`${baseUrl}/`);
    await page.getByRole('link', { name: seedTitle }).first().click();
    await page.waitForURL(/\/article\//);
    expect(await page.locator('h1').textContent()).toBe(seedTitle);
    expect(await page.locator('.article-body p').count()).toBe(5);
    await page.goto(`${baseUrl}/search?q=${encodeURIComponent('الانسحاب')}`);
    expect(await page.locator('.search-results mark').first().textContent()).toMatch(/انسحاب/);
    await context.close();
  });
});
