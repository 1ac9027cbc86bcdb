// Import throughput: Sahifa's save path (the one `sahifa import` uses: groups of BULK_TRANSACTION_SIZE articles per
// transaction, relations, search index) against the raw engine inserting the same rows and full text with prepared
// statements in transactions of the same size.
import fs from 'node:fs';
import SQLite from 'better-sqlite3';
import { BULK_TRANSACTION_SIZE, IMPORT_BATCH_SIZE, saveImportedArticles } from '../src/articles/article.service.ts';
import type { DatabaseHandle } from '../src/db/database.ts';
import type { ParsedArticle } from '../src/ingest/parsed-article.ts';
import { percentiles } from './stats.ts';

export interface ImportFigures {
  articles: number;
  seconds: number;
  perSecond: number;
  /** Time to save one group of BULK_TRANSACTION_SIZE articles, in ms (for Sahifa: a batch's time over its groups). */
  p50: number;
  p95: number;
  /**
   * CPU time per article in ms, for Sahifa: the whole process (both threads, and V8's helpers), and the main thread
   * alone (Linux only). Unlike throughput, these hardly change with what else the machine runs.
   */
  cpuMsPerArticle?: number;
  mainThreadCpuMsPerArticle?: number;
}

export async function sahifaImport(handle: DatabaseHandle, articles: Iterable<ParsedArticle>): Promise<ImportFigures> {
  const samples: number[] = [];
  const cpuBefore = process.cpuUsage();
  const mainThreadBefore = mainThreadCpuMs();
  const started = performance.now();
  let count = 0;
  // As `sahifa import` does: IMPORT_BATCH_SIZE articles per call, written BULK_TRANSACTION_SIZE per transaction.
  for (const batch of groups(articles, IMPORT_BATCH_SIZE)) {
    count += batch.length;
    const before = performance.now();
    const results = await saveImportedArticles(handle.db, batch);
    const failed = results.find((result) => result instanceof Error);
    if (failed) throw failed;
    samples.push((performance.now() - before) / Math.ceil(batch.length / BULK_TRANSACTION_SIZE));
  }
  const result = figures(count, samples, performance.now() - started);
  const cpu = process.cpuUsage(cpuBefore);
  const mainThreadAfter = mainThreadCpuMs();
  return {
    ...result,
    cpuMsPerArticle: (cpu.user + cpu.system) / 1000 / count,
    mainThreadCpuMsPerArticle: mainThreadBefore === undefined || mainThreadAfter === undefined ? undefined : (mainThreadAfter - mainThreadBefore) / count,
  };
}

/** CPU time of the main thread so far, in ms (utime + stime of its /proc entry, in clock ticks of 10 ms); Linux only. */
function mainThreadCpuMs(): number | undefined {
  try {
    const stat = fs.readFileSync(`/proc/self/task/${process.pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return undefined;
  }
}

function* groups(articles: Iterable<ParsedArticle>, size = BULK_TRANSACTION_SIZE): Generator<ParsedArticle[]> {
  let group: ParsedArticle[] = [];
  for (const article of articles) {
    group.push(article);
    if (group.length === size) {
      yield group;
      group = [];
    }
  }
  if (group.length) yield group;
}

/** The same rows and the same text into the same engine, in transactions of the same size, nothing else. */
export function rawImport(file: string, articles: Iterable<ParsedArticle>): ImportFigures {
  const db = new SQLite(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.exec(`create table articles (id integer primary key, title text not null, subtitle text, paragraphs text not null,
             section text, source_url text unique, published_at text);
           create virtual table article_text using fts5(title, body);`);
  const insertArticle = db.prepare('insert into articles (title, subtitle, paragraphs, section, source_url, published_at) values (?, ?, ?, ?, ?, ?)');
  const insertText = db.prepare('insert into article_text (rowid, title, body) values (?, ?, ?)');
  const save = db.transaction((group: ParsedArticle[]) => {
    for (const article of group) {
      const { lastInsertRowid } = insertArticle.run(article.title, article.subtitle, JSON.stringify(article.paragraphs), article.sectionName, article.sourceUrl, article.publishedAt);
      insertText.run(lastInsertRowid, article.title, article.paragraphs.join('\n'));
    }
  });
  const samples: number[] = [];
  const started = performance.now();
  let count = 0;
  for (const group of groups(articles)) {
    count += group.length;
    const before = performance.now();
    save(group);
    samples.push(performance.now() - before);
  }
  const result = figures(count, samples, performance.now() - started);
  db.close();
  return result;
}

function figures(articles: number, groupSamples: number[], elapsedMs: number): ImportFigures {
  return { articles, seconds: elapsedMs / 1000, perSecond: articles / (elapsedMs / 1000), ...percentiles(groupSamples) };
}
