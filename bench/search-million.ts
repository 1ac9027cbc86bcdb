// Builds the million-article SQLite database for the search bench in minutes instead of hours: rows written with
// plain prepared statements, and the search index written with the analyzer's output for each distinct paragraph
// computed once (generated articles reuse the real corpus's paragraphs). The index holds exactly what
// indexArticles writes (title analyzed alone; subtitle and paragraphs analyzed as one text, in which no word
// crosses a line break), so searches on it measure what readers would get; the index build time of Sahifa's own
// path is measured separately (reindexAll at 100,000 articles, see searchAtScale).
import { randomUUID } from 'node:crypto';
import SQLite from 'better-sqlite3';
import { analyzeForms } from '../src/arabic/analyzer.ts';
import { openDatabase } from '../src/db/database.ts';
import { checkHeadlineKey, headlineKeyBase, SEQUENCE_SPAN } from '../src/db/search-headlines.ts';
import { fillSectionBlocks } from '../src/db/migrations/0017-search-section-blocks.ts';
import { migrateToLatest } from '../src/db/migrate.ts';
import type { ParsedArticle } from '../src/ingest/parsed-article.ts';

const TRANSACTION_SIZE = 5_000;

export async function buildMillionFile(file: string, articles: Iterable<ParsedArticle>): Promise<{ articles: number; seconds: number }> {
  const handle = openDatabase({ engine: 'sqlite', file });
  await migrateToLatest(handle.db);
  await handle.close();
  const started = performance.now();
  const db = new SQLite(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = OFF');
  const insertSection = db.prepare('insert into sections (id, slug, name, position) values (?, ?, ?, ?)');
  const insertArticle = db.prepare(`insert into articles (id, slug, title, subtitle, paragraphs, section_id, language, status,
      source_url, content_hash, published_at, created_at, updated_at) values (?, ?, ?, ?, ?, ?, 'ar', 'published', ?, ?, ?, ?, ?)`);
  // The headline's key as the index's upsert gives it: the next free one from the base of its length and minute.
  const insertRow = db.prepare(`insert into article_search_rows (article_id, section_id, published_at, headline_key)
    values (@id, @sectionId, @publishedAt, (select coalesce(max(headline_key) + 1, @base) from article_search_rows where headline_key between @base and @last))
    returning search_rowid, headline_key`);
  const insertSectionNumber = db.prepare('insert into article_search_sections (section_id) values (?)');
  const insertPlacement = db.prepare('insert into article_search_placements (search_rowid, published_day, section_number) values (?, julianday(?), ?)');
  const sectionNumbers = new Map<string, number>();
  const insertText = db.prepare('insert into article_search (rowid, title_exact, title_stem, body_exact, body_stem) values (?, ?, ?, ?, ?)');
  const insertHeadline = db.prepare('insert into article_search_headlines (rowid, title_exact, title_stem) values (?, ?, ?)');
  const sectionIds = new Map<string, string>();
  const analyzedParagraphs = new Map<string, { exact: string; stem: string }>();
  const analyzed = (text: string) => {
    let forms = analyzedParagraphs.get(text);
    if (!forms) {
      const { exact, stem } = analyzeForms(text);
      forms = { exact: exact.join(' '), stem: stem.join(' ') };
      analyzedParagraphs.set(text, forms);
    }
    return forms;
  };
  const now = new Date().toISOString();
  let count = 0;
  const write = db.transaction((group: ParsedArticle[]) => {
    const rowids: number[] = [];
    const headlineKeys: number[] = [];
    const titles = group.map((article) => analyzeForms(article.title));
    for (const [position, article] of group.entries()) {
      count++;
      const name = article.sectionName;
      if (name && !sectionIds.has(name)) {
        sectionIds.set(name, randomUUID());
        insertSection.run(sectionIds.get(name), `section-${sectionIds.size}`, name, sectionIds.size);
        sectionNumbers.set(name, Number(insertSectionNumber.run(sectionIds.get(name)).lastInsertRowid));
      }
      const id = randomUUID();
      const sectionId = name ? sectionIds.get(name)! : null;
      insertArticle.run(id, `article-${count}`, article.title, article.subtitle, JSON.stringify(article.paragraphs), sectionId,
        article.sourceUrl, `bench-${count}`, article.publishedAt, now, now);
      const base = headlineKeyBase(titles[position]!.exact.join(' '), article.publishedAt);
      const row = insertRow.get({ id, sectionId, publishedAt: article.publishedAt, base, last: base + SEQUENCE_SPAN - 1 }) as { search_rowid: number; headline_key: number };
      checkHeadlineKey(base, row.headline_key);
      insertPlacement.run(row.search_rowid, article.publishedAt, name ? sectionNumbers.get(name)! : null);
      rowids.push(row.search_rowid);
      headlineKeys.push(row.headline_key);
    }
    // Full-text inserts back to back, as the index's upsert does (another write in between flushes a segment).
    for (const [position, article] of group.entries()) {
      const body = [article.subtitle ?? '', ...article.paragraphs].map(analyzed).filter((forms) => forms.exact);
      insertText.run(rowids[position], titles[position]!.exact.join(' '), titles[position]!.stem.join(' '),
        body.map((forms) => forms.exact).join(' '), body.map((forms) => forms.stem).join(' '));
    }
    // In key order, as the index's upsert writes them (a lower rowid than the last makes FTS5 write a segment).
    const headlines = titles.map((title, position) => ({ key: headlineKeys[position]!, title })).sort((a, b) => a.key - b.key);
    for (const { key, title } of headlines) insertHeadline.run(key, title.exact.join(' '), title.stem.join(' '));
  });
  let group: ParsedArticle[] = [];
  for (const article of articles) {
    group.push(article);
    if (group.length === TRANSACTION_SIZE) {
      write(group);
      group = [];
    }
  }
  if (group.length) write(group);
  db.pragma('optimize');
  db.close();
  // The section blocks from the placements, as migration 0017 derives them.
  const blocks = openDatabase({ engine: 'sqlite', file });
  await fillSectionBlocks(blocks.db);
  await blocks.close();
  return { articles: count, seconds: (performance.now() - started) / 1000 };
}
