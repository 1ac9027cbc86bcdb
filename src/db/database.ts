import fs from 'node:fs';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, PostgresDialect, type PostgresPool, type PostgresPoolClient, SqliteDialect } from 'kysely';
import pg from 'pg';
import type { DatabaseTarget } from '../config.ts';
import { databaseUnavailable, storageFull } from '../lib/errors.ts';
import type { Database } from './schema.ts';

export type Engine = DatabaseTarget['engine'];

/** What the metrics read from a PostgreSQL pool (pg.Pool has these). */
export interface PoolUsage {
  readonly totalCount: number;
  readonly idleCount: number;
  readonly waitingCount: number;
  readonly options: { readonly max?: number };
}

export interface DatabaseHandle {
  readonly db: Kysely<Database>;
  readonly engine: Engine;
  /** The PostgreSQL connection pool; absent on SQLite, which has one connection. */
  readonly pool?: PoolUsage;
  close(): Promise<void>;
}

export interface OpenOptions {
  /** Told about a pooled PostgreSQL connection that broke while idle (the pool has already dropped it). */
  onIdleConnectionError?: (error: Error) => void;
}

/** Distinct SQL texts to keep prepared; queries are built from a fixed set of shapes, so this is never reached in practice. */
const STATEMENT_CACHE_SIZE = 1000;

/** How long a request waits for a PostgreSQL connection before it fails (with a 503) instead of hanging. */
const CONNECT_TIMEOUT_MS = 3_000;

/**
 * Kysely prepares every query anew, and preparing costs more than running a primary-key lookup. The app issues
 * a small fixed set of SQL texts, so each is prepared once per connection and reused. Writes go through
 * `run`, where a full disk surfaces; it is turned into a typed error naming the file.
 */
function withStatementCache(sqlite: SQLite.Database, file: string) {
  const statements = new Map<string, ReturnType<typeof wrapStatement>>();
  return {
    close: () => {
      sqlite.pragma('optimize');
      sqlite.close();
    },
    prepare(sql: string) {
      let statement = statements.get(sql);
      if (!statement) {
        if (statements.size >= STATEMENT_CACHE_SIZE) statements.clear();
        statement = wrapStatement(sqlite, sqlite.prepare(sql), file);
        statements.set(sql, statement);
      }
      return statement;
    },
  };
}

function wrapStatement(sqlite: SQLite.Database, statement: SQLite.Statement, file: string) {
  // SQLite rolls a transaction back by itself on some errors (SQLITE_FULL among them); the ROLLBACK that Kysely
  // then sends would fail with "no transaction is active" and hide the error that mattered.
  const isRollback = /^\s*rollback\s*$/i.test(statement.source);
  return {
    reader: statement.reader,
    all: (parameters: readonly unknown[]) => statement.all(parameters),
    iterate: (parameters: readonly unknown[]) => statement.iterate(parameters),
    run(parameters: readonly unknown[]) {
      if (isRollback && !sqlite.inTransaction) return { changes: 0, lastInsertRowid: 0 };
      try {
        return statement.run(parameters);
      } catch (error) {
        throw translateSqliteError(error, file);
      }
    },
  };
}

/** SQLITE_FULL (the disk, or max_page_count) becomes STORAGE_FULL; the transaction has been rolled back, the file is intact. */
function translateSqliteError(error: unknown, file: string): unknown {
  if ((error as { code?: string }).code !== 'SQLITE_FULL') return error;
  return storageFull(file);
}

/**
 * Opens the database the target names. SQLite runs in WAL mode so readers never wait for the writer.
 */
export function openDatabase(target: DatabaseTarget, options: OpenOptions = {}): DatabaseHandle {
  if (target.engine === 'sqlite') {
    fs.mkdirSync(path.dirname(target.file), { recursive: true });
    const sqlite = new SQLite(target.file);
    // First, so that switching a new file to WAL waits for another process opening it at the same moment.
    sqlite.pragma('busy_timeout = 5000');
    // Without table statistics the planner can pick a poor index (status, one value for every row, over the
    // primary key for "these ten ids"). Gather them where missing or stale, sampling so it stays fast on large
    // files; closing refreshes them after the process's own writes.
    sqlite.pragma('analysis_limit = 1000');
    sqlite.pragma('optimize = 0x10002');
    sqlite.pragma('journal_mode = WAL');
    sqlite.pragma('synchronous = NORMAL');
    sqlite.pragma('foreign_keys = ON');
    const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: withStatementCache(sqlite, target.file) }) });
    return { db, engine: 'sqlite', close: () => db.destroy() };
  }
  const pool = new pg.Pool({
    connectionString: target.connectionString,
    max: 10,
    connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
    // A schema per test run keeps parallel runs apart; production uses the default search_path.
    ...(target.schema ? { options: `-c search_path=${target.schema}` } : {}),
  });
  // Without a listener, an idle connection that the server closes (restart, pg_terminate_backend) would crash
  // the process. The pool has already discarded it; the next query opens a fresh one.
  pool.on('error', options.onIdleConnectionError ?? (() => {}));
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool: unavailableAsTypedError(pool) }) });
  return { db, engine: 'postgres', pool, close: () => db.destroy() };
}

/**
 * SQLSTATE classes meaning "the server is not there for you right now": 08 connection exception,
 * 57P01–57P03 admin/crash shutdown and "cannot connect now" (starting up), 53300 too many connections.
 */
function isUnavailableState(code: string | undefined): boolean {
  return !!code && (code.startsWith('08') || ['57P01', '57P02', '57P03', '53300'].includes(code));
}

/**
 * Hands Kysely the pool with its failures sorted: a refused or broken connection (a socket error, which pg reports
 * without a SQLSTATE, or one of the unavailable states) becomes DATABASE_UNAVAILABLE, which readers see as a 503
 * page; a statement the server rejected (pg's DatabaseError with any other SQLSTATE) passes through unchanged.
 */
function unavailableAsTypedError(pool: pg.Pool): PostgresPool {
  const translate = (error: unknown) =>
    error instanceof pg.DatabaseError && !isUnavailableState(error.code) ? error : databaseUnavailable(error);
  const guarded = new WeakSet<pg.PoolClient>();
  return {
    end: () => pool.end(),
    async connect(): Promise<PostgresPoolClient> {
      let client: pg.PoolClient;
      try {
        client = await pool.connect();
      } catch (error) {
        throw translate(error);
      }
      // A connection cut while checked out but between queries is reported as an 'error' event that nobody would
      // hear (an uncaught exception). The query that needs it fails by itself, and the pool drops it on release.
      if (!guarded.has(client)) {
        guarded.add(client);
        client.on('error', () => {});
      }
      const query = client.query.bind(client) as (...args: unknown[]) => unknown;
      return {
        release: (destroy?: boolean) => client.release(destroy),
        query: ((...args: unknown[]) => {
          const result = query(...args);
          // A cursor (streaming) is returned as is; promises get their failures sorted.
          return result instanceof Promise ? result.catch((error: unknown) => Promise.reject(translate(error))) : result;
        }) as PostgresPoolClient['query'],
      };
    },
  };
}
