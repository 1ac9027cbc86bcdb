// npm run bench: import throughput, page throughput and search latency on the real corpus in ../shared/data
// (30,337 Arabic articles, read at run time, never committed) plus BENCH_GENERATED articles recombined from its
// paragraphs (default 100,000). Figures are printed and written to bench/results/latest.json.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import { openDatabase } from '../src/db/database.ts';
import { migrateToLatest } from '../src/db/migrate.ts';
import { readCorpus, recombined, seededRandom } from './corpus.ts';
import { load, startRaw, startSahifa, stop } from './http.bench.ts';
import { rawImport, sahifaImport } from './import.bench.ts';
import { BULK_TRANSACTION_SIZE } from '../src/articles/article.service.ts';
import { searchAtScale, searchLatency } from './search.bench.ts';
import { feedBench } from './feed.bench.ts';
import { growArticles } from './feed-scale.ts';
import { accountsBench } from './accounts.bench.ts';
import { ms, withPeakMemory } from './stats.ts';
import { newsletterBench } from './newsletters.bench.ts';

const generatedCount = Number(process.env.BENCH_GENERATED ?? 100_000);
const loadSeconds = Number(process.env.BENCH_DURATION ?? 10);
/** Parts to leave out, e.g. BENCH_SKIP=feed,newsletters to measure import, search and pages alone. */
const skipped = new Set((process.env.BENCH_SKIP ?? '').split(',').map((part) => part.trim()));
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'sahifa-bench-'));
const figures: Record<string, unknown> = {
  date: new Date().toISOString(),
  machine: { cpus: os.cpus().length, model: os.cpus()[0]?.model, memoryGiB: Math.round(os.totalmem() / 2 ** 30), node: process.version },
};
const line = (text: string) => console.log(text);

try {
  const corpus = await readCorpus();
  line(`corpus: ${corpus.length} real articles; generated: ${generatedCount} recombined from their paragraphs at run time`);

  // 1. Import into SQLite through Sahifa's save path, then the same rows through raw better-sqlite3.
  const dataDir = path.join(work, 'sahifa');
  const handle = openDatabase({ engine: 'sqlite', file: path.join(dataDir, 'sahifa.db') });
  await migrateToLatest(handle.db);
  const real = await withPeakMemory(() => sahifaImport(handle, corpus));
  const generated = await withPeakMemory(() => sahifaImport(handle, recombined(corpus, generatedCount)));
  const rawReal = rawImport(path.join(work, 'raw-real.db'), corpus);
  const rawGenerated = rawImport(path.join(work, 'raw-generated.db'), recombined(corpus, generatedCount));
  for (const [label, sahifa, raw, peak] of [
    ['real corpus', real.result, rawReal, real.peakRssMiB],
    ['generated', generated.result, rawGenerated, generated.peakRssMiB],
  ] as const) {
    line(
      `import ${label}: ${sahifa.articles} articles in ${sahifa.seconds.toFixed(1)} s = ${sahifa.perSecond.toFixed(0)} articles/s ` +
        `(group of ${BULK_TRANSACTION_SIZE} p50 ${ms(sahifa.p50)}, p95 ${ms(sahifa.p95)}, peak RSS ${peak} MiB; ` +
        `CPU per article ${sahifa.cpuMsPerArticle!.toFixed(3)} ms, main thread ${sahifa.mainThreadCpuMsPerArticle?.toFixed(3) ?? '?'} ms) | raw better-sqlite3 ${raw.perSecond.toFixed(0)} articles/s | ratio ${(raw.perSecond / sahifa.perSecond).toFixed(1)}× slower`,
    );
  }
  figures.import = { real: { ...real.result, peakRssMiB: real.peakRssMiB }, generated: { ...generated.result, peakRssMiB: generated.peakRssMiB }, rawReal, rawGenerated };

  // 2. Search latency on the same database (every article indexed by the import above).
  figures.search = await searchLatency(handle, corpus, path.join(dataDir, 'sahifa.db'), line);
  // 2b. The "لك" feed and read events on the same database.
  if (!skipped.has('feed')) figures.feed = await feedBench(handle, line);
  await handle.close();

  // 3. Page throughput: random article pages and the home page, against the raw server reading the same file.
  const random = seededRandom(3);
  const slugs = new SQLite(path.join(dataDir, 'sahifa.db'), { readonly: true })
    .prepare('select slug from articles order by random() limit 2000')
    .all()
    .map((row) => `/article/${encodeURIComponent((row as { slug: string }).slug)}`)
    .sort(() => random() - 0.5);
  const workers = Number(process.env.BENCH_WORKERS ?? os.cpus().length);
  const sahifa = await startSahifa(dataDir, 3901, workers);
  // Each article is rendered once (and stored in the page cache); the load test then reads cached pages.
  const renderStarted = performance.now();
  for (const slug of slugs) await fetch(`http://127.0.0.1:3901${slug}`).then((response) => response.arrayBuffer());
  const firstRenderMs = (performance.now() - renderStarted) / slugs.length;
  line(`first render of ${slugs.length} article pages, one at a time: ${firstRenderMs.toFixed(2)} ms each`);
  const articlePage = await load(3901, slugs, loadSeconds);
  const homePage = await load(3901, ['/'], loadSeconds);
  await stop(sahifa);
  const raw = await startRaw(path.join(dataDir, 'sahifa.db'), 3902);
  const rawPage = await load(3902, slugs, loadSeconds);
  await stop(raw);
  const describe = (f: typeof articlePage) => `${f.requestsPerSecond.toFixed(0)} req/s, p50 ${f.p50} ms, p97.5 ${f.p97_5} ms, p99 ${f.p99} ms, ${f.errors} errors, ${f.non2xx} non-2xx`;
  line(`cached article page (${workers} workers, 50 connections, ${slugs.length} different articles, ${loadSeconds} s): ${describe(articlePage)}`);
  line(`home page: ${describe(homePage)}`);
  line(`raw http + better-sqlite3 row as JSON: ${describe(rawPage)} | ratio ${(rawPage.requestsPerSecond / articlePage.requestsPerSecond).toFixed(1)}× the article page`);
  figures.http = { workers, firstRenderMs, articlePage, homePage, rawPage };

  // 4. Search at scale, opt-in because the builds take long: BENCH_SEARCH_SCALE=1 builds a SQLite database of
  // BENCH_MILLION (1,000,000) articles and, when BENCH_POSTGRES_URL or TEST_DATABASE_URL is set, a PostgreSQL
  // schema of BENCH_POSTGRES_ARTICLES (100,000), then measures search on each.
  if (process.env.BENCH_SEARCH_SCALE) figures.searchScale = await searchAtScale(corpus, work, line);

  // 4b. The feed at scale, opt-in because growing the database takes minutes: BENCH_FEED_SCALE=1000000 grows the
  // SQLite database of part 1 to that many articles (bench/feed-scale.ts) and measures the feed again.
  const feedScale = Number(process.env.BENCH_FEED_SCALE ?? 0);
  if (feedScale && !skipped.has('feed')) {
    const scaled = openDatabase({ engine: 'sqlite', file: path.join(dataDir, 'sahifa.db') });
    await growArticles(scaled.db, feedScale, line);
    figures.feedAtScale = await feedBench(scaled, line);
    await scaled.close();
  }

  // 5. Newsletters: recipients materialized/s, messages/s from `sahifa worker` processes to a loopback SMTP server
  // (its own process) for BENCH_RECIPIENTS (100,000) recipients, CPU per message, and the senders' peak memory.
  if (!skipped.has('newsletters')) figures.newsletters = await newsletterBench(work, Number(process.env.BENCH_RECIPIENTS ?? 100_000), line);

  // Sign-in cost: argon2id at Sahifa's parameters, and a whole password sign-in through the app.
  figures.accounts = await accountsBench(line);

  fs.mkdirSync(path.join(import.meta.dirname, 'results'), { recursive: true });
  fs.writeFileSync(path.join(import.meta.dirname, 'results', 'latest.json'), `${JSON.stringify(figures, null, 2)}\n`);
} finally {
  fs.rmSync(work, { recursive: true, force: true });
}
