// Search latency: Sahifa's search (analyzer, ranking, count, facets, snippets) against these references, for
// 1-word, 2-word and phrase queries drawn from real titles:
// - raw text: the engine ranking the top 10 on the unanalyzed text (an FTS5 table over the same articles, bm25);
// - raw index: the engine running Sahifa's own ranking statements on Sahifa's index (headline matches first),
//   top 10, nothing else (no analyzer, recency, count, facets, snippets or article rows); and the same followed by
//   the engine's count of the first 10,001 matches, the rest of the engine's work for a page of results (Sahifa
//   shows the count): what Sahifa adds on top of the engine;
// - every match ranked: the engine ranking all matches by the whole article's bm25, top 10 (Sahifa's ranking
//   before headline matches came first): what ranking the headlines first saves.
import { randomUUID } from 'node:crypto';
import { type Kysely, sql } from 'kysely';
import type { Database } from '../src/db/schema.ts';
import { analyze } from '../src/arabic/analyzer.ts';
import type { DatabaseHandle } from '../src/db/database.ts';
import type { ParsedArticle } from '../src/ingest/parsed-article.ts';
import { reindexAll, searchArticles } from '../src/search/search.service.ts';
import { parseSearchQuery } from '../src/search/search-query.ts';
import { bestHeadlines } from '../src/db/search-headlines.ts';
import { sqliteCountExpression, sqliteExcludedExpression, sqliteHeadlineExpression, sqliteMatchExpression } from '../src/db/search-fts5.ts';
import { COUNT_LIMIT } from '../src/db/search-index.ts';
import { postgresCountTsquery, postgresHeadlineTsquery, postgresTsquery } from '../src/db/search-tsvector.ts';
import { recombined, seededRandom } from './corpus.ts';
import { buildMillionFile } from './search-million.ts';
import { percentiles } from './stats.ts';
import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import type { DatabaseTarget } from '../src/config.ts';
import { openDatabase } from '../src/db/database.ts';
import { migrateToLatest } from '../src/db/migrate.ts';

/** Queries of each kind; Sahifa's search is slow enough at 130,000 articles that more would make the bench long. */
const QUERIES_PER_KIND = 100;

export function queriesFrom(corpus: ParsedArticle[]) {
  const random = seededRandom(7);
  const sets: Record<string, string[]> = { 'one word': [], 'two words': [], phrase: [] };
  while (sets.phrase!.length < QUERIES_PER_KIND) {
    const words = analyze(corpus[Math.floor(random() * corpus.length)]!.title).map((t) => t.surface).filter((w) => /^\p{L}{3,}$/u.test(w));
    if (words.length < 2) continue;
    const at = Math.floor(random() * (words.length - 1));
    sets['one word']!.push(words[at]!);
    sets['two words']!.push(`${words[at]} ${words[at + 1]}`);
    sets.phrase!.push(`"${words[at]} ${words[at + 1]}"`);
  }
  return sets;
}

type Runner = (query: string) => Promise<unknown>;

/**
 * Wall-time percentiles, and the CPU time of this process per query (the figure to compare on a shared machine),
 * for each runner over the same queries. The runners take turns on each query, in an order that rotates: whoever
 * runs a query second finds its index pages in the cache the first one loaded, so running all of one runner's
 * queries before the next one's favoured the last runner.
 */
async function time(queries: string[], runners: Record<string, Runner>) {
  const names = Object.keys(runners);
  for (const query of queries.slice(0, 20)) for (const name of names) await runners[name]!(query); // warm the page cache
  const samples = new Map(names.map((name) => [name, [] as number[]]));
  const cpuMs = new Map(names.map((name) => [name, 0]));
  for (const [position, query] of queries.entries()) {
    for (let turn = 0; turn < names.length; turn++) {
      const name = names[(position + turn) % names.length]!;
      const cpuBefore = process.cpuUsage();
      const started = performance.now();
      await runners[name]!(query);
      samples.get(name)!.push(performance.now() - started);
      const cpu = process.cpuUsage(cpuBefore);
      cpuMs.set(name, cpuMs.get(name)! + (cpu.user + cpu.system) / 1000);
    }
  }
  return new Map(names.map((name) => [name, { ...percentiles(samples.get(name)!), cpuMsPerQuery: cpuMs.get(name)! / queries.length }]));
}

/** The engine's own references for one database: raw-text ranking, and Sahifa's query on Sahifa's index. */
function references(handle: DatabaseHandle) {
  const exists = async () => {
    const tables = await handle.db.introspection.getTables();
    return tables.some((table) => table.name === 'raw_text');
  };
  if (handle.engine === 'postgres') {
    return {
      exists,
      build: async () => {
        await sql`create table raw_text (id text primary key, document tsvector not null)`.execute(handle.db);
        await sql`insert into raw_text select id, to_tsvector('simple', title || ' ' || paragraphs) from articles`.execute(handle.db);
        await sql`create index raw_text_document on raw_text using gin (document)`.execute(handle.db);
      },
      rawText: (query: string) =>
        sql`select id from raw_text where document @@ websearch_to_tsquery('simple', ${query})
          order by ts_rank(document, websearch_to_tsquery('simple', ${query})) desc limit 10`.execute(handle.db),
      // Sahifa's statements on Sahifa's index, ranked as Sahifa ranks (the headlines holding the query, then, when
      // fewer than ten, the other matches; ts_rank with Sahifa's weights), top 10, and nothing else. With
      // sequential scans off, as Sahifa runs it: left to itself the planner reads the whole table for common words.
      rawIndex: (query: string) => {
        const match = matchOf(query);
        const tsquery = postgresTsquery(match);
        const headline = postgresHeadlineTsquery(match);
        const excluded = match.excluded.length ? sql`and document @@ ${tsquery}::tsquery` : sql``;
        return handle.db.transaction().execute(async (trx) => {
          await sql`set local enable_seqscan = off`.execute(trx);
          const first = await sql<{ article_id: string }>`select article_id from article_search where headline @@ ${headline}::tsquery ${excluded}
            order by ts_rank('{0.1,0.2,0.5,1}'::float4[], headline, ${headline}::tsquery) desc limit 10`.execute(trx);
          if (first.rows.length === 10) return first;
          return sql`select article_id from article_search where document @@ ${tsquery}::tsquery and not (headline @@ ${headline}::tsquery)
            order by ts_rank('{0.1,0.2,0.5,1}'::float4[], document, ${tsquery}::tsquery) desc limit ${10 - first.rows.length}`.execute(trx);
        });
      },
      // The engine counting the first 10,001 matches, as Sahifa counts them (COUNT_LIMIT, by stems), bare.
      rawCount: (query: string) => {
        const tsquery = postgresCountTsquery(matchOf(query));
        return handle.db.transaction().execute(async (trx) => {
          await sql`set local enable_seqscan = off`.execute(trx);
          return sql`select count(*) from (select 1 from article_search where document @@ ${tsquery}::tsquery limit ${COUNT_LIMIT + 1}) counted`.execute(trx);
        });
      },
      rawWholeIndex: (query: string) => {
        const tsquery = postgresTsquery(matchOf(query));
        return handle.db.transaction().execute(async (trx) => {
          await sql`set local enable_seqscan = off`.execute(trx);
          return sql`select article_id from article_search where document @@ ${tsquery}::tsquery
            order by ts_rank('{0.1,0.2,0.5,1}'::float4[], document, ${tsquery}::tsquery) desc limit 10`.execute(trx);
        });
      },
    };
  }
  return {
    exists,
    build: async () => {
      await sql`create virtual table raw_text using fts5(title, body)`.execute(handle.db);
      await sql`insert into raw_text (title, body) select title, paragraphs from articles`.execute(handle.db);
    },
    rawText: (query: string) =>
      sql`select rowid from raw_text where raw_text match ${query} order by bm25(raw_text) limit 10`.execute(handle.db).catch(() => null),
    // Sahifa's statements on Sahifa's index, top 10: the headlines holding the query (bestHeadlines: one run per
    // pattern of exact forms and stems, each ranked on its rowids), then, when fewer than ten, the other matches by
    // bm25 (see rankedIds in src/db/search-index.ts).
    rawIndex: async (query: string) => {
      const match = matchOf(query);
      const excluded = match.excluded.length
        ? sql`join article_search_rows r on r.headline_key = h.rowid where r.search_rowid not in (select rowid from article_search where article_search match ${sqliteExcludedExpression(match)}) and`
        : sql`where`;
      const first = await bestHeadlines(handle.db, match, (expression) => sql`article_search_headlines h ${excluded} h.article_search_headlines match ${expression}`, 10);
      if (first.length === 10) return first;
      return sql`select rowid from article_search where article_search match ${sqliteMatchExpression(match)}
        and rowid not in (select r.search_rowid from article_search_headlines h join article_search_rows r on r.headline_key = h.rowid
          where h.article_search_headlines match ${sqliteHeadlineExpression(match)})
        order by rank limit ${10 - first.length}`.execute(handle.db);
    },
    rawCount: (query: string) =>
      sql`select count(*) from (select rowid from article_search where article_search match ${sqliteCountExpression(matchOf(query))}
        limit ${COUNT_LIMIT + 1})`.execute(handle.db),
    // Every match ranked by the whole article's bm25: Sahifa's ranking before headline matches came first.
    rawWholeIndex: (query: string) =>
      sql`select rowid from article_search where article_search match ${sqliteMatchExpression(matchOf(query))} order by rank limit 10`.execute(handle.db),
  };
}

/** The index's match for a reader's query, as searchArticles builds it. */
function matchOf(query: string) {
  const parsed = parseSearchQuery(query);
  return { terms: parsed.words, phrases: parsed.phrases, excluded: parsed.excluded };
}

/** Size of Sahifa's search index: the FTS5 shadow tables and search rows, or the PostgreSQL table with its GIN index. */
async function searchIndexMiB(handle: DatabaseHandle): Promise<number> {
  const result =
    handle.engine === 'postgres'
      ? await sql<{ bytes: string }>`select pg_total_relation_size('article_search') as bytes`.execute(handle.db)
      : await sql<{ bytes: number }>`select sum(pgsize) as bytes from dbstat where name like 'article_search%'`.execute(handle.db);
  return Number(result.rows[0]?.bytes ?? 0) / 2 ** 20;
}

/** Measures search on a database; keepReference leaves the raw text table in place for the next run on a kept file. */
export async function searchLatency(handle: DatabaseHandle, corpus: ParsedArticle[], file: string | null, line: (text: string) => void, keepReference = false) {
  const reference = references(handle);
  // BENCH_SEARCH_RAW_TEXT=0 leaves the raw text reference out: building it for a million articles takes minutes.
  const withRawText = process.env.BENCH_SEARCH_RAW_TEXT !== '0';
  const started = performance.now();
  if (withRawText && !(await reference.exists())) await reference.build();
  const rawBuildSeconds = (performance.now() - started) / 1000;
  const count = Number((await sql<{ n: number | string }>`select count(*) as n from articles`.execute(handle.db)).rows[0]?.n);
  const size = file ? `SQLite file ${(fs.statSync(file).size / 2 ** 20).toFixed(0)} MiB` : 'PostgreSQL';
  const indexMiB = await searchIndexMiB(handle);
  line(`search over ${count} articles (${size}; Sahifa's search index ${indexMiB.toFixed(0)} MiB; raw text index built in ${rawBuildSeconds.toFixed(0)} s)`);
  const results: Record<string, unknown> = { engine: handle.engine, articles: count, indexMiB };
  for (const [kind, queries] of Object.entries(queriesFrom(corpus))) {
    const runners: Record<string, Runner> = {
      sahifa: (query) => searchArticles(handle.db, query),
      rawIndex: reference.rawIndex,
      rawCounted: async (query) => {
        await reference.rawIndex(query);
        await reference.rawCount(query);
      },
      rawWholeIndex: reference.rawWholeIndex,
    };
    if (withRawText) runners.raw = reference.rawText;
    const measured = await time(queries, runners);
    const sahifa = measured.get('sahifa')!;
    const rawIndex = measured.get('rawIndex')!;
    const rawCounted = measured.get('rawCounted')!;
    const rawWholeIndex = measured.get('rawWholeIndex')!;
    const raw = measured.get('raw') ?? null;
    results[kind] = { sahifa, raw, rawIndex, rawCounted, rawWholeIndex };
    line(
      `  ${kind.padEnd(9)} Sahifa p50 ${sahifa.p50.toFixed(1)} / p95 ${sahifa.p95.toFixed(1)} / p99 ${sahifa.p99.toFixed(1)} ms, CPU ${sahifa.cpuMsPerQuery.toFixed(1)} ms/query` +
        (raw ? ` | raw text top-10 p50 ${raw.p50.toFixed(1)} / p95 ${raw.p95.toFixed(1)} ms (p95 ratio ${(sahifa.p95 / raw.p95).toFixed(1)}×)` : '') +
        ` | raw index top-10 p50 ${rawIndex.p50.toFixed(1)} / p95 ${rawIndex.p95.toFixed(1)} / p99 ${rawIndex.p99.toFixed(1)} ms, CPU ${rawIndex.cpuMsPerQuery.toFixed(1)} ms/query (p95 ratio ${(sahifa.p95 / rawIndex.p95).toFixed(1)}×, CPU ratio ${(sahifa.cpuMsPerQuery / rawIndex.cpuMsPerQuery).toFixed(1)}×)` +
        ` | raw index top-10 and count p50 ${rawCounted.p50.toFixed(1)} / p95 ${rawCounted.p95.toFixed(1)} ms (p95 ratio ${(sahifa.p95 / rawCounted.p95).toFixed(1)}×)` +
        ` | every match ranked (whole-article bm25) p50 ${rawWholeIndex.p50.toFixed(1)} / p95 ${rawWholeIndex.p95.toFixed(1)} ms`,
    );
  }
  if (withRawText && !keepReference) await sql`drop table raw_text`.execute(handle.db);
  return results;
}

/** Articles written straight into the articles table, published, in transactions of this many. */
const BUILD_TRANSACTION_SIZE = 5_000;
const BUILD_ROWS_PER_INSERT = 100;

/**
 * Writes articles straight into the articles table (sections by name, no authors, tags or understanding): the
 * save path would take hours for a million articles on the shared machine, and search reads none of what it adds.
 */
export async function insertPublished(db: Kysely<Database>, articles: Iterable<ParsedArticle>): Promise<number> {
  const sectionIds = new Map<string, string>();
  const now = new Date().toISOString();
  let count = 0;
  let batch: ParsedArticle[] = [];
  const flush = async () => {
    await db.transaction().execute(async (trx) => {
      for (const article of batch) {
        const name = article.sectionName;
        if (name && !sectionIds.has(name)) {
          const id = randomUUID();
          await trx.insertInto('sections').values({ id, slug: `section-${sectionIds.size + 1}`, name, position: sectionIds.size }).execute();
          sectionIds.set(name, id);
        }
      }
      for (let start = 0; start < batch.length; start += BUILD_ROWS_PER_INSERT) {
        await trx.insertInto('articles').values(batch.slice(start, start + BUILD_ROWS_PER_INSERT).map((article) => {
          count++;
          return {
            id: randomUUID(),
            slug: `article-${count}`,
            title: article.title,
            subtitle: article.subtitle,
            paragraphs: JSON.stringify(article.paragraphs),
            section_id: article.sectionName ? sectionIds.get(article.sectionName)! : null,
            language: 'ar',
            status: 'published',
            source_name: null,
            source_url: article.sourceUrl,
            content_hash: `bench-${count}`,
            published_at: article.publishedAt,
            created_at: now,
            updated_at: now,
          };
        })).execute();
      }
    });
    batch = [];
  };
  for (const article of articles) {
    batch.push(article);
    if (batch.length === BUILD_TRANSACTION_SIZE) await flush();
  }
  if (batch.length) await flush();
  return count;
}

/**
 * Builds the large databases (see bench/run.ts step 4) and measures search on each: the articles are written
 * straight into the table, then `sahifa reindex` (reindexAll) builds the search index, timed: the index build
 * time. The SQLite file takes a while to build; BENCH_SEARCH_DB names a file to keep it in: built there when
 * missing, reused as it is (migrated to the latest schema) on the next runs.
 */
export async function searchAtScale(corpus: ParsedArticle[], work: string, line: (text: string) => void) {
  const results: Record<string, unknown> = {};
  const keptFile = process.env.BENCH_SEARCH_DB ?? null;
  const sizes: [string, DatabaseTarget, number][] = [
    ['sqlite', { engine: 'sqlite', file: keptFile ?? path.join(work, 'million', 'sahifa.db') }, Number(process.env.BENCH_MILLION ?? 1_000_000)],
  ];
  const postgresUrl = process.env.BENCH_POSTGRES_URL ?? process.env.TEST_DATABASE_URL;
  if (postgresUrl) {
    const schema = `bench_${Date.now()}`;
    const admin = new pg.Client({ connectionString: postgresUrl });
    await admin.connect();
    await admin.query(`create schema ${schema}`);
    await admin.end();
    sizes.push(['postgres', { engine: 'postgres', connectionString: postgresUrl, schema }, Number(process.env.BENCH_POSTGRES_ARTICLES ?? 100_000)]);
  }
  for (const [engine, target, count] of sizes) {
    if (count === 0) continue;
    const articles = (function* () {
      yield* corpus.slice(0, count);
      if (count > corpus.length) yield* recombined(corpus, count - corpus.length);
    })();
    const reused = target.engine === 'sqlite' && target.file === keptFile && fs.existsSync(target.file);
    let build = null;
    if (target.engine === 'sqlite' && !reused) {
      fs.mkdirSync(path.dirname(target.file), { recursive: true });
      const built = await buildMillionFile(target.file, articles);
      build = { ...built, shortcut: true };
      line(`${engine}: ${built.articles} articles and their search index written in ${built.seconds.toFixed(0)} s (bench/search-million.ts: each distinct paragraph analyzed once)`);
    }
    const handle = openDatabase(target);
    try {
      await migrateToLatest(handle.db);
      if (reused) {
        line(`${engine}: reusing ${keptFile} (BENCH_SEARCH_DB)`);
      } else if (target.engine === 'postgres') {
        const inserted = await insertPublished(handle.db, articles);
        const started = performance.now();
        const cpuBefore = process.cpuUsage();
        const indexed = await reindexAll(handle.db);
        const cpu = process.cpuUsage(cpuBefore);
        build = { articles: inserted, indexed, seconds: (performance.now() - started) / 1000, cpuSeconds: (cpu.user + cpu.system) / 1e6 };
        line(`${engine}: ${inserted} articles; search index built (reindexAll) in ${build.seconds.toFixed(0)} s, ${build.cpuSeconds.toFixed(0)} s of CPU in this process = ${(indexed / build.seconds).toFixed(0)} articles/s`);
      }
      const keepReference = target.engine === 'sqlite' && target.file === keptFile;
      results[engine] = { build, search: await searchLatency(handle, corpus, target.engine === 'sqlite' ? target.file : null, line, keepReference) };
    } finally {
      if (target.engine === 'postgres') await sql.raw(`drop schema ${target.schema} cascade`).execute(handle.db);
      await handle.close();
    }
  }
  return results;
}
