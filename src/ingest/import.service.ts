import fs from 'node:fs/promises';
import path from 'node:path';
import type { Kysely } from 'kysely';
import { type SaveOutcome, saveImportedArticle } from '../articles/article.service.ts';
import type { Database } from '../db/schema.ts';
import { decodePage } from './decode.ts';
import { detectFormat, type PageFormat } from './detect-format.ts';
import { type FeedItemResult, parseFeedDocument } from './feed.ts';
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
 * Imports files (plain-text pages, HTML pages, RSS/Atom/JSON feeds). Each article is saved in its own
 * transaction; a bad file is reported with its reason and the others still import.
 */
export async function importFiles(db: Kysely<Database>, files: string[], now = new Date()): Promise<ImportReport> {
  const report: ImportReport = { imported: [], failed: [] };
  const pages: LoadedPage[] = [];
  for (const file of files) {
    try {
      const stat = await fs.stat(file).catch(() => null);
      if (!stat) throw new Error('no such file');
      if (!stat.isFile()) throw new Error('not a regular file (a folder or a device)');
      const text = decodePage(await fs.readFile(file));
      pages.push({ file, text, format: detectFormat(file, text) });
    } catch (error) {
      report.failed.push({ file, reason: reasonOf(error) });
    }
  }

  const textPages = pages.filter((page) => page.format === 'text');
  const batchChrome = recurringLines(textPages.map((page) => page.text));

  for (const page of pages) {
    let results: FeedItemResult[];
    try {
      results = parsePage(page, batchChrome);
    } catch (error) {
      report.failed.push({ file: page.file, reason: reasonOf(error) });
      continue;
    }
    for (const result of results) {
      if ('error' in result) {
        report.failed.push({ file: page.file, reason: result.error });
        continue;
      }
      try {
        const saved = await saveImportedArticle(db, result.article, now);
        report.imported.push({ file: page.file, ...saved });
      } catch (error) {
        report.failed.push({ file: page.file, reason: reasonOf(error) });
      }
    }
  }
  return report;
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
