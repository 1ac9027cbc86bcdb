// Newsletter delivery: recipients materialized per second, messages delivered per second by `sahifa worker`
// processes through pooled SMTP to a loopback server (in its own process), the senders' peak memory, and the CPU
// each message cost the senders and the server — the figure that still means something on a busy machine.
// Run alone: `node --import tsx bench/newsletters.bench.ts` (BENCH_RECIPIENTS, default 100,000; BENCH_SMTP_POOL,
// default 5; BENCH_SENDERS worker processes, default 1; BENCH_NEWSLETTERS_POSTGRES_URL to run on PostgreSQL instead of SQLite).
import { type ChildProcess, fork, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { buildArticle } from '../test/build-article.ts';
import { SAHIFA_BIN } from '../test/run-sahifa.ts';
import { articleRepository } from '../src/articles/article.repository.ts';
import { saveImportedArticle } from '../src/articles/article.service.ts';
import { type DatabaseTarget, loadConfig } from '../src/config.ts';
import { openDatabase } from '../src/db/database.ts';
import { migrateToLatest } from '../src/db/migrate.ts';
import { createBulkMailer } from '../src/mail/bulk-mailer.ts';
import { createMailer } from '../src/mail/mailer.ts';
import { newsletterRepository } from '../src/newsletters/newsletter.repository.ts';
import { BREAKING_NEWSLETTER_SLUG, ensureDefaultNewsletters, importSubscribers } from '../src/newsletters/newsletters.service.ts';
import { newsletterSecret } from '../src/newsletters/secret.ts';
import { sendRepository } from '../src/newsletters/send.repository.ts';
import { createIssue, prepareSend, scheduleIssue } from '../src/newsletters/sends.service.ts';

export interface NewsletterFigures {
  engine: DatabaseTarget['engine'];
  recipients: number;
  subscribersImportedPerSecond: number;
  materializedPerSecond: number;
  materializeSeconds: number;
  messagesPerSecond: number;
  deliverSeconds: number;
  /** Highest resident memory of any sender process. */
  peakRssMiB: number;
  /** CPU time the sender processes spent per message, and the SMTP server. */
  senderCpuMsPerMessage: number;
  serverCpuMsPerMessage: number;
  accepted: number;
  duplicates: number;
  senders: number;
  smtpPool: number;
  lanes: number;
  loadAverage: number[];
}

type SinkMessage = { url: string } | { accepted: number; recipients: number; duplicates: number };

/** Clock ticks per second in /proc/<pid>/stat (USER_HZ, 100 on Linux). */
const USER_HZ = 100;

/** CPU seconds a process has used so far (user + system), from /proc. */
function cpuSeconds(pid: number): number {
  const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) / USER_HZ;
}

/** A process's peak resident memory so far, in MiB, from /proc. */
function peakRssMiB(pid: number): number {
  const match = /VmHWM:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
  return Math.round(Number(match?.[1] ?? 0) / 1024);
}

async function benchDatabase(work: string): Promise<{ target: DatabaseTarget; url: string; drop: () => Promise<void> }> {
  const postgres = process.env.BENCH_NEWSLETTERS_POSTGRES_URL;
  if (!postgres) {
    const file = path.join(work, 'newsletters.db');
    return { target: { engine: 'sqlite', file }, url: `sqlite:${file}`, drop: async () => {} };
  }
  const schema = `bench_newsletters_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: postgres });
  await admin.connect();
  await admin.query(`create schema ${schema}`);
  await admin.end();
  const url = new URL(postgres);
  url.searchParams.set('options', `-c search_path=${schema}`);
  return {
    target: { engine: 'postgres', connectionString: postgres, schema },
    url: url.toString(),
    drop: async () => {
      const client = new pg.Client({ connectionString: postgres });
      await client.connect();
      await client.query(`drop schema ${schema} cascade`);
      await client.end();
    },
  };
}

export async function newsletterBench(work: string, recipients: number, line: (text: string) => void): Promise<NewsletterFigures> {
  const sink = fork(path.join(import.meta.dirname, 'counting-sink.process.ts'), [], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const next = () => new Promise<SinkMessage>((resolve) => sink.once('message', (message) => resolve(message as SinkMessage)));
  const { url } = (await next()) as { url: string };
  const smtpPool = Number(process.env.BENCH_SMTP_POOL ?? 5);
  const senders = Number(process.env.BENCH_SENDERS ?? 1);
  const lanes = 4 * senders;
  const database = await benchDatabase(work);
  const env = { SMTP_URL: url, SMTP_POOL_SIZE: String(smtpPool), SITE_URL: 'https://news.example', DATA_DIR: work, NEWSLETTER_LANES: String(lanes) };
  const config = loadConfig(env);
  const handle = openDatabase(database.target);
  const workers: ChildProcess[] = [];
  try {
    const db = handle.db;
    await migrateToLatest(db);
    await ensureDefaultNewsletters(db, { name: 'صحيفة', address: 'newsletters@news.example' }, config.newsletters.timeZone);
    const saved = await saveImportedArticle(db, buildArticle({ title: 'افتتاح المكتبة العامة الجديدة في وسط المدينة' }));
    const articleId = (await articleRepository(db).findBySlug(saved.slug))!.id;

    // The breaking newsletter: sent when an editor says so, so the workers' scheduler never adds an issue of its own.
    let started = performance.now();
    await importSubscribers(db, BREAKING_NEWSLETTER_SLUG, Array.from({ length: recipients }, (_, i) => `reader${i}@bench.example.org`));
    const importSeconds = (performance.now() - started) / 1000;

    const breaking = (await newsletterRepository(db).findNewsletterBySlug(BREAKING_NEWSLETTER_SLUG))!;
    const { send } = await createIssue(db, { newsletterId: breaking.id, articleIds: [articleId] });
    await scheduleIssue(db, send.id);
    const mailer = createMailer(config.mail);
    const deps = { db, siteName: config.siteName, siteUrl: config.siteUrl, secret: await newsletterSecret(db), mailer, bulkMailer: createBulkMailer(config.mail, mailer), settings: config.newsletters };
    started = performance.now();
    await prepareSend(deps, send.id);
    const materializeSeconds = (performance.now() - started) / 1000;
    await mailer.close();
    line(`newsletters [${database.target.engine}]: ${recipients} subscribers imported in ${importSeconds.toFixed(1)} s; audience frozen in ${materializeSeconds.toFixed(2)} s = ${(recipients / materializeSeconds).toFixed(0)} recipients/s`);

    const sinkCpuBefore = cpuSeconds(sink.pid!);
    started = performance.now();
    for (let i = 0; i < senders; i++) {
      workers.push(
        spawn(process.execPath, [SAHIFA_BIN, 'worker'], {
          env: { ...process.env, ...env, DATABASE_URL: database.url, WORKER_POLL_MS: '50', WORKER_CONCURRENCY: '8', LOG_LEVEL: 'warn' },
          stdio: ['ignore', 'ignore', 'inherit'],
        }),
      );
    }
    let final: string | undefined;
    for (;;) {
      final = await sendRepository(db).sendStatus(send.id);
      if (final !== 'sending') break;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    const deliverSeconds = (performance.now() - started) / 1000;
    // Read while the workers still run: /proc forgets a process once it exits.
    const peak = Math.max(...workers.map((worker) => peakRssMiB(worker.pid!)));
    const senderCpu = workers.reduce((sum, worker) => sum + cpuSeconds(worker.pid!), 0);
    const serverCpu = cpuSeconds(sink.pid!) - sinkCpuBefore;
    const loadAverage = os.loadavg().map((load) => Math.round(load * 10) / 10);
    sink.send('count');
    const counted = (await next()) as { accepted: number; recipients: number; duplicates: number };
    const figures: NewsletterFigures = {
      engine: database.target.engine,
      recipients,
      subscribersImportedPerSecond: recipients / importSeconds,
      materializedPerSecond: recipients / materializeSeconds,
      materializeSeconds,
      messagesPerSecond: counted.accepted / deliverSeconds,
      deliverSeconds,
      peakRssMiB: peak,
      senderCpuMsPerMessage: (senderCpu * 1000) / counted.accepted,
      serverCpuMsPerMessage: (serverCpu * 1000) / counted.accepted,
      accepted: counted.accepted,
      duplicates: counted.duplicates,
      senders,
      smtpPool,
      lanes,
      loadAverage,
    };
    line(
      `newsletters [${database.target.engine}]: ${counted.accepted} messages (send ${final}, ${counted.duplicates} duplicates) in ${deliverSeconds.toFixed(1)} s = ${figures.messagesPerSecond.toFixed(0)} msgs/s ` +
        `by ${senders} worker process(es), ${smtpPool} SMTP connections each, ${lanes} lanes; CPU per message: senders ${figures.senderCpuMsPerMessage.toFixed(2)} ms, ` +
        `SMTP server ${figures.serverCpuMsPerMessage.toFixed(2)} ms; sender peak RSS ${peak} MiB; load average ${loadAverage.join(' ')}`,
    );
    return figures;
  } finally {
    await Promise.all(workers.map((worker) => new Promise((resolve) => (worker.exitCode !== null ? resolve(null) : (worker.once('exit', resolve), worker.kill('SIGTERM'))))));
    await handle.close();
    await database.drop();
    sink.send('stop');
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(import.meta.filename)) {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'sahifa-bench-newsletters-'));
  try {
    await newsletterBench(work, Number(process.env.BENCH_RECIPIENTS ?? 100_000), (text) => console.log(text));
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}
