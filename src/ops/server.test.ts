import http from 'node:http';
import { describe, expect, it } from 'vitest';
import { databaseUrlOf, freshSqlite } from '../../test/engines.ts';
import { startSahifa } from '../../test/run-sahifa.ts';
import { buildApp } from '../app.ts';
import { loadConfig } from '../config.ts';
import { openDatabase } from '../db/database.ts';
import { migrateToLatest } from '../db/migrate.ts';
import { shutDown } from '../server.ts';

/** One GET on its own connection, so the cluster's round robin spreads them over the workers. */
function getOnce(url: string): Promise<number> {
  return new Promise((resolve, reject) => {
    http.get(url, { agent: false, headers: { connection: 'close' } }, (response) => {
      response.resume();
      response.on('end', () => resolve(response.statusCode!));
    }).on('error', reject);
  });
}

function sample(text: string, prefix: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(prefix));
  return line === undefined ? undefined : Number(line.slice(prefix.length).trim());
}

describe('the web server process', () => {
  it('adds up every worker process in /metrics, and exits cleanly on SIGTERM with an idle keep-alive connection open', async () => {
    const fresh = freshSqlite();
    const server = await startSahifa(['serve'], { DATABASE_URL: databaseUrlOf(fresh.target), WEB_CONCURRENCY: '2', LOG_LEVEL: 'info' });
    try {
      const pids = () => new Set([...server.output().matchAll(/"pid":(\d+)[^\n]*"msg":"Server listening/g)].map((m) => m[1]));
      // Both workers must be listening before counting; readiness only proves that one is.
      for (let i = 0; pids().size < 2 && i < 100; i++) {
        await getOnce(`${server.baseUrl}/healthz`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      expect(pids().size).toBe(2);
      const before = sample(await (await fetch(`${server.baseUrl}/metrics`)).text(), 'sahifa_http_requests_total{method="GET",route="/healthz",status_code="200"}') ?? 0;
      for (let i = 0; i < 20; i++) expect(await getOnce(`${server.baseUrl}/healthz`)).toBe(200);
      // Ask twice: whichever worker answers, it reports the whole server.
      for (let i = 0; i < 2; i++) {
        const text = await (await fetch(`${server.baseUrl}/metrics`)).text();
        expect(sample(text, 'sahifa_http_requests_total{method="GET",route="/healthz",status_code="200"}')).toBe(before + 20);
      }

      const idle = new http.Agent({ keepAlive: true });
      await new Promise((resolve) => http.get(`${server.baseUrl}/healthz`, { agent: idle }, (r) => r.resume().on('end', resolve)));
      const signalledAt = Date.now();
      server.child.kill('SIGTERM');
      expect(await server.exited).toBe(0);
      expect(Date.now() - signalledAt).toBeLessThan(10_000);
      expect(server.output().match(/"msg":"shut down"/g)).toHaveLength(2);
      idle.destroy();
    } finally {
      server.child.kill('SIGKILL');
      await fresh.drop();
    }
  }, 180_000); // starts a primary and two workers, each loading Node and tsx
});

describe('graceful shutdown', () => {
  it('stops accepting, lets the request in flight finish, then closes the database', async () => {
    const fresh = freshSqlite();
    const database = openDatabase(fresh.target);
    await migrateToLatest(database.db);
    const app = await buildApp({ config: loadConfig({}), database });
    let finish!: () => void;
    const arrived = new Promise<void>((resolveArrived) => {
      app.get('/slow-for-test', async () => {
        resolveArrived();
        await new Promise<void>((resolve) => (finish = resolve));
        return { done: true };
      });
    });
    const address = await app.listen({ port: 0, host: '127.0.0.1' });
    try {
      const inFlight = fetch(`${address}/slow-for-test`).then(async (response) => ({ status: response.status, body: await response.json() }));
      await arrived;
      const stopped = shutDown(app, database, 5_000);
      await new Promise((resolve) => setTimeout(resolve, 100));
      await expect(getOnce(`${address}/healthz`)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
      finish();
      expect(await inFlight).toEqual({ status: 200, body: { done: true } });
      expect(await stopped).toBe(true);
      await expect(database.db.selectFrom('sections').select('id').execute()).rejects.toThrow();
    } finally {
      await fresh.drop();
    }
  });

  it('gives up on a request that outlives the timeout, and still closes the database', async () => {
    const fresh = freshSqlite();
    const database = openDatabase(fresh.target);
    await migrateToLatest(database.db);
    const app = await buildApp({ config: loadConfig({}), database });
    let arrived!: () => void;
    const reached = new Promise<void>((resolve) => (arrived = resolve));
    app.get('/stuck-for-test', async () => {
      arrived();
      return new Promise(() => {});
    });
    const address = await app.listen({ port: 0, host: '127.0.0.1' });
    const stuck = fetch(`${address}/stuck-for-test`).catch(() => 'cut off');
    await reached;
    expect(await shutDown(app, database, 300)).toBe(false);
    await expect(database.db.selectFrom('sections').select('id').execute()).rejects.toThrow();
    app.server.closeAllConnections();
    expect(await stuck).toBe('cut off');
    await fresh.drop();
  });
});
