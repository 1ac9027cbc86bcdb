import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { type Browser, chromium } from 'playwright-core';
import { createRequire } from 'node:module';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertReader } from '../test/build-reader.ts';
import { type RunningSahifa, startSahifa } from '../test/run-sahifa.ts';
import { SESSION_COOKIE } from '../src/accounts/session.plugin.ts';
import { sessionService } from '../src/accounts/session.service.ts';
import { loadConfig } from '../src/config.ts';
import { type DatabaseHandle, openDatabase } from '../src/db/database.ts';
import { utcToZonedTime } from '../src/newsroom/site-settings.service.ts';
import { DEFAULT_TIME_ZONE } from '../src/web/site-time-zone.ts';

const CHROMIUM = '/usr/bin/chromium';
const repoRoot = path.resolve(import.meta.dirname, '..');
const artifacts = path.resolve(repoRoot, 'test-artifacts');
const available = fs.existsSync(CHROMIUM);
if (!available && process.env.CI) throw new Error(`${CHROMIUM} is missing: .ci/run must install Debian's chromium`);

const axePath = createRequire(import.meta.url).resolve('axe-core/axe.min.js');

/** Serious and critical accessibility violations on the page, by rule id. */
async function seriousViolations(page: import('playwright-core').Page): Promise<string[]> {
  // Evaluated through the DevTools protocol: an injected <script> would be refused by the page's CSP.
  await page.evaluate(fs.readFileSync(axePath, 'utf8'));
  const results = await page.evaluate(async () => (window as unknown as { axe: { run(): Promise<{ violations: { id: string; impact: string }[] }> } }).axe.run());
  return results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => v.id);
}

const TITLE = 'المكتبة العامة تفتح قاعة جديدة للأطفال';

describe.skipIf(!available)('an editor in Chromium', () => {
  let dataDir: string;
  let sahifa: RunningSahifa;
  let database: DatabaseHandle;
  let browser: Browser;

  beforeAll(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sahifa-e2e-newsroom-'));
    // The real server with its in-process worker, polling often so the test does not wait long past the minute.
    sahifa = await startSahifa(['serve'], { DATA_DIR: dataDir, WORKER_POLL_MS: '250', NODE_ENV: 'test', DATABASE_URL: '' });
    database = openDatabase(loadConfig({ DATA_DIR: dataDir }).database);
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    });
    fs.mkdirSync(artifacts, { recursive: true });
  });

  afterAll(async () => {
    await browser?.close();
    sahifa?.child.kill('SIGTERM');
    await sahifa?.exited;
    await database?.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('writes an Arabic article with an image, schedules it a minute ahead, and a reader sees it once the worker publishes it', async () => {
    const editor = await insertReader(database.db, { role: 'editor', display_name: 'سلمى حداد' });
    const config = loadConfig({ DATA_DIR: dataDir });
    const { token } = await sessionService(database.db, { idleMs: config.accounts.sessionIdleMs, maxMs: config.accounts.sessionMaxMs }).start(editor.id, {});
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    await context.addCookies([{ name: SESSION_COOKIE, value: token, url: sahifa.baseUrl }]);
    const page = await context.newPage();

    // An image, with its alt text, caption and credit.
    const picture = path.join(dataDir, 'children-room.png');
    await sharp({ create: { width: 1400, height: 900, channels: 3, background: '#2d6a4f' } }).png().toFile(picture);
    await page.goto(`${sahifa.baseUrl}/admin/media`);
    await page.getByLabel('النص البديل (مطلوب)').fill('أطفال يقرؤون في القاعة الجديدة');
    await page.getByLabel('التعليق (اختياري)').fill('قاعة الأطفال');
    await page.getByLabel('المصوّر أو المصدر (اختياري)').fill('سلمى حداد');
    await page.getByLabel('الصورة', { exact: true }).setInputFiles(picture);
    await page.getByRole('button', { name: 'ارفع الصورة' }).click();
    await page.waitForURL(/uploaded=/);
    const snippet = await page.locator('.just-uploaded input.snippet').inputValue();
    expect(snippet).toMatch(/^!\[أطفال يقرؤون في القاعة الجديدة\]\(\/media\/[0-9a-f-]+ "قاعة الأطفال · تصوير: سلمى حداد"\)$/);

    // The article, written with the keyboard-reachable form.
    await page.goto(`${sahifa.baseUrl}/admin/articles/new`);
    await page.getByLabel('العنوان', { exact: true }).fill(TITLE);
    await page.getByLabel('العنوان الفرعي (اختياري)').fill('قاعة تضم ألفي كتاب مصوّر');
    await page
      .getByLabel('النص', { exact: true })
      .fill(`افتتحت المكتبة العامة **صباح اليوم** قاعة جديدة للأطفال.\n\n${snippet}\n\n## ماذا في القاعة\n\n- كتب مصوّرة\n- ركن للحكايات\n\n> قالت المديرة: «القراءة تبدأ صغيرة»`);
    await page.getByLabel('الكتّاب').fill('سلمى حداد');
    await page.getByLabel('الوسوم').fill('مكتبات، أطفال');
    // The live preview is the article page itself.
    await expect.poll(async () => page.frameLocator('iframe[name="preview"]').locator('article h1').textContent().catch(() => null), { timeout: 10_000 }).toBe(TITLE);

    // One minute ahead, written in the site's time zone as the field expects.
    let at = new Date(Math.floor((Date.now() + 60_000) / 60_000) * 60_000);
    if (at.getTime() - Date.now() < 20_000) at = new Date(at.getTime() + 60_000);
    await page.getByLabel('وقت النشر المجدول').fill(utcToZonedTime(at, DEFAULT_TIME_ZONE));
    await page.screenshot({ path: path.join(artifacts, 'newsroom-editor-desktop.png'), fullPage: true });
    expect(await seriousViolations(page)).toEqual([]);
    await page.getByRole('button', { name: 'جدولة النشر' }).click();
    await page.waitForURL(/saved=schedule/);
    expect(await page.locator('.notice').first().textContent()).toContain('جُدول نشر المقال');
    expect(await page.locator('.badge.status-scheduled').textContent()).toBe('مجدول');
    await page.setViewportSize({ width: 390, height: 844 });
    await page.screenshot({ path: path.join(artifacts, 'newsroom-editor-phone.png'), fullPage: true });
    await page.goto(`${sahifa.baseUrl}/admin`);
    expect(await page.getByRole('link', { name: TITLE }).count()).toBe(1);
    expect(await seriousViolations(page)).toEqual([]);
    await page.screenshot({ path: path.join(artifacts, 'newsroom-list-phone.png'), fullPage: true });

    // A reader (no session) does not see it before its time, then sees it on the home page after the worker runs.
    const reader = await browser.newPage({ viewport: { width: 390, height: 844 } });
    await reader.goto(`${sahifa.baseUrl}/`);
    expect(await reader.getByRole('link', { name: TITLE }).count()).toBe(0);
    await expect
      .poll(
        async () => {
          await reader.goto(`${sahifa.baseUrl}/`);
          return reader.getByRole('link', { name: TITLE }).count();
        },
        { timeout: 150_000, interval: 2_000 },
      )
      .toBeGreaterThan(0);
    expect(Date.now()).toBeGreaterThanOrEqual(at.getTime());
    await reader.getByRole('link', { name: TITLE }).first().click();
    await reader.waitForURL(/\/article\//);
    expect(await reader.locator('h1').textContent()).toBe(TITLE);
    const image = reader.locator('.article-body figure img');
    await image.scrollIntoViewIfNeeded();
    await expect.poll(() => image.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth), { timeout: 10_000 }).toBeGreaterThan(0);
    expect(await image.getAttribute('alt')).toBe('أطفال يقرؤون في القاعة الجديدة');
    expect(await reader.locator('.article-body figcaption').textContent()).toBe('قاعة الأطفال · تصوير: سلمى حداد');
    expect(await reader.locator('.article-body blockquote').textContent()).toContain('«القراءة تبدأ صغيرة»');
    await reader.screenshot({ path: path.join(artifacts, 'newsroom-published-phone.png'), fullPage: true });
    await context.close();
  }, 240_000);
});
