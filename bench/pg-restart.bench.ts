// Fault: PostgreSQL restarted under load. `sahifa serve` (2 web workers) and `sahifa worker` run on PostgreSQL
// with real articles; 20 clients read home, article, search and "for you" pages while the PostgreSQL server is
// restarted. Reports what readers got during the outage (a 503 page, how fast), when every answer was 200 again,
// whether any Sahifa process had to be restarted, and whether the worker still publishes a scheduled article.
//
// It restarts the shared PostgreSQL server (a few seconds without it for everyone on the machine):
//   BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/test node --import tsx bench/pg-restart.bench.ts
// PG_RESTART_COMMAND overrides the restart (default: pg_ctlcluster --skip-systemctl-redirect 15 main restart).
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { buildArticle } from '../test/build-article.ts';
import { freePort, startSahifa } from '../test/run-sahifa.ts';
import { saveImportedArticle } from '../src/articles/article.service.ts';
import { openDatabase } from '../src/db/database.ts';
import { enqueueScheduledPublication } from '../src/jobs/publish-scheduled.job.ts';
import { scheduleArticle } from '../src/newsroom/article-editing.service.ts';
import { readCorpus } from './corpus.ts';
import { benchSchema, cpuMs, prepareDatabase, processTree, startServer, stopServer } from './sahifa-server.ts';

const postgresUrl = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL;
if (!postgresUrl) throw new Error('set BENCH_DATABASE_URL (or TEST_DATABASE_URL) to a PostgreSQL database');
const restartCommand = (process.env.PG_RESTART_COMMAND ?? 'pg_ctlcluster --skip-systemctl-redirect 15 main restart').split(' ');
const CLIENTS = 20;
const TIMEOUT_MS = 10_000;
const STEADY_BEFORE_MS = 5_000;
/** After the restart, load goes on until every answer of this long a stretch was 200. */
const ALL_GOOD_FOR_MS = 5_000;

interface Outcome {
  startedAt: number;
  endedAt: number;
  /** HTTP status, or 'timeout' / 'error' (connection refused or reset). */
  result: number | 'timeout' | 'error';
}

const articles = (await readCorpus()).slice(0, 300);
const fresh = await benchSchema(postgresUrl);
const databaseUrl = fresh.databaseUrl;
const slugs = await prepareDatabase(fresh.target, articles);
const words = articles.filter((_, i) => i % 10 === 0).map((a) => a.title.split(/\s+/)[1]).filter((w): w is string => !!w && w.length > 2);
const paths = ['/', '/for-you', ...slugs.slice(0, 100).map((slug) => `/article/${encodeURIComponent(slug)}`), ...words.map((w) => `/search?q=${encodeURIComponent(w)}`)];

const port = await freePort();
const server = await startServer({ DATABASE_URL: databaseUrl, WORKER_IN_PROCESS: 'false', WEB_CONCURRENCY: '2' }, port);
const worker = await startSahifa(['worker'], { DATABASE_URL: databaseUrl, WORKER_POLL_MS: '200', LOG_LEVEL: 'info' }, 60_000, /job worker started/);
const pidsBefore = [...processTree(server.pid!), worker.child.pid!];
const base = `http://127.0.0.1:${port}`;
const t0 = Date.now();
const outcomes: Outcome[] = [];
let running = true;

async function client(offset: number): Promise<void> {
  for (let i = offset; running; i += CLIENTS) {
    const startedAt = Date.now() - t0;
    let result: Outcome['result'];
    try {
      const response = await fetch(`${base}${paths[i % paths.length]}`, { signal: AbortSignal.timeout(TIMEOUT_MS) });
      await response.arrayBuffer();
      result = response.status;
    } catch (error) {
      result = (error as Error).name === 'TimeoutError' ? 'timeout' : 'error';
    }
    outcomes.push({ startedAt, endedAt: Date.now() - t0, result });
  }
}

const cpuBefore = cpuMs(server.pid!);
const clients = Array.from({ length: CLIENTS }, (_, i) => client(i));
await new Promise((resolve) => setTimeout(resolve, STEADY_BEFORE_MS));

const restartStartedAt = Date.now() - t0;
const restart = await promisify(execFile)(restartCommand[0]!, restartCommand.slice(1)).then(
  () => 'ok',
  (error: Error) => `failed: ${error.message}`,
);
const restartEndedAt = Date.now() - t0;

// Load goes on until the last ALL_GOOD_FOR_MS were all 200, or a minute has passed.
for (;;) {
  await new Promise((resolve) => setTimeout(resolve, 250));
  const now = Date.now() - t0;
  const recent = outcomes.filter((o) => o.startedAt > restartEndedAt && o.startedAt >= now - ALL_GOOD_FOR_MS);
  const settled = now - restartEndedAt >= ALL_GOOD_FOR_MS && recent.length > 0 && recent.every((o) => o.result === 200);
  if (settled || now - restartEndedAt > 60_000) break;
}
running = false;
await Promise.all(clients);
const serverCpuMs = cpuMs(server.pid!) - cpuBefore;

// The worker, never restarted, still runs jobs: an article scheduled now is published within seconds.
const database = openDatabase(fresh.target);
const { slug } = await saveImportedArticle(database.db, buildArticle({ title: 'خبر مجدول بعد إعادة تشغيل قاعدة البيانات' }));
const articleId = (await database.db.selectFrom('articles').select('id').where('slug', '=', slug).executeTakeFirstOrThrow()).id;
const scheduledAt = Date.now();
await scheduleArticle(database.db, articleId, new Date(scheduledAt + 500), { id: null, name: 'bench' }, { onScheduled: enqueueScheduledPublication });
let publishedAfterMs: number | null = null;
while (Date.now() - scheduledAt < 30_000) {
  const row = await database.db.selectFrom('articles').select('status').where('id', '=', articleId).executeTakeFirstOrThrow();
  if (row.status === 'published') {
    publishedAfterMs = Date.now() - scheduledAt;
    break;
  }
  await new Promise((resolve) => setTimeout(resolve, 100));
}
const readyz = await fetch(`${base}/readyz`).then((r) => r.status, () => 'error');
const pidsAfter = [...processTree(server.pid!), worker.child.pid!];
const alive = pidsAfter.every((pid) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
});

await database.close();
worker.child.kill('SIGTERM');
await worker.exited;
await stopServer(server);
await fresh.drop();

const bad = outcomes.filter((o) => o.result !== 200);
const byResult = (list: Outcome[]) => Object.fromEntries([...new Set(list.map((o) => String(o.result)))].map((r) => [r, list.filter((o) => String(o.result) === r).length]));
const latencies = (list: Outcome[]) => list.map((o) => o.endedAt - o.startedAt).sort((a, b) => a - b);
const percentile = (sorted: number[], p: number) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))]! : null);
const badLatencies = latencies(bad);
const lastBad = bad.reduce((latest, o) => Math.max(latest, o.endedAt), 0);
const report = {
  restart,
  restartMs: restartEndedAt - restartStartedAt,
  requests: outcomes.length,
  results: byResult(outcomes),
  duringOutage: byResult(bad),
  notOkLatencyMs: { p50: percentile(badLatencies, 50), p99: percentile(badLatencies, 99), max: badLatencies.at(-1) ?? null },
  firstNotOkAfterRestartStartMs: bad.length ? Math.min(...bad.map((o) => o.endedAt)) - restartStartedAt : null,
  allOkAgainAfterRestartStartMs: bad.length ? lastBad - restartStartedAt : 0,
  allOkAgainAfterRestartEndMs: bad.length ? lastBad - restartEndedAt : 0,
  serverCpuMsPerRequest: Number((serverCpuMs / outcomes.length).toFixed(2)),
  sameProcesses: JSON.stringify(pidsBefore) === JSON.stringify(pidsAfter) && alive,
  readyzAfter: readyz,
  scheduledArticlePublishedAfterMs: publishedAfterMs,
};
console.log(JSON.stringify(report, null, 2));

// Per second around the restart: what readers got.
console.log('\nsecond | 200 | other');
for (let second = Math.floor(restartStartedAt / 1000) - 2; second * 1000 <= Math.max(lastBad, restartEndedAt) + 2000; second++) {
  const inSecond = outcomes.filter((o) => Math.floor(o.endedAt / 1000) === second);
  const ok = inSecond.filter((o) => o.result === 200).length;
  console.log(`${second - Math.floor(restartStartedAt / 1000)} | ${ok} | ${JSON.stringify(byResult(inSecond.filter((o) => o.result !== 200)))}`);
}
