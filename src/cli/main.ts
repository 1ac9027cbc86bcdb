import fs from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command } from 'commander';
import { loadConfig } from '../config.ts';
import { backupDatabase, restoreDatabase } from '../db/backup.ts';
import { exportSite, importSite } from '../ops/site-export.service.ts';
import { type DatabaseHandle, openDatabase } from '../db/database.ts';
import { migrateToLatest, pendingMigrations } from '../db/migrate.ts';
import { expandPaths, importFiles, type ImportReport } from '../ingest/import.service.ts';
import { recordImportRun } from '../newsroom/import-runs.service.ts';
import { reindexAll } from '../search/search.service.ts';
import { startServer } from '../server.ts';
import { startJobWorker } from '../jobs/run-worker.ts';
import { ensureDefaultNewsletters } from '../newsletters/newsletters.service.ts';
import { parseSender, sendingAsSite } from '../mail/site-sender.ts';
import { loadSiteName } from '../web/site-chrome.ts';
import { processInboundMail, splitMailbox } from '../newsletters/inbound-mail.ts';
import { newsletterSecret } from '../newsletters/secret.ts';
import pino from 'pino';
import { understandAll } from '../understanding/understanding.service.ts';
import { accountsService } from '../accounts/accounts.service.ts';
import { sessionService } from '../accounts/session.service.ts';
import { createMailer } from '../mail/mailer.ts';

const demoFeed = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'demo', 'sahifa-demo.rss.xml');

/** The `sahifa` command line. Commands call services; none holds SQL. */
export async function main(argv: string[]): Promise<void> {
  const program = new Command('sahifa').description('Sahifa (صحيفة): an Arabic-first news platform');

  program
    .command('serve')
    .description('run the web server (PORT, DATABASE_URL, DATA_DIR change the defaults)')
    .option('--demo', 'import the demo articles first (does nothing when they are already there)')
    .action(async (options: { demo?: boolean }) => {
      const config = loadConfig();
      await startServer(config, async (database) => {
        if (options.demo) printReport(await importFiles(database.db, [demoFeed]), 'demo');
      });
    });

  program
    .command('migrate')
    .description('create or update the database schema')
    .option('--check', 'only report pending migrations; exit 1 when there are some (for deploy scripts)')
    .action(async (options: { check?: boolean }) => {
      if (options.check) {
        const pending = await withDatabase((database) => pendingMigrations(database.db));
        console.log(pending.length ? `pending: ${pending.join(', ')}` : 'schema is up to date');
        if (pending.length) process.exitCode = 1;
        return;
      }
      const applied = await withDatabase((database) => migrateToLatest(database.db));
      console.log(applied.length ? `applied: ${applied.join(', ')}` : 'schema is up to date');
    });

  program
    .command('import')
    .description('import text pages, HTML pages and RSS/Atom/JSON feeds (files or folders)')
    .argument('<paths...>', 'files or folders to import')
    .action(async (paths: string[]) => {
      const report = await withDatabase(async (database) => {
        await migrateToLatest(database.db);
        const startedAt = new Date();
        const result = await importFiles(database.db, await expandPaths(paths));
        // Kept for the newsroom's import queue, where editors see the failures and re-run them.
        await recordImportRun(database.db, { origin: 'cli', actorName: 'sahifa import', startedAt, finishedAt: new Date(), report: result });
        return result;
      });
      printReport(report, 'import');
      if (report.failed.length) process.exitCode = 1;
    });

  program
    .command('reindex')
    .description('rebuild the search index from the stored articles')
    .action(async () => {
      const count = await withDatabase(async (database) => {
        await migrateToLatest(database.db);
        return reindexAll(database.db);
      });
      console.log(`reindexed ${count} articles`);
    });

  program
    .command('worker')
    .description('run background jobs (scheduled and newsletter sends) until stopped; start several to share the work')
    .action(async () => {
      const config = loadConfig();
      const database = openDatabase(config.database);
      await migrateToLatest(database.db);
      await ensureDefaultNewsletters(database.db, parseSender(config.mail.from, config.siteName), config.newsletters.timeZone);
      const worker = await startJobWorker(config, database, pino({ level: config.logLevel }));
      await new Promise<void>((resolve) => {
        const stop = () => void worker.stop().then(() => database.close()).then(resolve);
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      });
    });

  program
    .command('understand')
    .description('find entities, quotes and stories in every article not yet understood with its current text')
    .action(async () => {
      const started = performance.now();
      const result = await withDatabase(async (database) => {
        await migrateToLatest(database.db);
        return understandAll(database.db, (done) => process.stderr.write(`\runderstood ${done.understood}, unchanged ${done.unchanged}`));
      });
      const seconds = (performance.now() - started) / 1000;
      process.stderr.write('\n');
      console.log(`understood ${result.understood} articles (${result.unchanged} unchanged) in ${seconds.toFixed(1)} s`);
    });

  program
    .command('backup')
    .description('write a consistent backup of the live database (SQLite backup API; PostgreSQL pg_dump custom format)')
    .argument('<file>', 'where to write the backup')
    .action(async (file: string) => {
      await backupDatabase(loadConfig().database, path.resolve(file));
      console.log(`backup written to ${path.resolve(file)}`);
    });

  program
    .command('restore')
    .description('replace the database with a backup made by "sahifa backup" (stop web processes and workers first)')
    .argument('<file>', 'the backup to restore')
    .action(async (file: string) => {
      await restoreDatabase(loadConfig().database, path.resolve(file));
      console.log(`restored from ${path.resolve(file)}`);
    });

  program
    .command('export')
    .description('write the whole site as JSON Lines (docs/site-export.md), e.g. to move it to another database engine')
    .argument('<file>', 'where to write the export')
    .option('--with-password-hashes', "include readers' password hashes (left out by default)")
    .action(async (file: string, options: { withPasswordHashes?: boolean }) => {
      const counts = await withDatabase((database) => exportSite(database.db, path.resolve(file), { includePasswordHashes: options.withPasswordHashes }));
      console.log(`exported ${describeCounts(counts)} to ${path.resolve(file)}`);
    });

  program
    .command('import-site')
    .description('load a site export into an empty database (migrates it first)')
    .argument('<file>', 'a file written by "sahifa export"')
    .action(async (file: string) => {
      const counts = await withDatabase(async (database) => {
        await migrateToLatest(database.db);
        return importSite(database.db, path.resolve(file));
      });
      console.log(`imported ${describeCounts(counts)}`);
    });

  program
    .command('bounces')
    .description('read bounces, complaints and mailto unsubscribes from .eml or mbox files and act on them')
    .argument('<files...>', 'message files (.eml) or mailboxes (mbox)')
    .action(async (files: string[]) => {
      const failures = await withDatabase(async (database) => {
        await migrateToLatest(database.db);
        const deps = { db: database.db, secret: await newsletterSecret(database.db) };
        let failed = 0;
        for (const file of files) {
          const messages = splitMailbox(await fs.readFile(file, 'utf8'));
          for (const [index, message] of messages.entries()) {
            try {
              const outcome = await processInboundMail(deps, message);
              console.log(`${file}#${index + 1}: ${outcome.kind}${outcome.addresses.length ? ` ${outcome.addresses.join(', ')}` : ''}`);
            } catch (error) {
              failed++;
              console.error(`failed: ${file}#${index + 1}: ${error instanceof Error ? error.message : String(error)}`);
            }
          }
        }
        return failed;
      });
      if (failures) process.exitCode = 1;
    });

  const admin = program.command('admin').description('manage editorial accounts');
  admin
    .command('create')
    .description('create an account with a role (admin by default), or give an existing account that role; its sessions end')
    .requiredOption('--email <address>', 'the account\'s email address')
    .option('--role <role>', 'admin or editor', 'admin')
    .action(async (options: { email: string; role: string }) => {
      if (options.role !== 'admin' && options.role !== 'editor') throw new Error(`--role must be admin or editor, not "${options.role}"`);
      const role = options.role;
      const config = loadConfig();
      const mailer = createMailer(config.mail);
      try {
        const result = await withDatabase(async (database) => {
          await migrateToLatest(database.db);
          const sessions = sessionService(database.db, { idleMs: config.accounts.sessionIdleMs, maxMs: config.accounts.sessionMaxMs });
          const asSite = sendingAsSite(mailer, config.mail.from, () => loadSiteName(database.db, config.siteName));
          const accounts = accountsService({ db: database.db, mailer: asSite, sessions, siteName: config.siteName, siteUrl: config.siteUrl, personalData: [] });
          return accounts.grantRole(options.email, role);
        });
        console.log(`${result.created ? 'created' : 'updated'}: ${options.email.trim().toLowerCase()} is now ${role}`);
        console.log(`sign in with an emailed link (or set a password with "forgot password") at ${config.siteUrl}/account/signin`);
      } finally {
        await mailer.close();
      }
    });

  await program.parseAsync(argv);
}

/** Opens the configured database for one command and always closes it. */
async function withDatabase<T>(work: (database: DatabaseHandle) => Promise<T>): Promise<T> {
  const database = openDatabase(loadConfig().database);
  try {
    return await work(database);
  } finally {
    await database.close();
  }
}

function describeCounts(counts: Record<string, number>): string {
  const total = Object.values(counts).reduce((sum, n) => sum + n, 0);
  return `${total} rows (${Object.entries(counts).filter(([, n]) => n > 0).map(([table, n]) => `${table} ${n}`).join(', ')})`;
}

function printReport(report: ImportReport, label: string): void {
  const counts = { created: 0, updated: 0, unchanged: 0 };
  for (const item of report.imported) counts[item.outcome]++;
  for (const item of report.imported) {
    if (item.outcome !== 'unchanged') console.log(`${item.outcome}: /article/${item.slug}  ${item.title}`);
  }
  for (const failure of report.failed) console.error(`failed: ${failure.file}: ${failure.reason}`);
  console.log(
    `${label}: ${counts.created} created, ${counts.updated} updated, ${counts.unchanged} unchanged, ${report.failed.length} failed`,
  );
}
