import net from 'node:net';
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { parseHTML } from 'linkedom';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildArticle } from '../../test/build-article.ts';
import { describeEachEngine, freshPostgresSchema, freshSqlite } from '../../test/engines.ts';
import { buildApp } from '../app.ts';
import { saveImportedArticle } from '../articles/article.service.ts';
import { loadConfig } from '../config.ts';
import { openDatabase } from '../db/database.ts';
import { migrateToLatest } from '../db/migrate.ts';
import { isSahifaError } from '../lib/errors.ts';

const postgresUrl = process.env.TEST_DATABASE_URL;

/** Sends raw bytes and resolves with what the server answered and how long until it closed the connection. */
function rawExchange(port: number, writes: { data: string; afterMs: number }[]): Promise<{ reply: string; closedAfterMs: number }> {
  return new Promise((resolve) => {
    const started = Date.now();
    const socket = net.connect(port, '127.0.0.1');
    let reply = '';
    const timers: NodeJS.Timeout[] = [];
    socket.on('data', (chunk) => (reply += chunk.toString()));
    socket.on('error', () => {});
    socket.on('close', () => {
      timers.forEach(clearTimeout);
      resolve({ reply, closedAfterMs: Date.now() - started });
    });
    for (const write of writes) timers.push(setTimeout(() => socket.writable && socket.write(write.data), write.afterMs));
  });
}

describeEachEngine('hostile clients', (database) => {
  let port = 0;
  let close: () => Promise<void> = async () => {};
  beforeAll(async () => {
    const app = await buildApp({ config: loadConfig({ HEADERS_TIMEOUT_MS: '1000', REQUEST_TIMEOUT_MS: '1500' }), database: database.handle });
    // The limits belong to the server, not to a route: any route that reads a body will do.
    // No CSRF token in these raw requests: the route opts out, as only a test route may.
    app.post('/form-for-test', { config: { csrf: false } }, async (request) => ({ length: String(request.body).length }));
    await app.listen({ port: 0, host: '127.0.0.1' });
    port = (app.server.address() as net.AddressInfo).port;
    close = () => app.close();
  });
  afterAll(() => close());

  it('rejects an oversized body with an Arabic 413 page before reading it all, and keeps serving', async () => {
    const small = await fetch(`http://127.0.0.1:${port}/form-for-test`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'ب'.repeat(1000) });
    expect(await small.json()).toEqual({ length: 1000 });
    const response = await fetch(`http://127.0.0.1:${port}/form-for-test`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: 'ب'.repeat(1024 * 1024),
    });
    expect(response.status).toBe(413);
    const { document } = parseHTML(await response.text());
    expect(document.querySelector('h1')?.textContent).toBe('البيانات المرسلة كبيرة جداً');
    expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);
  });

  it('cuts off a client that drips its headers (slowloris) while others are served at once', async () => {
    const drip = Array.from({ length: 20 }, (_, i) => ({ data: `X-Slow-${i}: a\r\n`, afterMs: 300 * i }));
    const slow = rawExchange(port, [{ data: 'GET / HTTP/1.1\r\nHost: localhost\r\n', afterMs: 0 }, ...drip]);
    await new Promise((resolve) => setTimeout(resolve, 500));
    const startedAt = Date.now();
    expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);
    expect(Date.now() - startedAt).toBeLessThan(1_000);
    const { reply, closedAfterMs } = await slow;
    expect(reply).toMatch(/^HTTP\/1\.1 408/);
    expect(closedAfterMs).toBeLessThan(4_000); // 1 s limit, checked every second; the drip alone would take 6 s
  });

  it('cuts off a client that never finishes sending its body', async () => {
    const { reply, closedAfterMs } = await rawExchange(port, [
      { data: 'POST /form-for-test HTTP/1.1\r\nHost: localhost\r\nContent-Type: text/plain\r\nContent-Length: 1000\r\n\r\nبداية', afterMs: 0 },
    ]);
    expect(reply).toMatch(/^HTTP\/1\.1 408/);
    expect(closedAfterMs).toBeLessThan(5_000);
  });
});

describe('SQLite disk full', () => {
  it('fails the write with STORAGE_FULL naming the file, rolls it back, and leaves the database intact', async () => {
    const fresh = freshSqlite();
    const database = openDatabase(fresh.target);
    try {
      await migrateToLatest(database.db);
      const kept = await saveImportedArticle(database.db, buildArticle({ title: 'خبر محفوظ قبل امتلاء القرص' }));
      const { rows } = await sql<{ page_count: number }>`pragma page_count`.execute(database.db);
      // SQLite answers a file that may not grow past its current size exactly as it answers a full disk.
      await sql.raw(`pragma max_page_count = ${rows[0]!.page_count}`).execute(database.db);
      const long = buildArticle({ title: 'خبر طويل لا يتسع له القرص', paragraphs: Array.from({ length: 400 }, (_, i) => `فقرة طويلة رقم ${i} ${'كلمات كثيرة '.repeat(40)}`) });
      const failure = await saveImportedArticle(database.db, long).catch((error: unknown) => error);
      expect(isSahifaError(failure, 'STORAGE_FULL')).toBe(true);
      expect((failure as Error).message).toContain(fresh.target.engine === 'sqlite' ? fresh.target.file : '');
      expect((failure as Error).message).toContain('SQLITE_FULL');
      const { rows: check } = await sql<{ integrity_check: string }>`pragma integrity_check`.execute(database.db);
      expect(check).toEqual([{ integrity_check: 'ok' }]);
      const titles = (await database.db.selectFrom('articles').select('title').execute()).map((row) => row.title);
      expect(titles).toEqual(['خبر محفوظ قبل امتلاء القرص']);
      expect(kept.slug).toBeTruthy();
      await sql`pragma max_page_count = 1073741823`.execute(database.db);
      await saveImportedArticle(database.db, long);
      expect(await database.db.selectFrom('articles').select('id').execute()).toHaveLength(2);
    } finally {
      await database.close();
      await fresh.drop();
    }
  });
});

describe.runIf(postgresUrl)('PostgreSQL failures', () => {
  let fresh: Awaited<ReturnType<typeof freshPostgresSchema>>;
  const applicationName = `sahifa-fault-test-${randomUUID().slice(0, 8)}`;
  beforeAll(async () => {
    fresh = await freshPostgresSchema(postgresUrl!);
    const setup = openDatabase(fresh.target);
    await migrateToLatest(setup.db);
    await saveImportedArticle(setup.db, buildArticle({ title: 'خبر يبقى بعد انقطاع قاعدة البيانات' }));
    await setup.close();
  });
  afterAll(() => fresh.drop());

  /** Terminates only this test's connections: other engineers' tests share the server, which is never stopped. */
  async function terminateOurConnections(): Promise<number> {
    const admin = new pg.Client({ connectionString: postgresUrl });
    await admin.connect();
    const { rowCount } = await admin.query('select pg_terminate_backend(pid) from pg_stat_activity where application_name = $1', [applicationName]);
    await admin.end();
    return rowCount ?? 0;
  }

  function ourTarget() {
    const url = new URL(postgresUrl!);
    url.searchParams.set('application_name', applicationName);
    return { ...fresh.target, connectionString: url.toString() } as typeof fresh.target;
  }

  it('answers fast with an Arabic 503 page (JSON for the API) when PostgreSQL cannot be reached', async () => {
    const unreachable = new URL(postgresUrl!);
    unreachable.port = String(await closedPort());
    const database = openDatabase({ engine: 'postgres', connectionString: unreachable.toString(), schema: 'public' });
    const app = await buildApp({ config: loadConfig({}), database });
    const startedAt = Date.now();
    const page = await app.inject({ url: '/' });
    expect(Date.now() - startedAt).toBeLessThan(3_500);
    expect(page.statusCode).toBe(503);
    expect(page.headers['retry-after']).toBe('5');
    expect(parseHTML(page.body).document.querySelector('h1')?.textContent).toBe('الخدمة غير متاحة مؤقتاً');
    const api = await app.inject({ url: '/api/articles' });
    expect(api.statusCode).toBe(503);
    expect(api.json()).toMatchObject({ error: { code: 'DATABASE_UNAVAILABLE' } });
    expect((await app.inject({ url: '/readyz' })).statusCode).toBe(503);
    await database.close();
  });

  it('turns a query whose connection is terminated into DATABASE_UNAVAILABLE', async () => {
    const database = openDatabase(ourTarget());
    try {
      const sleeping = sql`select pg_sleep(20)`.execute(database.db).catch((error: unknown) => error);
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(await terminateOurConnections()).toBeGreaterThan(0);
      const failure = await sleeping;
      expect(isSahifaError(failure, 'DATABASE_UNAVAILABLE')).toBe(true);
    } finally {
      await database.close();
    }
  });

  it('recovers by itself after every connection is terminated under load: only 200s and 503s, then 200s again', async () => {
    const database = openDatabase(ourTarget());
    const app = await buildApp({ config: loadConfig({}), database });
    await app.listen({ port: 0, host: '127.0.0.1' });
    const base = `http://127.0.0.1:${(app.server.address() as net.AddressInfo).port}`;
    const statuses: { at: number; status: number }[] = [];
    let running = true;
    const client = async () => {
      while (running) {
        const status = await fetch(`${base}/api/articles`).then((r) => r.arrayBuffer().then(() => r.status), () => -1);
        statuses.push({ at: Date.now(), status });
      }
    };
    try {
      const clients = Array.from({ length: 8 }, client);
      await new Promise((resolve) => setTimeout(resolve, 700));
      const terminatedAt = Date.now();
      expect(await terminateOurConnections()).toBeGreaterThan(0);
      await new Promise((resolve) => setTimeout(resolve, 2_000));
      running = false;
      await Promise.all(clients);
      expect(new Set(statuses.map((s) => s.status))).toSatisfy((set: Set<number>) => [...set].every((status) => status === 200 || status === 503));
      const recovered = statuses.filter((s) => s.at > terminatedAt + 1_000);
      expect(recovered.length).toBeGreaterThan(10);
      expect(recovered.every((s) => s.status === 200)).toBe(true);
    } finally {
      await app.close();
      await database.close();
    }
  });
});

/** A port nothing listens on: bound then released. */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}
