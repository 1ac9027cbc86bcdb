import fs from 'node:fs';
import readline from 'node:readline';
import { once } from 'node:events';
import type { Kysely } from 'kysely';
import { engineOf } from '../db/engine.ts';
import { pendingMigrations } from '../db/migrate.ts';
import type { Database } from '../db/schema.ts';
import { listTables, type TableInfo } from '../db/site-tables.ts';
import { invalidInput } from '../lib/errors.ts';
import { reindexAll } from '../search/search.service.ts';

export const SITE_FORMAT = 'sahifa-site';
export const SITE_FORMAT_VERSION = 1;

/**
 * Tables a site export leaves out. Derived data is rebuilt on import (search index, page cache, generation);
 * migration bookkeeping belongs to the target; sessions, one-time tokens, rate-limit counters and the app's
 * signing secrets are tied to the old installation and would be a liability in a file.
 */
export const NOT_EXPORTED = new Set([
  'kysely_migration',
  'kysely_migration_lock',
  'page_cache',
  'site_generation',
  'article_search',
  'article_search_rows',
  'article_search_placements',
  'article_search_sections',
  'sessions',
  'account_tokens',
  'rate_limits',
  'app_secrets',
]);

/** Columns holding password hashes: exported as null unless asked for. */
const PASSWORD_COLUMNS = new Set(['password_hash']);

/** Rows read or written per statement. */
const BATCH_ROWS = 500;

export interface ExportOptions {
  includePasswordHashes?: boolean;
}

export interface SiteCounts {
  [table: string]: number;
}

interface Header {
  format: string;
  version: number;
  exportedAt: string;
  engine: string;
  passwordHashes: boolean;
}

/**
 * Writes the whole site to `file` as JSON Lines (format in docs/site-export.md): a header, one line per row in
 * an order where referenced rows come first, and an end line with the row count of every table, so a cut-off
 * file is recognised. Read in one snapshot (a repeatable-read transaction), so it is consistent while the site
 * is being used.
 */
export async function exportSite(db: Kysely<Database>, file: string, options: ExportOptions = {}): Promise<SiteCounts> {
  const out = fs.createWriteStream(file, { encoding: 'utf8' });
  const write = async (value: unknown) => {
    if (!out.write(`${JSON.stringify(value)}\n`)) await once(out, 'drain');
  };
  const counts: SiteCounts = {};
  try {
    const snapshot = engineOf(db) === 'postgres' ? db.transaction().setIsolationLevel('repeatable read') : db.transaction();
    await snapshot.execute(async (trx) => {
      const header: Header = {
        format: SITE_FORMAT,
        version: SITE_FORMAT_VERSION,
        exportedAt: new Date().toISOString(),
        engine: engineOf(db),
        passwordHashes: !!options.includePasswordHashes,
      };
      await write(header);
      for (const table of (await listTables(trx)).filter((t) => !NOT_EXPORTED.has(t.name))) {
        counts[table.name] = 0;
        const order = table.primaryKey.length ? table.primaryKey : table.columns;
        for (let offset = 0; ; offset += BATCH_ROWS) {
          let query = trx.selectFrom(table.name as keyof Database).selectAll();
          for (const column of order) query = query.orderBy(column as any);
          const rows = (await query.limit(BATCH_ROWS).offset(offset).execute()) as Record<string, unknown>[];
          for (const row of rows) {
            if (!options.includePasswordHashes) for (const column of PASSWORD_COLUMNS) if (column in row) row[column] = null;
            await write({ table: table.name, row });
          }
          counts[table.name] = (counts[table.name] ?? 0) + rows.length;
          if (rows.length < BATCH_ROWS) break;
        }
      }
      await write({ end: true, counts });
    });
  } finally {
    out.end();
    await once(out, 'close');
  }
  return counts;
}

/**
 * Loads a site export into this database, which must be migrated and hold no rows in the exported tables.
 * Everything is written in one transaction: a bad line (named by its number) leaves the database as it was.
 * The search index is rebuilt afterwards.
 */
export async function importSite(db: Kysely<Database>, file: string): Promise<SiteCounts> {
  const pending = await pendingMigrations(db);
  if (pending.length) throw invalidInput(`the database is not migrated (pending: ${pending.join(', ')}); run "sahifa migrate" first`);
  const tables = new Map((await listTables(db)).map((t) => [t.name, t]));
  const counts: SiteCounts = {};
  let lineNumber = 0;
  const problem = (message: string) => invalidInput(`${file}, line ${lineNumber}: ${message}`);

  await db.transaction().execute(async (trx) => {
    // Consecutive rows of one table, inserted together.
    const batch: { table: TableInfo | null; rows: Record<string, unknown>[] } = { table: null, rows: [] };
    const flush = async () => {
      if (!batch.table || !batch.rows.length) return;
      await trx.insertInto(batch.table.name as keyof Database).values(batch.rows as any).execute();
      batch.rows = [];
    };
    let ended: SiteCounts | null = null;
    // Created right before reading: lines read with nobody iterating yet would be lost.
    const lines = readline.createInterface({ input: fs.createReadStream(file, { encoding: 'utf8' }), crlfDelay: Infinity });
    for await (const line of lines) {
      lineNumber++;
      if (!line.trim()) continue;
      if (ended) throw problem('data after the end line');
      let value: any;
      try {
        value = JSON.parse(line);
      } catch {
        throw problem('not valid JSON');
      }
      if (lineNumber === 1) {
        if (value?.format !== SITE_FORMAT) throw problem(`not a Sahifa site export (format is not "${SITE_FORMAT}")`);
        if (value.version !== SITE_FORMAT_VERSION) throw problem(`format version ${value.version} is not supported (this Sahifa reads version ${SITE_FORMAT_VERSION})`);
        continue;
      }
      if (value?.end === true) {
        await flush();
        ended = value.counts ?? {};
        continue;
      }
      const table = tables.get(value?.table);
      if (!table || NOT_EXPORTED.has(table.name)) throw problem(`unknown table "${value?.table}"`);
      if (typeof value.row !== 'object' || value.row === null || Array.isArray(value.row)) throw problem('"row" must be an object');
      const unknown = Object.keys(value.row).filter((column) => !table.columns.includes(column));
      if (unknown.length) throw problem(`table ${table.name} has no column ${unknown.join(', ')}`);
      if (counts[table.name] === undefined) {
        const existing = await trx.selectFrom(table.name as keyof Database).select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow();
        if (Number(existing.n) > 0) throw problem(`table ${table.name} already has rows: import into an empty, migrated database`);
        counts[table.name] = 0;
      }
      if (batch.table !== table || batch.rows.length >= BATCH_ROWS) {
        await flush();
        batch.table = table;
      }
      batch.rows.push(value.row);
      counts[table.name] = (counts[table.name] ?? 0) + 1;
    }
    if (lineNumber === 0) throw invalidInput(`${file} is empty`);
    if (!ended) throw invalidInput(`${file} ends before its end line: the export was cut off`);
    for (const [table, expected] of Object.entries(ended)) {
      if ((counts[table] ?? 0) !== expected) throw invalidInput(`${file}: table ${table} should have ${expected} rows, the file holds ${counts[table] ?? 0}`);
    }
  });
  await reindexAll(db);
  return counts;
}
