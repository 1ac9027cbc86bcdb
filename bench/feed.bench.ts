// Feed figures: "لك" latency for a reader with 50 follows and 500 reads, and read-event insert throughput, on the
// database the import bench filled (real corpus + generated articles). Run alone with
// `node --import tsx bench/feed.bench.ts` (imports the corpus and BENCH_GENERATED articles into a temporary SQLite
// database first), or as part of `npm run bench`. BENCH_FEED_SCALE=1000000 first grows the database to that many
// articles (bench/feed-scale.ts).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { type DatabaseHandle, openDatabase } from '../src/db/database.ts';
import { migrateToLatest } from '../src/db/migrate.ts';
import { buildFeed, DEFAULT_FEED_SETTINGS, type FeedSettings } from '../src/feed/feed.service.ts';
import { follow } from '../src/feed/follow.service.ts';
import { createPopularNow } from '../src/feed/popular-now.ts';
import { createFeatureCache } from '../src/feed/article-features.ts';
import { createReadRecorder } from '../src/feed/read-recorder.ts';
import { saveArticle } from '../src/saved/saved.service.ts';
import { readCorpus, recombined, seededRandom } from './corpus.ts';
import { sahifaImport } from './import.bench.ts';
import { growArticles } from './feed-scale.ts';
import { ms, percentiles } from './stats.ts';

/** Generated articles spread over seven years: a 30-day window holds ~1,500 of 130,000, like a busy site's week. */
const WINDOW_DAYS = Number(process.env.BENCH_FEED_WINDOW_DAYS ?? 30);
const RUNS = Number(process.env.BENCH_FEED_RUNS ?? 200);
const ANONYMOUS_READS = 100_000;
const READER_READS = 100_000;

export async function feedBench(handle: DatabaseHandle, line: (text: string) => void) {
  const { db } = handle;
  const random = seededRandom(11);
  const newest = await db.selectFrom('articles').select((eb) => eb.fn.max('published_at').as('at')).executeTakeFirstOrThrow();
  const now = new Date(String(newest.at));
  const settings: FeedSettings = { ...DEFAULT_FEED_SETTINGS, windowDays: WINDOW_DAYS };
  const since = (days: number) => new Date(now.getTime() - days * 86_400_000).toISOString();
  const recent = await db.selectFrom('articles').select('id').where('published_at', '>=', since(90)).where('status', '=', 'published').execute();
  const inWindow = await db.selectFrom('articles').select('id').where('published_at', '>=', since(WINDOW_DAYS)).execute();
  const total = await db.selectFrom('articles').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  line(`feed: ${Number(total.n)} articles, ${inWindow.length} in the ${WINDOW_DAYS}-day window, ${recent.length} in the last 90 days`);
  const pickRecent = () => recent[Math.floor(random() * recent.length)]!.id;

  // 1. Read-event throughput through the batching recorder: anonymous reads (hourly counts only), then reads by
  // 1,000 signed-in readers (an event each, and the counts).
  const throughput = async (count: number, reader: (i: number) => string | null) => {
    const recorder = createReadRecorder(db, { onError: (error) => { throw error; } });
    const started = performance.now();
    for (let i = 0; i < count; i++) {
      recorder.record({
        readerId: reader(i),
        articleId: pickRecent(),
        at: new Date(now.getTime() - Math.floor(random() * 48 * 3_600_000)).toISOString(),
        dwellSeconds: Math.floor(random() * 200),
        paragraph: null,
        counts: true,
      });
      // Let batches go out as they would between requests.
      if (i % 500 === 499) await new Promise((resolve) => setImmediate(resolve));
    }
    await recorder.close();
    return count / ((performance.now() - started) / 1000);
  };
  const anonymousPerSecond = await throughput(ANONYMOUS_READS, () => null);
  const readerPerSecond = await throughput(READER_READS, (i) => `bench-reader-${i % 1000}`);
  line(`read events: anonymous ${anonymousPerSecond.toFixed(0)}/s (hourly counts), signed-in ${readerPerSecond.toFixed(0)}/s (event + counts), batches of up to 500`);

  // 2. A reader with 50 follows (every section, then the most prolific authors) and 500 reads over 90 days; one
  // per database size, so a second run on a grown database starts from 500 reads again.
  const readerId = `bench-heavy-reader-${Number(total.n)}`;
  const sections = await db.selectFrom('sections').select('slug').execute();
  const authors = await db
    .selectFrom('article_authors')
    .innerJoin('authors', 'authors.id', 'article_authors.author_id')
    .select(['authors.slug', (eb) => eb.fn.countAll<number>().as('n')])
    .groupBy('authors.slug')
    .orderBy('n', 'desc')
    .limit(50 - sections.length)
    .execute();
  for (const section of sections) await follow(db, readerId, 'section', section.slug, now);
  for (const author of authors) await follow(db, readerId, 'author', author.slug, now);
  const recorder = createReadRecorder(db);
  for (let i = 0; i < 500; i++) {
    recorder.record({
      readerId,
      articleId: pickRecent(),
      at: new Date(now.getTime() - Math.floor(random() * 90 * 86_400_000)).toISOString(),
      dwellSeconds: Math.floor(random() * 240),
      paragraph: null,
      counts: false,
    });
  }
  await recorder.close();
  const toSave = await db.selectFrom('articles').select('slug').where('published_at', '>=', since(60)).limit(20).execute();
  for (const article of toSave) await saveArticle(db, readerId, article.slug, now);
  const follows = sections.length + authors.length;

  // As the web app runs it: read counts and article features are cached per process for a minute.
  const popularNow = createPopularNow(db);
  const articleFeatures = createFeatureCache(db);
  // Wall time, and this process's CPU time per feed: on a machine shared with other work the wall time mostly
  // measures waiting for a core, the CPU time what one feed costs.
  const time = async (reader: string | null) => {
    const samples: number[] = [];
    const cpu: number[] = [];
    let size = 0;
    for (let run = 0; run < RUNS; run++) {
      const started = performance.now();
      const cpuStarted = process.cpuUsage();
      const feed = await buildFeed(db, reader, { size: 30, now, settings, popularNow, articleFeatures });
      const used = process.cpuUsage(cpuStarted);
      samples.push(performance.now() - started);
      cpu.push((used.user + used.system) / 1000);
      size = feed.items.length;
    }
    const cpuPercentiles = percentiles(cpu);
    return { ...percentiles(samples), cpuP50: cpuPercentiles.p50, cpuP95: cpuPercentiles.p95, items: size };
  };
  const personal = await time(readerId);
  const anonymous = await time(null);
  line(
    `feed for a reader with ${follows} follows and 500 reads (${RUNS} runs, 30 items): p50 ${ms(personal.p50)}, p95 ${ms(personal.p95)}, ` +
      `p99 ${ms(personal.p99)}; CPU p50 ${ms(personal.cpuP50)}, p95 ${ms(personal.cpuP95)}`,
  );
  line(`feed for an anonymous reader (popularity + freshness): p50 ${ms(anonymous.p50)}, p95 ${ms(anonymous.p95)}; CPU p50 ${ms(anonymous.cpuP50)}, p95 ${ms(anonymous.cpuP95)}`);
  return { windowDays: WINDOW_DAYS, articles: Number(total.n), inWindow: inWindow.length, anonymousPerSecond, readerPerSecond, follows, personal, anonymous };
}

/**
 * Copies what the feed reads (sections, articles, tags, authors and their links) from the SQLite bench database
 * into a migrated PostgreSQL one, in batches: the feed's PostgreSQL figures on the same articles, without a
 * second import (the search index is left empty; the feed does not read it).
 */
async function copyForFeed(from: DatabaseHandle, to: DatabaseHandle) {
  const tables = ['sections', 'tags', 'authors', 'articles', 'article_tags', 'article_authors'] as const;
  for (const table of tables) {
    const rows = await from.db.selectFrom(table).selectAll().execute();
    for (let start = 0; start < rows.length; start += 500) await to.db.insertInto(table).values(rows.slice(start, start + 500) as never).execute();
    console.log(`copied ${rows.length} rows of ${table} to PostgreSQL`);
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  // BENCH_FEED_DB keeps the database at that path and reuses it on the next run (no second ten-minute import).
  // BENCH_FEED_POSTGRES_URL: measure on a fresh schema of that PostgreSQL database, filled from the SQLite one.
  const kept = process.env.BENCH_FEED_DB;
  const postgresUrl = process.env.BENCH_FEED_POSTGRES_URL;
  const work = kept ? path.dirname(path.resolve(kept)) : fs.mkdtempSync(path.join(os.tmpdir(), 'sahifa-feed-bench-'));
  const file = kept ? path.resolve(kept) : path.join(work, 'sahifa.db');
  const reuse = fs.existsSync(file);
  const schema = `feed_bench_${Date.now()}`;
  try {
    let handle = openDatabase({ engine: 'sqlite', file });
    await migrateToLatest(handle.db);
    if (!reuse) {
      const corpus = await readCorpus();
      await sahifaImport(handle, corpus);
      await sahifaImport(handle, recombined(corpus, Number(process.env.BENCH_GENERATED ?? 100_000)));
    }
    const scale = Number(process.env.BENCH_FEED_SCALE ?? 0);
    if (scale) await growArticles(handle.db, scale, console.log);
    if (postgresUrl) {
      const admin = openDatabase({ engine: 'postgres', connectionString: postgresUrl });
      await sql.raw(`create schema ${schema}`).execute(admin.db);
      await admin.close();
      const postgres = openDatabase({ engine: 'postgres', connectionString: postgresUrl, schema });
      await migrateToLatest(postgres.db);
      await copyForFeed(handle, postgres);
      await sql`analyze`.execute(postgres.db);
      await handle.close();
      handle = postgres;
    }
    const figures = await feedBench(handle, console.log);
    if (postgresUrl) await sql.raw(`drop schema ${schema} cascade`).execute(handle.db);
    await handle.close();
    fs.mkdirSync(path.join(import.meta.dirname, 'results'), { recursive: true });
    fs.writeFileSync(path.join(import.meta.dirname, 'results', `feed${postgresUrl ? '-postgres' : ''}.json`), `${JSON.stringify(figures, null, 2)}\n`);
  } finally {
    if (!kept) fs.rmSync(work, { recursive: true, force: true });
  }
}
