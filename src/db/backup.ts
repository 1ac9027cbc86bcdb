import { execFile } from 'node:child_process';
import fs from 'node:fs';
import { promisify } from 'node:util';
import SQLite from 'better-sqlite3';
import type { DatabaseTarget } from '../config.ts';
import { invalidInput, SahifaError } from '../lib/errors.ts';

const run = promisify(execFile);

/**
 * A consistent copy of the live database in `file`. SQLite: the online backup API, page by page, while other
 * processes keep reading and writing (each step sees one committed state). PostgreSQL: `pg_dump --format=custom`,
 * which reads in one snapshot; it must be installed (the postgresql-client package) and match the server's major
 * version or be newer.
 */
export async function backupDatabase(target: DatabaseTarget, file: string): Promise<void> {
  if (target.engine === 'sqlite') {
    if (!fs.existsSync(target.file)) throw invalidInput(`no database at ${target.file}`);
    const source = new SQLite(target.file, { fileMustExist: true });
    try {
      source.pragma('busy_timeout = 5000');
      // After the first step, copy all that remains in one step: SQLite restarts a backup whenever another
      // connection writes between steps, so a small step size never finishes on a busy site.
      await source.backup(file, { progress: ({ totalPages }) => totalPages });
    } finally {
      source.close();
    }
    return;
  }
  await postgresTool('pg_dump', ['--format=custom', '--no-owner', '--no-privileges', ...schemaArguments(target), `--file=${file}`, `--dbname=${target.connectionString}`]);
}

/**
 * Replaces the database's content with a backup made by backupDatabase. Stop web processes and workers first:
 * a process that keeps running would go on with what it had cached in memory.
 * SQLite: the backup is checked (integrity, a Sahifa schema) before anything is overwritten.
 * PostgreSQL: `pg_restore --clean --if-exists` in one transaction, so a failed restore changes nothing.
 */
export async function restoreDatabase(target: DatabaseTarget, file: string): Promise<void> {
  if (!fs.existsSync(file)) throw invalidInput(`no backup at ${file}`);
  if (target.engine === 'sqlite') {
    let backup: SQLite.Database;
    try {
      backup = new SQLite(file, { readonly: true, fileMustExist: true });
      backup.pragma('schema_version');
    } catch {
      throw invalidInput(`${file} is not a SQLite database`);
    }
    try {
      const integrity = backup.pragma('integrity_check', { simple: true });
      if (integrity !== 'ok') throw invalidInput(`${file} is damaged (integrity check: ${integrity})`);
      const sahifa = backup.prepare(`select 1 from sqlite_master where type = 'table' and name = 'kysely_migration'`).get();
      if (!sahifa) throw invalidInput(`${file} is a SQLite database but not a Sahifa backup (it has no migration table)`);
      await backup.backup(target.file);
    } finally {
      backup.close();
    }
    return;
  }
  await postgresTool('pg_restore', ['--clean', '--if-exists', '--no-owner', '--no-privileges', '--single-transaction', ...schemaArguments(target), `--dbname=${target.connectionString}`, file]);
}

/** A test run's schema (production uses the default search path, i.e. everything). */
function schemaArguments(target: DatabaseTarget): string[] {
  return target.engine === 'postgres' && target.schema ? [`--schema=${target.schema}`] : [];
}

async function postgresTool(tool: 'pg_dump' | 'pg_restore', args: string[]): Promise<void> {
  try {
    await run(tool, args, { maxBuffer: 16 * 1024 * 1024 });
  } catch (error) {
    const { code, stderr } = error as { code?: string | number; stderr?: string };
    if (code === 'ENOENT') {
      throw new SahifaError('TOOL_MISSING', `${tool} is not installed: install the PostgreSQL client tools (e.g. apt-get install postgresql-client)`, 500);
    }
    throw new SahifaError('BACKUP_FAILED', `${tool} failed: ${(stderr ?? String(error)).trim()}`, 500, true);
  }
}
