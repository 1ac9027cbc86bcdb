// Newsletter delivery on the embedded database: recipients materialized per second, messages delivered per
// second through pooled SMTP to a loopback server (in another process), and the sender's peak memory.
// Run alone: `node --import tsx bench/newsletters.bench.ts` (BENCH_RECIPIENTS, default 100,000).
import { fork } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildArticle } from '../test/build-article.ts';
import { quietLog } from '../test/newsletters.ts';
import { articleRepository } from '../src/articles/article.repository.ts';
import { saveImportedArticle } from '../src/articles/article.service.ts';
import { loadConfig } from '../src/config.ts';
import { openDatabase } from '../src/db/database.ts';
import { migrateToLatest } from '../src/db/migrate.ts';
import { jobDefinitions } from '../src/jobs/registry.ts';
import { createWorker } from '../src/jobs/worker.ts';
import { createMailer } from '../src/mail/mailer.ts';
import { newsletterRepository } from '../src/newsletters/newsletter.repository.ts';
import { DEFAULT_NEWSLETTER_SLUG, ensureDefaultNewsletters, importSubscribers } from '../src/newsletters/newsletters.service.ts';
import { sendRepository } from '../src/newsletters/send.repository.ts';
import { createIssue, prepareSend, scheduleIssue } from '../src/newsletters/sends.service.ts';
import { withPeakMemory } from './stats.ts';

export interface NewsletterFigures {
  recipients: number;
  subscribersImportedPerSecond: number;
  materializedPerSecond: number;
  materializeSeconds: number;
  messagesPerSecond: number;
  deliverSeconds: number;
  peakRssMiB: number;
  accepted: number;
  duplicates: number;
  smtpPool: number;
  lanes: number;
}

type SinkMessage = { url: string } | { accepted: number; recipients: number; duplicates: number };

export async function newsletterBench(work: string, recipients: number, line: (text: string) => void): Promise<NewsletterFigures> {
  const sink = fork(path.join(import.meta.dirname, 'counting-sink.process.ts'), [], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const next = () => new Promise<SinkMessage>((resolve) => sink.once('message', (message) => resolve(message as SinkMessage)));
  const { url } = (await next()) as { url: string };
  const smtpPool = Number(process.env.BENCH_SMTP_POOL ?? 5);
  const config = loadConfig({ SMTP_URL: url, SMTP_POOL_SIZE: String(smtpPool), SITE_URL: 'https://news.example', DATA_DIR: work });
  const handle = openDatabase({ engine: 'sqlite', file: path.join(work, 'newsletters.db') });
  const mailer = createMailer(config.mail);
  try {
    const db = handle.db;
    await migrateToLatest(db);
    await ensureDefaultNewsletters(db, { name: 'صحيفة', address: 'newsletters@news.example' }, config.newsletters.timeZone);
    const saved = await saveImportedArticle(db, buildArticle({ title: 'افتتاح المكتبة العامة الجديدة في وسط المدينة' }));
    const articleId = (await articleRepository(db).findBySlug(saved.slug))!.id;

    let started = performance.now();
    await importSubscribers(db, DEFAULT_NEWSLETTER_SLUG, Array.from({ length: recipients }, (_, i) => `reader${i}@bench.example.org`));
    const importSeconds = (performance.now() - started) / 1000;

    const daily = (await newsletterRepository(db).findNewsletterBySlug(DEFAULT_NEWSLETTER_SLUG))!;
    const { send } = await createIssue(db, { newsletterId: daily.id, articleIds: [articleId] });
    await scheduleIssue(db, send.id);
    const deps = { db, siteName: config.siteName, siteUrl: config.siteUrl, secret: 'bench-secret', mailer, settings: config.newsletters };
    started = performance.now();
    await prepareSend(deps, send.id);
    const materializeSeconds = (performance.now() - started) / 1000;
    line(`newsletters: ${recipients} subscribers imported in ${importSeconds.toFixed(1)} s; audience frozen in ${materializeSeconds.toFixed(2)} s = ${(recipients / materializeSeconds).toFixed(0)} recipients/s`);

    const worker = createWorker({
      db,
      definitions: jobDefinitions,
      services: { db, config, log: quietLog, newsletters: deps },
      concurrency: config.jobs.concurrency,
      pollIntervalMs: 50,
      leaseMs: config.jobs.leaseMs,
      log: quietLog,
    });
    started = performance.now();
    const delivered = await withPeakMemory(async () => {
      worker.start();
      for (;;) {
        const current = await sendRepository(db).findSend(send.id);
        if (current?.status !== 'sending') return current;
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    });
    const deliverSeconds = (performance.now() - started) / 1000;
    await worker.stop();
    sink.send('count');
    const counted = (await next()) as { accepted: number; recipients: number; duplicates: number };
    const figures: NewsletterFigures = {
      recipients,
      subscribersImportedPerSecond: recipients / importSeconds,
      materializedPerSecond: recipients / materializeSeconds,
      materializeSeconds,
      messagesPerSecond: counted.accepted / deliverSeconds,
      deliverSeconds,
      peakRssMiB: delivered.peakRssMiB,
      accepted: counted.accepted,
      duplicates: counted.duplicates,
      smtpPool,
      lanes: config.newsletters.lanes,
    };
    line(
      `newsletters: ${counted.accepted} messages (send ${delivered.result?.status}, ${counted.duplicates} duplicates) in ${deliverSeconds.toFixed(1)} s = ${figures.messagesPerSecond.toFixed(0)} msgs/s ` +
        `over ${smtpPool} SMTP connections, ${config.newsletters.lanes} lanes; sender peak RSS ${delivered.peakRssMiB} MiB`,
    );
    return figures;
  } finally {
    await mailer.close();
    await handle.close();
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
