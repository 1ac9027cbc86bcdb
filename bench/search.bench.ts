// Search latency: Sahifa's search (analyzer, ranking, count, facets, snippets) against the raw engine ranking
// the top 10 on the unanalyzed text (an FTS5 table over the same articles, bm25), for 1-word, 2-word and phrase
// queries drawn from real titles.
import { sql } from 'kysely';
import { analyze } from '../src/arabic/analyzer.ts';
import type { DatabaseHandle } from '../src/db/database.ts';
import type { ParsedArticle } from '../src/ingest/parsed-article.ts';
import { searchArticles } from '../src/search/search.service.ts';
import { seededRandom } from './corpus.ts';
import { percentiles } from './stats.ts';
import fs from 'node:fs';

/** Queries of each kind; Sahifa's search is slow enough at 130,000 articles that more would make the bench long. */
const QUERIES_PER_KIND = 100;

function queriesFrom(corpus: ParsedArticle[]) {
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

async function time(queries: string[], run: (query: string) => Promise<unknown>) {
  for (const query of queries.slice(0, 20)) await run(query); // warm the page cache
  const samples: number[] = [];
  for (const query of queries) {
    const started = performance.now();
    await run(query);
    samples.push(performance.now() - started);
  }
  return percentiles(samples);
}

export async function searchLatency(handle: DatabaseHandle, corpus: ParsedArticle[], file: string, line: (text: string) => void) {
  const started = performance.now();
  await sql`create virtual table raw_text using fts5(title, body)`.execute(handle.db);
  await sql`insert into raw_text (title, body) select title, paragraphs from articles`.execute(handle.db);
  const rawBuildSeconds = (performance.now() - started) / 1000;
  const count = Number((await sql<{ n: number }>`select count(*) as n from articles`.execute(handle.db)).rows[0]?.n);
  line(`search over ${count} articles (SQLite file ${(fs.statSync(file).size / 2 ** 20).toFixed(0)} MiB; raw FTS5 built in ${rawBuildSeconds.toFixed(0)} s)`);
  const results: Record<string, unknown> = { articles: count };
  for (const [kind, queries] of Object.entries(queriesFrom(corpus))) {
    const sahifa = await time(queries, (query) => searchArticles(handle.db, query));
    const raw = await time(queries, (query) =>
      sql`select rowid from raw_text where raw_text match ${query} order by bm25(raw_text) limit 10`.execute(handle.db).catch(() => null),
    );
    results[kind] = { sahifa, raw };
    line(
      `  ${kind.padEnd(9)} Sahifa p50 ${sahifa.p50.toFixed(1)} / p95 ${sahifa.p95.toFixed(1)} / p99 ${sahifa.p99.toFixed(1)} ms | raw top-10 p50 ${raw.p50.toFixed(1)} / p95 ${raw.p95.toFixed(1)} ms | p95 ratio ${(sahifa.p95 / raw.p95).toFixed(1)}×`,
    );
  }
  await sql`drop table raw_text`.execute(handle.db);
  return results;
}
