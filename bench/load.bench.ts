// Load test: the real server (`sahifa serve`, WEB_CONCURRENCY web workers) on a database holding real articles
// from ../shared/data, loaded by autocannon with 100 connections on the home page, article pages, search and
// "for you", once on SQLite and once on PostgreSQL (BENCH_DATABASE_URL or TEST_DATABASE_URL). Memory is the
// resident size of every server process, sampled each second; CPU is what the server processes used per request.
//
//   npm run bench:load                 LOAD_SECONDS=60 LOAD_ARTICLES=2000 LOAD_WORKERS=2 LOAD_ENGINES=sqlite,postgres
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ChildProcess } from 'node:child_process';
import autocannon from 'autocannon';
import { freePort } from '../test/run-sahifa.ts';
import { readCorpus } from './corpus.ts';
import { benchSchema, cpuMs, prepareDatabase, residentMb, startServer, stopServer } from './sahifa-server.ts';

const seconds = Number(process.env.LOAD_SECONDS ?? 60);
const articleCount = Number(process.env.LOAD_ARTICLES ?? 2000);
const workers = Number(process.env.LOAD_WORKERS ?? 2);
const engines = (process.env.LOAD_ENGINES ?? 'sqlite,postgres').split(',');
const connections = 100;
const postgresUrl = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL;

interface Scenario {
  name: string;
  paths: string[];
}

interface Figures {
  engine: string;
  scenario: string;
  requestsPerSecond: number;
  p50: number;
  p99: number;
  errors: number;
  non2xx: number;
  serverCpuMsPerRequest: number;
  rssStartMb: number;
  rssEndMb: number;
  rssMaxMb: number;
  loadAverage: string;
}

const loadAverage = () => os.loadavg().map((value) => value.toFixed(1)).join(' ');

async function run(engine: string, server: ChildProcess, port: number, scenarios: Scenario[]): Promise<Figures[]> {
  const figures: Figures[] = [];
  for (const scenario of scenarios) {
    // Warm up: every path once (renders article pages into the shared page cache, as real traffic would).
    for (const p of scenario.paths) await fetch(`http://127.0.0.1:${port}${p}`).then((r) => r.arrayBuffer());
    const samples = [residentMb(server.pid!)];
    const sampler = setInterval(() => samples.push(residentMb(server.pid!)), 1000);
    const loadBefore = loadAverage();
    const cpuBefore = cpuMs(server.pid!);
    let next = 0;
    const result = await autocannon({
      url: `http://127.0.0.1:${port}`,
      connections,
      duration: seconds,
      requests: [{ setupRequest: (request) => ({ ...request, path: scenario.paths[next++ % scenario.paths.length]! }) }],
    });
    clearInterval(sampler);
    samples.push(residentMb(server.pid!));
    figures.push({
      engine,
      scenario: scenario.name,
      requestsPerSecond: Math.round(result.requests.average),
      p50: result.latency.p50,
      p99: result.latency.p99,
      errors: result.errors + result.timeouts,
      non2xx: result.non2xx,
      serverCpuMsPerRequest: Number(((cpuMs(server.pid!) - cpuBefore) / Math.max(1, result.requests.total)).toFixed(2)),
      rssStartMb: samples[0]!,
      rssEndMb: samples.at(-1)!,
      rssMaxMb: Math.max(...samples),
      loadAverage: `${loadBefore} → ${loadAverage()}`,
    });
    console.log(JSON.stringify(figures.at(-1)));
  }
  return figures;
}

function scenariosFor(slugs: string[], articles: Awaited<ReturnType<typeof readCorpus>>): Scenario[] {
  // Search words taken from real titles: the second word of every 50th article.
  const words = articles.filter((_, i) => i % 50 === 0).map((a) => a.title.split(/\s+/)[1]).filter((w): w is string => !!w && w.length > 2);
  return [
    { name: 'home', paths: ['/'] },
    { name: 'article', paths: slugs.map((slug) => `/article/${encodeURIComponent(slug)}`) },
    { name: 'search', paths: words.map((word) => `/search?q=${encodeURIComponent(word)}`) },
    { name: 'for-you', paths: ['/for-you'] },
  ];
}

// The corpus is from 2018: its dates move forward together, the newest an hour ago, so the "لك" feed's window
// (FEED_WINDOW_DAYS, 7 days) holds the last week of it, as on a live site.
const corpus = (await readCorpus()).slice(0, articleCount);
const newest = Math.max(...corpus.map((article) => Date.parse(article.publishedAt ?? '') || 0));
const shift = Date.now() - 3_600_000 - newest;
const articles = corpus.map((article) => (article.publishedAt ? { ...article, publishedAt: new Date(Date.parse(article.publishedAt) + shift).toISOString() } : article));
console.error(`load: ${articles.length} real articles, ${connections} connections, ${seconds} s per page, ${workers} web workers, load average ${loadAverage()}`);
const all: Figures[] = [];

if (engines.includes('sqlite')) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sahifa-load-'));
  const file = path.join(dir, 'sahifa.db');
  const slugs = await prepareDatabase({ engine: 'sqlite', file }, articles);
  const port = await freePort();
  const server = await startServer({ DATABASE_URL: `sqlite:${file}`, WEB_CONCURRENCY: String(workers) }, port);
  try {
    all.push(...(await run('sqlite', server, port, scenariosFor(slugs, articles))));
  } finally {
    await stopServer(server);
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

if (engines.includes('postgres') && postgresUrl) {
  const fresh = await benchSchema(postgresUrl);
  try {
    const slugs = await prepareDatabase(fresh.target, articles);
    const port = await freePort();
    const server = await startServer({ DATABASE_URL: fresh.databaseUrl, WORKER_IN_PROCESS: 'false', WEB_CONCURRENCY: String(workers) }, port);
    try {
      all.push(...(await run('postgres', server, port, scenariosFor(slugs, articles))));
    } finally {
      await stopServer(server);
    }
  } finally {
    await fresh.drop();
  }
}

console.log(`\n${connections} connections, ${seconds} s per page, ${articles.length} articles, ${workers} web workers`);
console.log('| engine | page | req/s | p50 ms | p99 ms | errors | non-2xx | server CPU ms/req | RSS start → end (max) MB | load average |');
console.log('|---|---|---|---|---|---|---|---|---|---|');
for (const f of all) {
  console.log(
    `| ${f.engine} | ${f.scenario} | ${f.requestsPerSecond} | ${f.p50} | ${f.p99} | ${f.errors} | ${f.non2xx} | ${f.serverCpuMsPerRequest} | ${f.rssStartMb} → ${f.rssEndMb} (${f.rssMaxMb}) | ${f.loadAverage} |`,
  );
}
