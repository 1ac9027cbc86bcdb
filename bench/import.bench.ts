// Import throughput: Sahifa's save path (the one every importer uses: transaction, relations, search index)
// against the raw engine inserting the same rows and full text with prepared statements.
import SQLite from 'better-sqlite3';
import { saveImportedArticle } from '../src/articles/article.service.ts';
import type { DatabaseHandle } from '../src/db/database.ts';
import type { ParsedArticle } from '../src/ingest/parsed-article.ts';
import { percentiles } from './stats.ts';

export interface ImportFigures {
  articles: number;
  seconds: number;
  perSecond: number;
  p50: number;
  p95: number;
}

export async function sahifaImport(handle: DatabaseHandle, articles: Iterable<ParsedArticle>): Promise<ImportFigures> {
  const samples: number[] = [];
  const started = performance.now();
  for (const article of articles) {
    const before = performance.now();
    await saveImportedArticle(handle.db, article);
    samples.push(performance.now() - before);
  }
  return figures(samples, performance.now() - started);
}

/** The same rows and the same text into the same engine, one transaction per article, nothing else. */
export function rawImport(file: string, articles: Iterable<ParsedArticle>): ImportFigures {
  const db = new SQLite(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.exec(`create table articles (id integer primary key, title text not null, subtitle text, paragraphs text not null,
             section text, source_url text unique, published_at text);
           create virtual table article_text using fts5(title, body);`);
  const insertArticle = db.prepare('insert into articles (title, subtitle, paragraphs, section, source_url, published_at) values (?, ?, ?, ?, ?, ?)');
  const insertText = db.prepare('insert into article_text (rowid, title, body) values (?, ?, ?)');
  const save = db.transaction((article: ParsedArticle) => {
    const { lastInsertRowid } = insertArticle.run(article.title, article.subtitle, JSON.stringify(article.paragraphs), article.sectionName, article.sourceUrl, article.publishedAt);
    insertText.run(lastInsertRowid, article.title, article.paragraphs.join('\n'));
  });
  const samples: number[] = [];
  const started = performance.now();
  for (const article of articles) {
    const before = performance.now();
    save(article);
    samples.push(performance.now() - before);
  }
  const result = figures(samples, performance.now() - started);
  db.close();
  return result;
}

function figures(samples: number[], elapsedMs: number): ImportFigures {
  return { articles: samples.length, seconds: elapsedMs / 1000, perSecond: samples.length / (elapsedMs / 1000), ...percentiles(samples) };
}
