import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import iconv from 'iconv-lite';
import { afterAll, describe, expect, it } from 'vitest';
import { describeEachEngine } from '../../test/engines.ts';
import { articleRepository } from '../articles/article.repository.ts';
import { openDatabase } from '../db/database.ts';
import { searchArticles } from '../search/search.service.ts';
import { expandPaths, importFiles } from './import.service.ts';

const repoRoot = path.resolve(import.meta.dirname, '../..');
const seedPath = path.resolve(repoRoot, '../shared/seeds/000_1cf7490bba804225.txt');
const fixtures = path.join(import.meta.dirname, 'fixtures');
const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'sahifa-import-'));
afterAll(() => fs.rmSync(scratch, { recursive: true, force: true }));

function writeScratch(name: string, content: string | Buffer): string {
  const file = path.join(scratch, name);
  fs.writeFileSync(file, content);
  return file;
}

const longLine = (topic: string) =>
  `${topic} في تقرير مطول نشرته الجهات المختصة صباح اليوم، وقال المسؤولون إن العمل سيستمر خلال الأسابيع المقبلة في كل المناطق المعنية دون توقف.`;

describeEachEngine('importFiles', (database) => {
  const count = async () => articleRepository(database.handle.db).countPublished();

  it('imports the seed page to exactly its title, subtitle and five paragraphs, without chrome', async () => {
    const report = await importFiles(database.handle.db, [seedPath]);
    expect(report.failed).toEqual([]);
    expect(report.imported).toEqual([expect.objectContaining({ outcome: 'created', title: 'العراق يعلن انسحاب أول قوة أميركية بموجب «اتفاق واشنطن»' })]);
    const row = await articleRepository(database.handle.db).findPublishedBySlug(report.imported[0]!.slug);
    expect(row?.subtitle).toBe('«قاصم الجبارين» تتبنى استهداف 3 أرتال للتحالف');
    const paragraphs = JSON.parse(row!.paragraphs) as string[];
    expect(paragraphs).toHaveLength(5);
    expect(paragraphs.join('\n')).not.toMatch(/لم تشترك بعد|انشئ حساباً/);
  });

  it('changes nothing when the same page is imported again', async () => {
    const before = await articleRepository(database.handle.db).findPublishedBySlug('العراق-يعلن-انسحاب-أول-قوة-أميركية-بموجب-اتفاق-واشنطن');
    const total = await count();
    const report = await importFiles(database.handle.db, [seedPath], new Date('2030-01-01T00:00:00Z'));
    expect(report.imported.map((item) => item.outcome)).toEqual(['unchanged']);
    expect(await count()).toBe(total);
    const after = await articleRepository(database.handle.db).findPublishedBySlug(before!.slug);
    expect(after?.updated_at).toBe(before?.updated_at);
  });

  it('imports HTML pages and feeds, reporting a bad feed item while the others import', async () => {
    const report = await importFiles(database.handle.db, ['article-page.html', 'news.atom', 'news.json'].map((name) => path.join(fixtures, name)));
    expect(report.imported.map((item) => item.title)).toEqual([
      'سوق الكتب المستعملة يعود إلى الساحة القديمة',
      'افتتاح عيادة متنقلة في القرى الجبلية',
      'بدء موسم الصيد بعد شهرين من التوقف',
    ]);
    expect(report.failed).toEqual([{ file: path.join(fixtures, 'news.atom'), reason: 'item 2 has no title' }]);
  });

  it('imports the items of an RSS feed, names the item that fails, and changes nothing on a second import', async () => {
    const rss = path.join(fixtures, 'news.rss');
    const first = await importFiles(database.handle.db, [rss]);
    expect(first.imported.map((item) => item.outcome)).toEqual(['created', 'created', 'created']);
    expect(first.failed).toEqual([{ file: rss, reason: 'item 3 «خبر بلا نص» has no body' }]);
    const repo = articleRepository(database.handle.db);
    const row = await repo.findBySourceUrl('https://town.example/city/footbridge');
    expect(row).toMatchObject({ title: 'افتتاح جسر المشاة فوق الطريق السريع', source_name: 'أخبار البلدة' });
    const relations = await repo.relationsOf(row!.id);
    expect(relations.authors.map((author) => author.name)).toEqual(['سلمى يوسف']);
    expect(relations.tags.map((tag) => tag.name).sort()).toEqual(['سلامة', 'طرق']);
    expect((await repo.findPublishedBySlug(row!.slug))?.section_name).toBe('محليات');

    const total = await count();
    const second = await importFiles(database.handle.db, [rss], new Date('2030-01-01T00:00:00Z'));
    expect(second.imported.map((item) => item.outcome)).toEqual(['unchanged', 'unchanged', 'unchanged']);
    expect(await count()).toBe(total);
    expect((await repo.findBySourceUrl('https://town.example/city/footbridge'))?.updated_at).toBe(row!.updated_at);
  });

  it('updates a feed item in place when it comes back changed, keeping its slug', async () => {
    const feed = (body: string) => `<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>
      <item><title>تعديل خبر الطقس</title><link>https://weather.example/1</link><description>${body}</description></item></channel></rss>`;
    const first = await importFiles(database.handle.db, [writeScratch('weather.rss', feed('أمطار غزيرة متوقعة مساء اليوم.'))]);
    const second = await importFiles(database.handle.db, [writeScratch('weather.rss', feed('أمطار خفيفة متوقعة مساء اليوم.'))]);
    expect(second.imported[0]).toMatchObject({ outcome: 'updated', slug: first.imported[0]!.slug });
    const row = await articleRepository(database.handle.db).findPublishedBySlug(first.imported[0]!.slug);
    expect(JSON.parse(row!.paragraphs)).toEqual(['أمطار خفيفة متوقعة مساء اليوم.']);
  });

  it('reports each bad file by name and reason, in the order given, and imports the rest', async () => {
    const total = await count();
    const files = [
      writeScratch('empty.txt', ''),
      writeScratch('image.png', Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52])),
      path.join(fixtures, 'broken.rss'),
      path.join(scratch, 'missing.txt'),
      scratch,
      writeScratch('huge-line.txt', `عنوان\n${'ب'.repeat(150_000)}`),
      writeScratch('legacy.txt', iconv.encode(`مكتبة الحي تمدد ساعات العمل\n${longLine('مددت مكتبة الحي ساعات عملها')}`, 'windows-1256')),
    ];
    const report = await importFiles(database.handle.db, files);
    expect(report.failed.map((failure) => [path.basename(failure.file), failure.reason])).toEqual([
      ['empty.txt', 'the file is empty'],
      ['image.png', 'the file is binary, not a text, HTML or feed page'],
      ['broken.rss', 'malformed XML (Unexpected end of description)'],
      ['missing.txt', 'no such file'],
      [path.basename(scratch), 'not a regular file (a folder or a device)'],
      ['huge-line.txt', 'line 2 is 150000 characters long (limit 100000)'],
    ]);
    expect(report.imported.map((item) => item.title)).toEqual(['مكتبة الحي تمدد ساعات العمل']);
    expect(await count()).toBe(total + 1);
  });

  it('drops lines that recur across the pages of one site', async () => {
    const page = (title: string, topic: string) => [title, 'القائمة: أخبار | رياضة | اقتصاد', longLine(topic), 'النشرة اليومية في بريدك كل صباح'].join('\n');
    const files = [
      writeScratch('site-1.txt', page('افتتاح حديقة عامة جديدة', 'افتتحت البلدية حديقة عامة')),
      writeScratch('site-2.txt', page('إغلاق طريق الساحل للصيانة', 'أغلقت الوزارة طريق الساحل')),
      writeScratch('site-3.txt', page('ارتفاع أسعار الخضار في الأسواق', 'ارتفعت أسعار الخضار')),
    ];
    const report = await importFiles(database.handle.db, files);
    expect(report.failed).toEqual([]);
    const repo = articleRepository(database.handle.db);
    for (const item of report.imported) {
      const row = await repo.findPublishedBySlug(item.slug);
      const relations = await repo.relationsOf(row!.id);
      expect(relations.relatedHeadlines).toEqual([]);
      expect(JSON.parse(row!.paragraphs)).toHaveLength(1);
    }
  });

  it('writes nothing of an article whose save fails half-way', async () => {
    const total = await count();
    // The failure is injected when the article's tags are written, after its row was inserted in the same transaction.
    const feed = `<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>
      <item><title>خبر سيفشل حفظه</title><link>https://fail.example/1</link><description>نص الخبر.</description></item></channel></rss>`;
    const db = database.handle.db;
    const failing = db.withPlugin({
      transformQuery(args) {
        if (args.node.kind === 'InsertQueryNode' && (args.node.into as { table: { identifier: { name: string } } }).table.identifier.name === 'article_tags') {
          throw new Error('simulated failure after the article row');
        }
        return args.node;
      },
      async transformResult(args) {
        return args.result;
      },
    });
    const withTag = feed.replace('<description>', '<category>منوعات</category><category>وسم</category><description>');
    const report = await importFiles(failing, [writeScratch('fails.rss', withTag)]);
    expect(report.failed).toEqual([{ file: path.join(scratch, 'fails.rss'), reason: 'simulated failure after the article row' }]);
    expect(await count()).toBe(total);
    expect(await articleRepository(db).findBySourceUrl('https://fail.example/1')).toBeUndefined();
  });
});

describe('expandPaths', () => {
  it('lists the files of folders in order without hidden ones, and keeps a missing path for importFiles to report', async () => {
    const folder = path.join(scratch, 'folder');
    fs.mkdirSync(path.join(folder, 'inner'), { recursive: true });
    for (const name of ['b.txt', 'a.txt', 'inner/c.html', '.DS_Store']) fs.writeFileSync(path.join(folder, name), 'x');
    const missing = path.join(scratch, 'nowhere.txt');
    expect(await expandPaths([folder, missing])).toEqual([
      path.join(folder, 'a.txt'),
      path.join(folder, 'b.txt'),
      path.join(folder, 'inner/c.html'),
      missing,
    ]);
  });
});

// Each test starts Node and tsx, which takes seconds on a busy machine.
describe('sahifa import (command line)', { timeout: 120_000 }, () => {
  const run = promisify(execFile);
  const dataDir = path.join(scratch, 'cli-data');
  const sahifa = (...args: string[]) =>
    run(process.execPath, [path.join(repoRoot, 'bin/sahifa.js'), ...args], { env: { ...process.env, DATA_DIR: dataDir, DATABASE_URL: '' } });

  it('runs from any directory, and imports a large feed through the analysis thread', async () => {
    const items = Array.from({ length: 30 }, (_, i) => `<item><title>مهرجان الربيع يفتتح دورته رقم ${i + 1}</title>
      <link>https://example.org/spring-${i + 1}</link><description>افتتح المهرجان دورته بعروض للفرق الشعبية في الساحة ${i + 1}.</description></item>`);
    const feed = writeScratch('cli-spring.xml', `<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>مهرجانات</title>${items.join('')}</channel></rss>`);
    const { stdout } = await run(process.execPath, [path.join(repoRoot, 'bin/sahifa.js'), 'import', feed], {
      cwd: os.tmpdir(),
      env: { ...process.env, DATA_DIR: path.join(scratch, 'cli-elsewhere'), DATABASE_URL: '' },
    });
    expect(stdout).toContain('import: 30 created, 0 updated, 0 unchanged, 0 failed');
    const { db, close } = openDatabase({ engine: 'sqlite', file: path.join(scratch, 'cli-elsewhere', 'sahifa.db') });
    try {
      expect((await searchArticles(db, 'الشعبيه')).total).toBe(30);
    } finally {
      await close();
    }
  });

  it('imports the seed and says where to read it', async () => {
    const { stdout } = await sahifa('import', seedPath);
    expect(stdout).toContain('created: /article/العراق-يعلن-انسحاب-أول-قوة-أميركية-بموجب-اتفاق-واشنطن');
    expect(stdout).toContain('import: 1 created, 0 updated, 0 unchanged, 0 failed');
    expect(fs.existsSync(path.join(dataDir, 'sahifa.db'))).toBe(true);
  });

  it('exits 1 and names the file that failed', async () => {
    const empty = writeScratch('cli-empty.txt', '');
    await expect(sahifa('import', seedPath, empty)).rejects.toMatchObject({
      code: 1,
      stderr: expect.stringContaining(`failed: ${empty}: the file is empty`),
      stdout: expect.stringContaining('import: 0 created, 0 updated, 1 unchanged, 1 failed'),
    });
  });

  it('lists its commands', async () => {
    const { stdout } = await sahifa('--help');
    for (const command of ['serve', 'migrate', 'import', 'reindex']) expect(stdout).toContain(command);
  });
});
