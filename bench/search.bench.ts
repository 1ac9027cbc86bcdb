// Search latency at scale: Sahifa's search (analyzer, ranking, count, facets, snippets) against the raw engine
// doing the ranked top-10 on unanalyzed text. Articles are built at run time by recombining the paragraphs of
// the real corpus in ../shared/data (never committed). Sizes: BENCH_SEARCH_SIZES=100000,1000000 (SQLite);
// PostgreSQL at BENCH_SEARCH_PG_SIZE (default 100000) when TEST_DATABASE_URL or BENCH_DATABASE_URL is set.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import zlib from 'node:zlib';
import { pathToFileURL } from 'node:url';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { sql } from 'kysely';
import { analyze } from '../src/arabic/analyzer.ts';
import type { DatabaseTarget } from '../src/config.ts';
import { openDatabase, type DatabaseHandle } from '../src/db/database.ts';
import { migrateToLatest } from '../src/db/migrate.ts';
import { saveImportedArticle } from '../src/articles/article.service.ts';
import { searchArticles } from '../src/search/search.service.ts';

const corpusPath = path.resolve(import.meta.dirname, '../../shared/data/ant-multisource.jsonl.gz');

interface CorpusRecord {
  title: string;
  cat: string;
  paragraphs: string[];
}

async function readCorpus(): Promise<CorpusRecord[]> {
  if (!fs.existsSync(corpusPath)) throw new Error(`corpus not found at ${corpusPath} (see ../shared/data/README.md)`);
  const records: CorpusRecord[] = [];
  const lines = readline.createInterface({ input: fs.createReadStream(corpusPath).pipe(zlib.createGunzip()) });
  for await (const line of lines) {
    const record = JSON.parse(line) as { title: string; cat: string; text: string };
    const paragraphs = record.text.split(/\n+/).map((p) => p.trim()).filter((p) => p.length > 40);
    if (record.title && paragraphs.length) records.push({ title: record.title.trim(), cat: record.cat, paragraphs });
  }
  return records;
}

/** A deterministic pseudo-random generator so every run builds the same articles and queries. */
function random(seed: number) {
  let state = seed;
  return () => ((state = (state * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
}

function* generatedArticles(corpus: CorpusRecord[], count: number) {
  const next = random(42);
  const allParagraphs = corpus.flatMap((record) => record.paragraphs);
  const start = Date.UTC(2018, 0, 1);
  for (let i = 0; i < count; i++) {
    const base = corpus[i % corpus.length]!;
    const paragraphs = i < corpus.length
      ? base.paragraphs
      : Array.from({ length: 3 + Math.floor(next() * 4) }, () => allParagraphs[Math.floor(next() * allParagraphs.length)]!);
    yield {
      title: i < corpus.length ? base.title : `${base.title} (${i})`,
      paragraphs,
      sectionName: base.cat,
      publishedAt: new Date(start + Math.floor(next() * 8 * 365 * 86_400_000)).toISOString(),
    };
  }
}

async function build(handle: DatabaseHandle, corpus: CorpusRecord[], count: number) {
  const started = performance.now();
  let i = 0;
  for (const article of generatedArticles(corpus, count)) {
    await saveImportedArticle(handle.db, {
      ...article,
      subtitle: null,
      relatedHeadlines: [],
      tags: [],
      authors: [],
      sourceName: null,
      sourceUrl: `https://bench.invalid/${i++}`,
      language: 'ar',
    });
  }
  return (performance.now() - started) / 1000;
}

/** 1-word, 2-word and phrase queries taken from real titles. */
function queriesFrom(corpus: CorpusRecord[]) {
  const next = random(7);
  const pick = () => analyze(corpus[Math.floor(next() * corpus.length)]!.title).map((t) => t.surface).filter((w) => w.length >= 3);
  const sets = { 'one word': [] as string[], 'two words': [] as string[], phrase: [] as string[] };
  while (sets.phrase.length < 100) {
    const words = pick();
    if (words.length < 2) continue;
    const at = Math.floor(next() * (words.length - 1));
    sets['one word'].push(words[at]!);
    sets['two words'].push(`${words[at]} ${words[at + 1]}`);
    sets.phrase.push(`"${words[at]} ${words[at + 1]}"`);
  }
  return sets;
}

function percentiles(samples: number[]) {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
  return { p50: at(50), p95: at(95), p99: at(99) };
}

async function time(queries: string[], run: (query: string) => Promise<unknown>) {
  for (const query of queries.slice(0, 10)) await run(query); // warm the page cache
  const samples: number[] = [];
  for (const query of queries) {
    const started = performance.now();
    await run(query);
    samples.push(performance.now() - started);
  }
  return percentiles(samples);
}

/** The raw engine: SQLite FTS5 over the unanalyzed title and body, bm25 top 10; PostgreSQL: the same with 'simple'. */
async function rawSetup(handle: DatabaseHandle) {
  const started = performance.now();
  if (handle.engine === 'sqlite') {
    await sql`create virtual table raw_search using fts5(title, body)`.execute(handle.db);
    await sql`insert into raw_search (rowid, title, body) select rowid, title, paragraphs from articles`.execute(handle.db);
  } else {
    await sql`create table raw_search as select id, to_tsvector('simple', title || ' ' || paragraphs) as document from articles`.execute(handle.db);
    await sql`create index on raw_search using gin (document)`.execute(handle.db);
  }
  return (performance.now() - started) / 1000;
}

function rawQuery(handle: DatabaseHandle) {
  if (handle.engine === 'sqlite') {
    return (query: string) =>
      sql`select rowid from raw_search where raw_search match ${query} order by bm25(raw_search) limit 10`.execute(handle.db);
  }
  return (query: string) =>
    sql`select id from raw_search where document @@ websearch_to_tsquery('simple', ${query})
      order by ts_rank(document, websearch_to_tsquery('simple', ${query})) desc limit 10`.execute(handle.db);
}

async function indexSize(handle: DatabaseHandle, file?: string): Promise<string> {
  if (file) return `${(fs.statSync(file).size / 2 ** 20).toFixed(0)} MiB database file`;
  const result = await sql<{ size: string }>`select pg_size_pretty(pg_total_relation_size('article_search')) as size`.execute(handle.db);
  return `${result.rows[0]?.size} search index`;
}

async function benchOne(label: string, target: DatabaseTarget, corpus: CorpusRecord[], count: number) {
  const handle = openDatabase(target);
  await migrateToLatest(handle.db);
  const buildSeconds = await build(handle, corpus, count);
  const rawSeconds = await rawSetup(handle);
  console.log(`\n${label}: ${count} articles; built through the importer's save path in ${buildSeconds.toFixed(0)} s (${(count / buildSeconds).toFixed(0)} articles/s); raw index ${rawSeconds.toFixed(0)} s; ${await indexSize(handle, target.engine === 'sqlite' ? target.file : undefined)}`);
  const raw = rawQuery(handle);
  const rows = [];
  for (const [kind, queries] of Object.entries(queriesFrom(corpus))) {
    const sahifa = await time(queries, (query) => searchArticles(handle.db, query));
    const engine = await time(queries, (query) => raw(query).catch(() => null));
    rows.push({ kind, sahifa, engine, ratio: sahifa.p95 / engine.p95 });
    console.log(
      `  ${kind.padEnd(9)} Sahifa p50 ${sahifa.p50.toFixed(1)} ms  p95 ${sahifa.p95.toFixed(1)} ms  p99 ${sahifa.p99.toFixed(1)} ms | raw p50 ${engine.p50.toFixed(1)} ms  p95 ${engine.p95.toFixed(1)} ms | ratio p95 ${(sahifa.p95 / engine.p95).toFixed(2)}×`,
    );
  }
  await handle.close();
  return { label, count, buildSeconds, rows };
}

export async function runSearchBench() {
  const corpus = await readCorpus();
  const sizes = (process.env.BENCH_SEARCH_SIZES ?? '100000').split(',').map(Number);
  const results = [];
  for (const size of sizes) {
    const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'sahifa-search-bench-'));
    try {
      results.push(await benchOne('SQLite', { engine: 'sqlite', file: path.join(directory, 'bench.db') }, corpus, size));
    } finally {
      fs.rmSync(directory, { recursive: true, force: true });
    }
  }
  const url = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL;
  if (url) {
    const schema = `bench_${randomBytes(4).toString('hex')}`;
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    await admin.query(`create schema ${schema}`);
    try {
      results.push(await benchOne('PostgreSQL', { engine: 'postgres', connectionString: url, schema }, corpus, Number(process.env.BENCH_SEARCH_PG_SIZE ?? 100_000)));
    } finally {
      await admin.query(`drop schema ${schema} cascade`);
      await admin.end();
    }
  }
  return results;
}

if (import.meta.url === pathToFileURL(path.resolve(process.argv[1] ?? '')).href) {
  await runSearchBench();
}
