import { type Kysely, sql } from 'kysely';
import { engineOf } from './engine.ts';

/**
 * WAL pages SQLite lets accumulate before it copies them into the database file, during a bulk write. Each copy
 * (a checkpoint) writes every page changed since the last one; an import changes the same pages over and over
 * (full-text segments being merged, index pages, the FTS5 structure record), so fewer, larger checkpoints copy far
 * less: SQLite's CPU per article 0.31-0.35 -> 0.24-0.26 ms importing 20,000 articles into 130,000.
 */
const BULK_WAL_PAGES = 10_000;

/** SQLite's own default, which every other write keeps: short checkpoints, a small WAL file. */
const DEFAULT_WAL_PAGES = 1_000;

/**
 * Runs a bulk write (many articles saved in a row) with SQLite checkpointing less often; on PostgreSQL it just runs.
 * The WAL it leaves is copied by the next commit on this connection or when the last connection closes. Restoring
 * SQLite's default rather than the value found keeps two overlapping bulk writes from leaving the bulk setting on.
 */
export async function withBulkWriteSettings<T>(db: Kysely<any>, write: () => Promise<T>): Promise<T> {
  if (engineOf(db) !== 'sqlite') return write();
  await sql.raw(`pragma wal_autocheckpoint = ${BULK_WAL_PAGES}`).execute(db);
  try {
    return await write();
  } finally {
    await sql.raw(`pragma wal_autocheckpoint = ${DEFAULT_WAL_PAGES}`).execute(db);
  }
}
