// Page throughput: the real server in a child process (so the load generator does not share its event loop),
// loaded with autocannon over many different article slugs, against the raw reference server.
import { type ChildProcess, fork, spawn } from 'node:child_process';
import path from 'node:path';
import autocannon from 'autocannon';

const repoRoot = path.resolve(import.meta.dirname, '..');

export interface HttpFigures {
  requestsPerSecond: number;
  p50: number;
  p97_5: number;
  p99: number;
  errors: number;
  non2xx: number;
}

async function waitForHealth(url: string, child: ChildProcess): Promise<void> {
  for (let attempt = 0; attempt < 100; attempt++) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}`);
    const ok = await fetch(url).then((r) => r.ok, () => false);
    if (ok) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`${url} did not answer`);
}

/** Sahifa as deployed on this machine: one web worker per core (WEB_CONCURRENCY), request logging off. */
export async function startSahifa(dataDir: string, port: number, workers: number): Promise<ChildProcess> {
  const child = spawn(process.execPath, [path.join(repoRoot, 'bin/sahifa.js'), 'serve'], {
    env: { ...process.env, DATA_DIR: dataDir, PORT: String(port), LOG_LEVEL: 'warn', DATABASE_URL: '', WEB_CONCURRENCY: String(workers) },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  await waitForHealth(`http://127.0.0.1:${port}/healthz`, child);
  return child;
}

export async function startRaw(dbFile: string, port: number): Promise<ChildProcess> {
  const child = fork(path.join(import.meta.dirname, 'raw-server.ts'), {
    env: { ...process.env, RAW_DB_FILE: dbFile, PORT: String(port) },
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  await new Promise<void>((resolve, reject) => {
    child.once('message', () => resolve());
    child.once('exit', (code) => reject(new Error(`raw server exited with ${code}`)));
  });
  return child;
}

export async function load(port: number, paths: string[], seconds: number): Promise<HttpFigures> {
  let next = 0;
  const result = await autocannon({
    url: `http://127.0.0.1:${port}`,
    connections: 50,
    duration: seconds,
    requests: [{ setupRequest: (request) => ({ ...request, path: paths[next++ % paths.length]! }) }],
  });
  return {
    requestsPerSecond: result.requests.average,
    p50: result.latency.p50,
    p97_5: result.latency.p97_5,
    p99: result.latency.p99,
    errors: result.errors,
    non2xx: result.non2xx,
  };
}

export function stop(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}
