import { Writable } from 'node:stream';
import { expect, it } from 'vitest';
import { describeEachEngine } from '../../test/engines.ts';
import { buildApp } from '../app.ts';
import { loadConfig } from '../config.ts';
import { enqueueJob } from '../jobs/job.ts';
import { pruneJobsJob } from '../jobs/prune-jobs.job.ts';

/** A pino destination that keeps every JSON log line. */
function logCollector() {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(line));
      done();
    },
  });
  return { lines, logger: { level: 'info', stream } };
}

/** The value of one sample line of the Prometheus text format, e.g. `name{label="x"} 3`. */
function sample(text: string, prefix: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(prefix));
  return line === undefined ? undefined : Number(line.slice(prefix.length).trim());
}

describeEachEngine('observability', (database) => {
  it('counts requests and their durations by route pattern, never by raw URL', async () => {
    const app = await buildApp({ config: loadConfig({}), database: database.handle });
    for (const slug of ['أ', 'ب', 'ت']) await app.inject({ url: `/article/${encodeURIComponent(slug)}` });
    await app.inject({ url: '/no/such/page' });
    await app.inject({ url: '/healthz' });
    const response = await app.inject({ url: '/metrics' });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toContain('text/plain');
    const text = response.body;
    expect(sample(text, 'sahifa_http_requests_total{method="GET",route="/article/:slug",status_code="404"}')).toBe(3);
    expect(sample(text, 'sahifa_http_requests_total{method="GET",route="unmatched",status_code="404"}')).toBe(1);
    expect(sample(text, 'sahifa_http_requests_total{method="GET",route="/healthz",status_code="200"}')).toBe(1);
    expect(sample(text, 'sahifa_http_request_duration_seconds_count{method="GET",route="/article/:slug"}')).toBe(3);
    expect(text).not.toContain('%D8');
    if (database.handle.engine === 'postgres') {
      expect(sample(text, 'sahifa_db_pool_max')).toBe(10);
      expect(sample(text, 'sahifa_db_pool_connections{state="total"}')).toBeGreaterThan(0);
      expect(sample(text, 'sahifa_db_pool_connections{state="waiting"}')).toBe(0);
    } else {
      expect(text).not.toContain('sahifa_db_pool');
    }
  });

  it('reports the job queue from the database: depth, age of the oldest due job, running and failed', async () => {
    const now = Date.now();
    await enqueueJob(database.handle.db, pruneJobsJob, {}, { runAt: new Date(now - 90_000) });
    await enqueueJob(database.handle.db, pruneJobsJob, {}, { runAt: new Date(now - 10_000) });
    await enqueueJob(database.handle.db, pruneJobsJob, {}, { runAt: new Date(now + 3_600_000) });
    const app = await buildApp({ config: loadConfig({}), database: database.handle });
    const text = (await app.inject({ url: '/metrics' })).body;
    expect(sample(text, 'sahifa_job_queue_depth')).toBe(2);
    expect(sample(text, 'sahifa_job_queue_oldest_age_seconds')).toBeGreaterThanOrEqual(90);
    expect(sample(text, 'sahifa_job_queue_oldest_age_seconds')).toBeLessThan(200);
    expect(sample(text, 'sahifa_jobs_running')).toBe(0);
    expect(sample(text, 'sahifa_newsletter_messages_sent')).toBe(0);
  });

  it('logs JSON lines carrying a request id, echoed to the client; keeps a proxy id that looks like one', async () => {
    const { lines, logger } = logCollector();
    const app = await buildApp({ config: loadConfig({}), database: database.handle, logger });
    const fromProxy = await app.inject({ url: '/healthz', headers: { 'x-request-id': 'nginx-7f3a9c' } });
    expect(fromProxy.headers['x-request-id']).toBe('nginx-7f3a9c');
    const made = await app.inject({ url: '/healthz', headers: { 'x-request-id': 'bad id\n{"forged":1}' } });
    const id = made.headers['x-request-id'] as string;
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    const other = await app.inject({ url: '/healthz' });
    expect(other.headers['x-request-id']).not.toBe(id);
    const completed = lines.filter((line) => line.msg === 'request completed');
    expect(completed.map((line) => line.reqId)).toEqual(['nginx-7f3a9c', id, other.headers['x-request-id']]);
    expect(completed[0]).toMatchObject({ level: 30, res: { statusCode: 200 } });
  });
});
