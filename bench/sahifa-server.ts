// The real server for load and fault benches: a database of real articles, `sahifa serve` as a child process,
// and what /proc says about its processes.
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import pg from 'pg';
import { saveImportedArticle } from '../src/articles/article.service.ts';
import type { DatabaseTarget } from '../src/config.ts';
import { openDatabase } from '../src/db/database.ts';
import { migrateToLatest } from '../src/db/migrate.ts';
import type { ParsedArticle } from '../src/ingest/parsed-article.ts';
import { SAHIFA_BIN } from '../test/run-sahifa.ts';

/** Migrates the database and imports the articles; returns their slugs. */
export async function prepareDatabase(target: DatabaseTarget, articles: ParsedArticle[]): Promise<string[]> {
  const database = openDatabase(target);
  await migrateToLatest(database.db);
  const slugs: string[] = [];
  for (const article of articles) slugs.push((await saveImportedArticle(database.db, article)).slug);
  await database.close();
  return slugs;
}

/** Starts `sahifa serve` on `port` and resolves once /readyz answers 200. */
export async function startServer(env: NodeJS.ProcessEnv, port: number): Promise<ChildProcess> {
  const child = spawn(process.execPath, [SAHIFA_BIN, 'serve'], {
    env: { ...process.env, LOG_LEVEL: 'warn', ...env, PORT: String(port) },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  // Generous: on a crowded machine, loading the TypeScript sources alone can take a minute.
  const deadline = Date.now() + 180_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}`);
    if (await fetch(`http://127.0.0.1:${port}/readyz`).then((r) => r.ok, () => false)) return child;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  child.kill('SIGKILL');
  throw new Error('server did not become ready within 3 minutes');
}

export async function stopServer(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}

/** The process and its direct children (the web workers of WEB_CONCURRENCY). */
export function processTree(pid: number): number[] {
  return [pid, ...fs.readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number)];
}

/** Resident memory of the process and its children, in MiB. */
export function residentMb(pid: number): number {
  let kb = 0;
  for (const p of processTree(pid)) {
    const status = fs.readFileSync(`/proc/${p}/status`, 'utf8').match(/VmRSS:\s+(\d+)/);
    kb += status ? Number(status[1]) : 0;
  }
  return Math.round(kb / 1024);
}

/** CPU time (user + system) the process and its children have used, in ms. */
export function cpuMs(pid: number): number {
  let ticks = 0;
  for (const p of processTree(pid)) {
    const fields = fs.readFileSync(`/proc/${p}/stat`, 'utf8').split(') ')[1]!.split(' ');
    ticks += Number(fields[11]) + Number(fields[12]);
  }
  // USER_HZ is 100 on Linux.
  return ticks * 10;
}

/**
 * A new PostgreSQL schema for one bench run: its target, the DATABASE_URL a `sahifa` child needs for it, and how
 * to drop it. (test/engines.ts does the same for tests, but imports vitest.)
 */
export async function benchSchema(connectionString: string) {
  const schema = `bench_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString });
  await admin.connect();
  await admin.query(`create schema ${schema}`);
  await admin.end();
  const url = new URL(connectionString);
  url.searchParams.set('options', `-c search_path=${schema}`);
  return {
    target: { engine: 'postgres', connectionString, schema } as DatabaseTarget,
    databaseUrl: url.toString(),
    drop: async () => {
      const client = new pg.Client({ connectionString });
      await client.connect();
      await client.query(`drop schema ${schema} cascade`);
      await client.end();
    },
  };
}
