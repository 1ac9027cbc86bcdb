// Where a search's time goes, step by step (CPU time of each step, as the machine is shared), on an existing
// SQLite database such as the one BENCH_SEARCH_DB keeps, migrated first: node --import tsx bench/search-steps.ts FILE
import { sql } from 'kysely';
import { articleRepository } from '../src/articles/article.repository.ts';
import { openDatabase } from '../src/db/database.ts';
import { migrateToLatest } from '../src/db/migrate.ts';
import { bestHeadlines } from '../src/db/search-headlines.ts';
import { sqliteHeadlineExpression, sqliteMatchExpression } from '../src/db/search-fts5.ts';
import { COUNT_LIMIT, searchIndexFor } from '../src/db/search-index.ts';
import { searchArticles } from '../src/search/search.service.ts';
import { parseSearchQuery } from '../src/search/search-query.ts';
import { highlight, matchKeys, snippet } from '../src/search/snippet.ts';
import { readCorpus } from './corpus.ts';
import { queriesFrom } from './search.bench.ts';
import { percentiles } from './stats.ts';

const file = process.argv[2]!;
const handle = openDatabase({ engine: 'sqlite', file });
const db = handle.db;
await migrateToLatest(db);
// e.g. SQLITE_PRAGMA='cache_size = -65536' to see what a larger page cache changes.
if (process.env.SQLITE_PRAGMA) await sql.raw(`pragma ${process.env.SQLITE_PRAGMA}`).execute(db);
const corpus = await readCorpus();
const steps: Record<string, number[]> = {};
const matchCounts: number[] = [];
const headlineCounts: number[] = [];
const timed = async <T>(step: string, work: () => Promise<T> | T): Promise<T> => {
  const started = process.cpuUsage();
  const result = await work();
  const cpu = process.cpuUsage(started);
  (steps[step] ??= []).push((cpu.user + cpu.system) / 1000);
  return result;
};
// STEPS_QUERIES=30 times fewer queries of each kind (each query runs every step, some of them slow at 1M).
const perKind = Number(process.env.STEPS_QUERIES ?? 100);
for (const [kind, allQueries] of Object.entries(queriesFrom(corpus))) {
  const queries = allQueries.slice(0, perKind);
  for (const key of Object.keys(steps)) delete steps[key];
  matchCounts.length = 0;
  headlineCounts.length = 0;
  const cpuStart = process.cpuUsage();
  for (const query of queries) {
    const parsed = await timed('parse', () => parseSearchQuery(query));
    const match = { terms: parsed.words, phrases: parsed.phrases, excluded: parsed.excluded };
    const expression = sqliteMatchExpression(match);
    const headlines = sqliteHeadlineExpression(match);
    await timed('every match ranked by bm25, top 10 (engine only; the ranking before 0015)', () => sql`select rowid from article_search where article_search match ${expression} order by rank limit 10`.execute(db));
    const n = await timed('count every match (engine only)', () => sql<{ n: number }>`select count(*) as n from article_search where article_search match ${expression}`.execute(db));
    matchCounts.push(n.rows[0]!.n);
    const h = await timed('count headline matches (engine only)', () => sql<{ n: number }>`select count(*) as n from article_search_headlines where article_search_headlines match ${headlines}`.execute(db));
    headlineCounts.push(h.rows[0]!.n);
    const headlineKeys = await timed('headline matches ranked on their keys, top 10 (bestHeadlines)', () =>
      bestHeadlines(db, match, (expression) => sql`article_search_headlines h where h.article_search_headlines match ${expression}`, 10));
    await timed('count and section facets (the index, as Sahifa runs it)', () => searchIndexFor(db).search(match, { section: null, tag: null, from: null, to: null }, 0, 0, COUNT_LIMIT));
    const ids = headlineKeys.length
      ? (await sql<{ id: string }>`select article_id as id from article_search_rows where headline_key in (${sql.join(headlineKeys)})`.execute(db)).rows.map((row) => row.id)
      : [];
    const rows = await timed('fetch 10 articles', () => articleRepository(db).listPublishedByIds(ids));
    const keys = matchKeys(parsed.words, parsed.phrases);
    await timed('snippets', () => rows.map((row) => [highlight(row.title, keys), snippet([row.subtitle ?? '', ...(JSON.parse(row.paragraphs) as string[])].filter(Boolean), keys)]));
    await timed('Sahifa searchArticles', () => searchArticles(db, query));
  }
  const cpu = process.cpuUsage(cpuStart);
  const m = percentiles(matchCounts);
  const hm = percentiles(headlineCounts);
  console.log(`${kind}: matches p50 ${m.p50} p95 ${m.p95} max ${Math.max(...matchCounts)}; headline matches p50 ${hm.p50} p95 ${hm.p95} max ${Math.max(...headlineCounts)}; CPU ${((cpu.user + cpu.system) / 1000 / queries.length).toFixed(1)} ms per query (all steps)`);
  for (const [step, samples] of Object.entries(steps)) {
    const p = percentiles(samples);
    console.log(`  ${step.padEnd(70)} p50 ${p.p50.toFixed(2)} p95 ${p.p95.toFixed(2)} p99 ${p.p99.toFixed(2)} ms`);
  }
}
await handle.close();
