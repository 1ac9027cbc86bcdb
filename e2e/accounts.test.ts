import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../test/run-sahifa.ts';
import { startSmtpSink, type SmtpSink } from '../test/smtp-sink.ts';
import { buildApp } from '../src/app.ts';
import { loadConfig } from '../src/config.ts';
import { type DatabaseHandle, openDatabase } from '../src/db/database.ts';
import { migrateToLatest } from '../src/db/migrate.ts';
import { importFiles } from '../src/ingest/import.service.ts';
import { createMailer, type Mailer } from '../src/mail/mailer.ts';
import { ensureDefaultNewsletters } from '../src/newsletters/newsletters.service.ts';
import { parseSender } from '../src/mail/site-sender.ts';

const CHROMIUM = '/usr/bin/chromium';
const repoRoot = path.resolve(import.meta.dirname, '..');
const demoFeed = path.resolve(repoRoot, 'demo/sahifa-demo.rss.xml');
const artifacts = path.resolve(repoRoot, 'test-artifacts');
const available = fs.existsSync(CHROMIUM);
if (!available && process.env.CI) throw new Error(`${CHROMIUM} is missing: .ci/run must install Debian's chromium`);

describe.skipIf(!available)('a reader creates an account in Chromium', () => {
  let dataDir: string;
  let database: DatabaseHandle;
  let server: FastifyInstance;
  let browser: Browser;
  let sink: SmtpSink;
  let mailer: Mailer;
  let baseUrl: string;
  const policyViolations: string[] = [];

  beforeAll(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sahifa-e2e-accounts-'));
    sink = await startSmtpSink();
    const port = await freePort();
    baseUrl = `http://127.0.0.1:${port}`;
    const config = loadConfig({ DATA_DIR: dataDir, PORT: String(port), SITE_URL: baseUrl, SMTP_URL: sink.url });
    database = openDatabase(config.database);
    await migrateToLatest(database.db);
    expect((await importFiles(database.db, [demoFeed])).failed).toEqual([]);
    // As `sahifa serve` does on start: the newsletters the prompt's one-click button subscribes to.
    await ensureDefaultNewsletters(database.db, parseSender(config.mail.from, config.siteName), config.newsletters.timeZone);
    mailer = createMailer(config.mail);
    server = await buildApp({ config, database, mailer });
    await server.listen({ port, host: '127.0.0.1' });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    });
    fs.mkdirSync(artifacts, { recursive: true });
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await mailer?.close();
    await sink?.close();
    await database?.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  async function screenshots(page: Page, name: string) {
    await page.screenshot({ path: path.join(artifacts, `${name}-desktop.png`), fullPage: true });
    const size = page.viewportSize()!;
    await page.setViewportSize({ width: 390, height: 844 });
    await page.screenshot({ path: path.join(artifacts, `${name}-phone.png`), fullPage: true });
    await page.setViewportSize(size);
  }

  /** The first link to `path` in the newest message to `to`, as a URL of this server. */
  async function linkFromMail(to: string, pathPrefix: string): Promise<string> {
    const mail = await sink.waitForMessageTo(to);
    sink.clear();
    expect(mail.html).toContain('dir="rtl"');
    expect(mail.text.length).toBeGreaterThan(0);
    const link = mail.links.find((url) => new URL(url).pathname.startsWith(pathPrefix));
    expect(link, `a ${pathPrefix} link in "${mail.subject}"`).toBeDefined();
    return link!;
  }

  it('signs up, follows the emailed verification link, signs out, signs in by magic link, sees the status change, subscribes in one click, and switches to English', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    // The machine is shared and busy: give each navigation time rather than fail on a slow moment.
    context.setDefaultTimeout(90_000);
    const page = await context.newPage();
    page.on('console', (message) => {
      if (message.type() === 'error' && /Content Security Policy/i.test(message.text())) policyViolations.push(message.text());
    });
    const email = 'rania@example.com';

    await page.goto(`${baseUrl}/`);
    const prompt = page.locator('.reader-prompt');
    expect(await prompt.textContent()).toContain('لم تشترك بعد');
    await prompt.getByRole('link', { name: 'أنشئ حسابك' }).click();
    await page.waitForURL(/\/account\/signup$/);

    await page.getByLabel('الاسم (اختياري)').fill('رانيا');
    await page.getByLabel('البريد الإلكتروني').fill(email);
    await page.getByLabel('كلمة المرور').fill('قهوة الصباح على الشرفة');
    await screenshots(page, 'account-signup');
    await page.getByRole('button', { name: 'أنشئ الحساب' }).click();
    await expect.poll(() => page.locator('h1').textContent()).toBe('تفقّد بريدك');

    await page.goto(await linkFromMail(email, '/account/verify/'));
    await page.getByRole('button', { name: 'أكّد بريدي وادخل' }).click();
    // A new reader may be shown the feed's onboarding first; the account page is one step away either way.
    await page.waitForURL(/\/(account|onboarding)$/);
    await page.goto(`${baseUrl}/account`);
    expect(await page.locator('main').textContent()).toContain('بريد مؤكَّد');
    expect(await prompt.textContent()).not.toContain('أنشئ حسابك');
    expect(await prompt.getByRole('link', { name: /حسابي/ }).count()).toBe(1);
    await screenshots(page, 'account-profile');

    await page.getByRole('button', { name: 'تسجيل الخروج' }).first().click();
    await page.waitForURL(`${baseUrl}/`);
    expect(await prompt.getByRole('link', { name: 'أنشئ حسابك' }).count()).toBe(1);

    await prompt.getByRole('link', { name: 'تسجيل الدخول' }).click();
    await page.locator('#magic-email').fill(email);
    await page.getByRole('button', { name: 'أرسل رابط الدخول' }).click();
    await expect.poll(() => page.locator('h1').textContent()).toBe('تفقّد بريدك');
    await page.goto(await linkFromMail(email, '/account/magic/'));
    await page.getByRole('button', { name: 'ادخل' }).click();
    // A new reader may be shown the feed's onboarding first; the account page is one step away either way.
    await page.waitForURL(/\/(account|onboarding)$/);
    await page.goto(`${baseUrl}/account`);

    // An article page, served from the shared page cache, shows this reader's own status.
    await page.goto(`${baseUrl}/`);
    await page.locator('.card h2 a, .card h3 a').first().click();
    await page.waitForURL(/\/article\//);
    const status = await prompt.textContent();
    expect(status).toContain('لم تشترك بعد');
    expect(status).not.toContain('أنشئ حسابك');
    expect(await prompt.getByRole('link', { name: /حسابي/ }).count()).toBe(1);
    await screenshots(page, 'account-article-signed-in');

    // One click in the prompt subscribes to the default newsletter and comes back to the article: "مشترك".
    const articleUrl = page.url();
    await prompt.getByRole('button', { name: 'اشترك بنقرة واحدة' }).click();
    await expect.poll(() => prompt.locator('strong').textContent(), { timeout: 60_000 }).toBe('مشترك');
    expect(page.url()).toBe(articleUrl);
    expect(await prompt.getByRole('link', { name: 'إدارة نشراتك' }).getAttribute('href')).toBe('/newsletters');
    expect(await prompt.getByRole('button', { name: 'اشترك بنقرة واحدة' }).count()).toBe(0);
    await screenshots(page, 'account-article-subscribed');

    // Preferences apply at once: Western digits and the English interface on the same cached article page.
    await page.goto(`${baseUrl}/account`);
    await page.locator('#digits-latn').check();
    await page.locator('#dateStyle-gregorian').check();
    await page.locator('#language-en').check();
    await page.getByRole('button', { name: 'احفظ', exact: true }).click();
    await expect.poll(() => page.locator('html').getAttribute('lang'), { timeout: 60_000 }).toBe('en');
    await screenshots(page, 'account-profile-english');
    await page.goto(articleUrl);
    expect(await page.locator('html').getAttribute('dir')).toBe('ltr');
    expect(await page.locator('article.article').getAttribute('dir')).toBe('rtl');
    expect(await prompt.locator('strong').textContent()).toBe('Subscribed');
    expect(await page.locator('.article time.published').textContent()).toMatch(/^\d{1,2} [A-Z][a-z]+ \d{4}$/);
    await screenshots(page, 'account-article-english');

    expect(policyViolations).toEqual([]);
    await context.close();
  }, 180_000); // a whole journey in a real browser; generous for a busy shared machine
});
