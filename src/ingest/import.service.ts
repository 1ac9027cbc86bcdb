import fs from 'node:fs/promises';
import path from 'node:path';
import type { Kysely } from 'kysely';
import { IMPORT_BATCH_SIZE, type SaveOutcome, saveImportedArticles } from '../articles/article.service.ts';
import type { Database } from '../db/schema.ts';
import { understandImported } from '../understanding/understanding.service.ts';
import { decodePage } from './decode.ts';
import { detectFormat, type PageFormat } from './detect-format.ts';
import { type FeedItemResult, parseFeedDocument } from './feed.ts';
import type { ParsedArticle } from './parsed-article.ts';
import { parseHtmlPage } from './html-page.ts';
import { recurringLines } from './site-chrome.ts';
import { parseTextPage } from './text-page.ts';

export interface ImportedItem {
  file: string;
  outcome: SaveOutcome;
  slug: string;
  title: string;
}

export interface ImportFailure {
  file: string;
  reason: string;
}

export interface ImportReport {
  imported: ImportedItem[];
  failed: ImportFailure[];
}

interface LoadedPage {
  file: string;
  text: string;
  format: PageFormat;
}

/**
 * Imports files (plain-text pages, HTML pages, RSS/Atom/JSON feeds). Every article is saved whole or not at all
 * (articles are written a few hundred per transaction, see saveImportedArticles); a bad file or feed item is
 * reported with its reason and the others still import. HTML pages and feeds are imported as soon as they are
 * read, so a large batch never holds them all in memory; plain-text pages wait for the whole batch, whose recurring
 * lines are their site chrome. The report lists files in the given order.
 */
export async function importFiles(db: Kysely<Database>, files: string[], now = new Date()): Promise<ImportReport> {
  const report: ImportReport = { imported: [], failed: [] };
  const pending = new PendingArticles(db, report, now);
  const textPages: LoadedPage[] = [];
  for (const file of files) {
    let page: LoadedPage;
    try {
      page = await loadPage(file);
    } catch (error) {
      report.failed.push({ file, reason: reasonOf(error) });
      continue;
    }
    if (page.format === 'text') textPages.push(page);
    else await parseInto(pending, page, new Set(), report);
  }

  const batchChrome = recurringLines(textPages.map((page) => page.text));
  for (const page of textPages) await parseInto(pending, page, batchChrome, report);
  await pending.flush();

  const position = new Map(files.map((file, index) => [file, index]));
  const byPosition = (a: { file: string }, b: { file: string }) => position.get(a.file)! - position.get(b.file)!;
  report.imported.sort(byPosition);
  report.failed.sort(byPosition);
  // Entities and stories are read once per batch, after the articles' own transactions (see src/understanding).
  await understandImported(db, report.imported.filter((item) => item.outcome !== 'unchanged').map((item) => item.slug));
  return report;
}

/** Parsed articles waiting to be saved together; saved whenever a batch's worth has gathered. */
class PendingArticles {
  private files: string[] = [];
  private articles: ParsedArticle[] = [];

  constructor(
    private readonly db: Kysely<Database>,
    private readonly report: ImportReport,
    private readonly now: Date,
  ) {}

  async add(file: string, article: ParsedArticle): Promise<void> {
    this.files.push(file);
    this.articles.push(article);
    if (this.articles.length >= IMPORT_BATCH_SIZE) await this.flush();
  }

  async flush(): Promise<void> {
    const results = await saveImportedArticles(this.db, this.articles, this.now);
    results.forEach((result, index) => {
      const file = this.files[index]!;
      if (result instanceof Error) this.report.failed.push({ file, reason: result.message });
      else this.report.imported.push({ file, ...result });
    });
    this.files = [];
    this.articles = [];
  }
}

async function loadPage(file: string): Promise<LoadedPage> {
  const stat = await fs.stat(file).catch(() => null);
  if (!stat) throw new Error('no such file');
  if (!stat.isFile()) throw new Error('not a regular file (a folder or a device)');
  const text = decodePage(await fs.readFile(file));
  return { file, text, format: detectFormat(file, text) };
}

/** Parses one page or feed and queues each of its articles, reporting the failures. */
async function parseInto(pending: PendingArticles, page: LoadedPage, batchChrome: ReadonlySet<string>, report: ImportReport): Promise<void> {
  let results: FeedItemResult[];
  try {
    results = parsePage(page, batchChrome);
  } catch (error) {
    report.failed.push({ file: page.file, reason: reasonOf(error) });
    return;
  }
  for (const result of results) {
    if ('error' in result) report.failed.push({ file: page.file, reason: result.error });
    else await pending.add(page.file, result.article);
  }
}

function parsePage(page: LoadedPage, batchChrome: ReadonlySet<string>): FeedItemResult[] {
  switch (page.format) {
    case 'text':
      return [{ article: parseTextPage(page.text, batchChrome) }];
    case 'html':
      return [{ article: parseHtmlPage(page.text) }];
    case 'feed':
      return parseFeedDocument(page.text);
  }
}

function reasonOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Expands directories into the files inside them (recursively), sorted so imports are repeatable. Hidden files
 * inside a folder (.DS_Store, editor backups) are left out; a path given by name is always kept.
 */
export async function expandPaths(paths: string[]): Promise<string[]> {
  const files: string[] = [];
  for (const entry of paths) {
    // A missing path stays in the list; importFiles reports it as "no such file" beside the others.
    const stat = await fs.stat(entry).catch(() => null);
    if (stat?.isDirectory()) {
      const children = (await fs.readdir(entry))
        .filter((child) => !child.startsWith('.'))
        .sort()
        .map((child) => path.join(entry, child));
      files.push(...(await expandPaths(children)));
    } else {
      files.push(entry);
    }
  }
  return files;
}
