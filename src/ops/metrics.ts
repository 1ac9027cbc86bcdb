import cluster from 'node:cluster';
import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { AggregatorRegistry, collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { DatabaseHandle } from '../db/database.ts';
import { type QueueStats, queueStatsRepository } from './queue-stats.repository.ts';

/** The metrics one process records. Created once per process (server.ts) or per app (tests), never module-wide. */
export interface Metrics {
  readonly registry: Registry;
  readonly httpRequests: Counter<'method' | 'route' | 'status_code'>;
  readonly httpDuration: Histogram<'method' | 'route'>;
  /** The text served at /metrics: this process's metrics, or every web process's added up (see clusterCollector). */
  collect(): Promise<string>;
}

export interface MetricsOptions {
  /** Its pool is sampled at each scrape (PostgreSQL; SQLite has one connection and no pool). */
  database?: DatabaseHandle;
  /** Node process metrics (memory, CPU, event loop lag, GC). Off in tests, which build many apps in one process. */
  processMetrics?: boolean;
  /** Replaces collect(), e.g. with clusterCollector() in a cluster worker. */
  collect?: () => Promise<string>;
}

export function createMetrics(options: MetricsOptions = {}): Metrics {
  const registry = new Registry();
  const registers = [registry];
  if (options.processMetrics) collectDefaultMetrics({ register: registry, prefix: 'sahifa_' });
  const pool = options.database?.pool;
  if (pool) {
    new Gauge({
      name: 'sahifa_db_pool_connections',
      help: 'PostgreSQL connections held by the pool, by state (total = idle + in use); waiting counts queued queries',
      labelNames: ['state'],
      registers,
      collect() {
        this.set({ state: 'total' }, pool.totalCount);
        this.set({ state: 'idle' }, pool.idleCount);
        this.set({ state: 'waiting' }, pool.waitingCount);
      },
    });
    new Gauge({ name: 'sahifa_db_pool_max', help: 'Most connections the pool may open', registers }).set(pool.options.max ?? 10);
  }
  if (options.database) queueGauges(options.database, registers);
  return {
    registry,
    httpRequests: new Counter({
      name: 'sahifa_http_requests_total',
      help: 'HTTP requests answered, by route pattern and status code',
      labelNames: ['method', 'route', 'status_code'],
      registers,
    }),
    httpDuration: new Histogram({
      name: 'sahifa_http_request_duration_seconds',
      help: 'Time to answer an HTTP request, by route pattern',
      labelNames: ['method', 'route'],
      buckets: [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    }),
    collect: options.collect ?? (() => registry.metrics()),
  };
}

/**
 * Job queue and newsletter figures, read from the database at each scrape. Every web process reads the same
 * rows, so across cluster workers the first answer is taken rather than the sum. When the database is down the
 * previous values stay: the request metrics and /readyz already tell that story.
 */
function queueGauges(database: DatabaseHandle, registers: Registry[]): void {
  const repository = queueStatsRepository(database.db);
  // One read serves all six gauges: the first gauge collected in a scrape starts it, the others await it.
  let reading: Promise<QueueStats | null> | null = null;
  const read = () =>
    (reading ??= repository
      .read(new Date())
      .catch(() => null)
      .finally(() => setImmediate(() => (reading = null))));
  const gauge = (key: keyof QueueStats, name: string, help: string) =>
    new Gauge({
      name,
      help,
      registers,
      aggregator: 'first',
      async collect() {
        const stats = await read();
        if (stats) this.set(stats[key]);
      },
    });
  gauge('dueJobs', 'sahifa_job_queue_depth', 'Pending jobs that are due now');
  gauge('oldestDueAgeSeconds', 'sahifa_job_queue_oldest_age_seconds', 'How long the oldest due job has been waiting');
  gauge('runningJobs', 'sahifa_jobs_running', 'Jobs claimed by a worker and running');
  gauge('failedJobs', 'sahifa_jobs_failed', 'Jobs that failed for good (kept until pruned)');
  gauge('recipientsSent', 'sahifa_newsletter_messages_sent', 'Newsletter messages sent so far; rate() of it is sends per second');
  gauge('recipientsWaiting', 'sahifa_newsletter_messages_waiting', 'Newsletter messages still to send or retry');
}

/** Records every request by its route pattern (bounded label values, never the raw URL) and serves /metrics. */
export function metricsRoutes(app: FastifyInstance, metrics: Metrics): void {
  app.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url ?? 'unmatched';
    const labels = { method: request.method, route };
    metrics.httpRequests.inc({ ...labels, status_code: String(reply.statusCode) });
    metrics.httpDuration.observe(labels, reply.elapsedTime / 1000);
  });
  app.get('/metrics', async (_request, reply) => {
    reply.header('cache-control', 'no-store');
    return reply.type(metrics.registry.contentType).send(await metrics.collect());
  });
}

const METRICS_REQUEST = 'sahifa:metrics-request';
const METRICS_RESPONSE = 'sahifa:metrics-response';

/**
 * In the cluster primary: answers a worker's request for everyone's metrics. prom-client's AggregatorRegistry asks
 * every worker for its registry and adds them up (counters and histograms summed, as are pool gauges).
 */
export function serveClusterMetrics(): void {
  const aggregator = new AggregatorRegistry();
  cluster.on('message', (worker, message: { type?: string; id?: string }) => {
    if (message?.type !== METRICS_REQUEST) return;
    aggregator.clusterMetrics().then(
      (text) => worker.send({ type: METRICS_RESPONSE, id: message.id, text }),
      (error: Error) => worker.send({ type: METRICS_RESPONSE, id: message.id, error: error.message }),
    );
  });
}

/**
 * In a cluster worker: offers this worker's registry to the primary, and returns the collect() that /metrics uses,
 * which asks the primary for the sum over all workers. Whichever worker a scrape reaches, it sees the whole server.
 */
export function clusterCollector(registry: Registry): () => Promise<string> {
  new AggregatorRegistry(); // starts answering the primary's requests in this worker
  AggregatorRegistry.setRegistries([registry]);
  return () =>
    new Promise((resolve, reject) => {
      const id = randomUUID();
      const timer = setTimeout(() => {
        process.off('message', onMessage);
        reject(new Error('metrics: the cluster primary did not answer within 10 s'));
      }, 10_000);
      const onMessage = (message: { type?: string; id?: string; text?: string; error?: string }) => {
        if (message?.type !== METRICS_RESPONSE || message.id !== id) return;
        clearTimeout(timer);
        process.off('message', onMessage);
        if (message.error !== undefined) reject(new Error(`metrics: ${message.error}`));
        else resolve(message.text ?? '');
      };
      process.on('message', onMessage);
      process.send!({ type: METRICS_REQUEST, id });
    });
}
