// Load test: the real server (`sahifa serve`, WEB_CONCURRENCY web workers) on a database holding real articles
// from ../shared/data, loaded by autocannon with 100 connections on the home page, article pages, search and
// "for you", once on SQLite and once on PostgreSQL (BENCH_DATABASE_URL or TEST_DATABASE_URL). Memory is the
// resident size of every server process, sampled each second.
//
//   node --import tsx bench/load.bench.ts          LOAD_SECONDS=60 LOAD_ARTICLES=3000 LOAD_WORKERS=2
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';
import pg from 'pg';
import { saveImportedArticle } from '../src/articles/article.service.ts';
import type { DatabaseTarget } from '../src/config.ts';
import { openDatabase } from '../src/db/database.ts';
import { migrateToLatest } from '../src/db/migrate.ts';
import { readCorpus } from './corpus.ts';

const seconds = Number(process.env.LOAD_SECONDS ?? 60);
const articleCount = Number(process.env.LOAD_ARTICLES ?? 3000);
const workers = Number(process.env.LOAD_WORKERS ?? 2);
const connections = 100;
const postgresUrl = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL;
const repoRoot = path.resolve(import.meta.dirname, '..');

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
  rssStartMb: number;
  rssEndMb: number;
  rssMaxMb: number;
}

/** Resident memory of the server: the primary and all its children, from /proc. */
function residentMb(pid: number): number {
  const pids = [pid, ...fs.readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number)];
  let kb = 0;
  for (const p of pids) {
    const status = fs.readFileSync(`/proc/${p}/status`, 'utf8').match(/VmRSS:\s+(\d+)/);
    kb += status ? Number(status[1]) : 0;
  }
  return Math.round(kb / 1024);
}

async function prepare(target: DatabaseTarget, articles: Awaited<ReturnType<typeof readCorpus>>): Promise<string[]> {
  const database = openDatabase(target);
  await migrateToLatest(database.db);
  const slugs: string[] = [];
  for (const article of articles) slugs.push((await saveImportedArticle(database.db, article)).slug);
  await database.close();
  return slugs;
}

async function startServer(env: NodeJS.ProcessEnv, port: number): Promise<ChildProcess> {
  const child = spawn(process.execPath, [path.join(repoRoot, 'bin/sahifa.js'), 'serve'], {
    env: { ...process.env, ...env, PORT: String(port), LOG_LEVEL: 'warn', WEB_CONCURRENCY: String(workers) },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  for (let attempt = 0; attempt < 300; attempt++) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}`);
    if (await fetch(`http://127.0.0.1:${port}/readyz`).then((r) => r.ok, () => false)) return child;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error('server did not become ready');
}

async function run(engine: string, server: ChildProcess, port: number, scenarios: Scenario[]): Promise<Figures[]> {
  const figures: Figures[] = [];
  for (const scenario of scenarios) {
    // Warm up: every path once (renders article pages into the shared page cache, as real traffic would).
    for (const p of scenario.paths.slice(0, 500)) await fetch(`http://127.0.0.1:${port}${p}`).then((r) => r.arrayBuffer());
    const samples = [residentMb(server.pid!)];
    const sampler = setInterval(() => samples.push(residentMb(server.pid!)), 1000);
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
      rssStartMb: samples[0]!,
      rssEndMb: samples.at(-1)!,
      rssMaxMb: Math.max(...samples),
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

async function freePort(): Promise<number> {
  const net = await import('node:net');
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as import('node:net').AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

async function stop(child: ChildProcess): Promise<void> {
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}

const articles = (await readCorpus()).slice(0, articleCount);
console.error(`load: ${articles.length} real articles, ${connections} connections, ${seconds} s per page, ${workers} web workers`);
const all: Figures[] = [];

{
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sahifa-load-'));
  const file = path.join(dir, 'sahifa.db');
  const slugs = await prepare({ engine: 'sqlite', file }, articles);
  const port = await freePort();
  const server = await startServer({ DATABASE_URL: `sqlite:${file}` }, port);
  try {
    all.push(...(await run('sqlite', server, port, scenariosFor(slugs, articles))));
  } finally {
    await stop(server);
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

if (postgresUrl) {
  const schema = `load_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: postgresUrl });
  await admin.connect();
  await admin.query(`create schema ${schema}`);
  try {
    const slugs = await prepare({ engine: 'postgres', connectionString: postgresUrl, schema }, articles);
    const url = new URL(postgresUrl);
    url.searchParams.set('options', `-c search_path=${schema}`);
    const port = await freePort();
    const server = await startServer({ DATABASE_URL: url.toString(), WORKER_IN_PROCESS: 'false' }, port);
    try {
      all.push(...(await run('postgres', server, port, scenariosFor(slugs, articles))));
    } finally {
      await stop(server);
    }
  } finally {
    await admin.query(`drop schema ${schema} cascade`);
    await admin.end();
  }
}

console.log('\n| engine | page | req/s | p50 ms | p99 ms | errors | non-2xx | RSS start → end (max) MB |');
console.log('|---|---|---|---|---|---|---|---|');
for (const f of all) {
  console.log(`| ${f.engine} | ${f.scenario} | ${f.requestsPerSecond} | ${f.p50} | ${f.p99} | ${f.errors} | ${f.non2xx} | ${f.rssStartMb} → ${f.rssEndMb} (${f.rssMaxMb}) |`);
}
