import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe } from 'vitest';
import type { DatabaseTarget } from '../src/config.ts';
import { type DatabaseHandle, openDatabase } from '../src/db/database.ts';
import { migrateToLatest } from '../src/db/migrate.ts';

export interface TestDatabase {
  /** The open, migrated database of the current engine; set before the tests of the block run. */
  handle: DatabaseHandle;
  target: DatabaseTarget;
}

export const engines = ['sqlite', ...(process.env.TEST_DATABASE_URL ? ['postgres'] : [])] as const;

/**
 * Runs a block of data tests once per engine: always on a fresh SQLite file, and on a fresh PostgreSQL schema
 * when TEST_DATABASE_URL is set. Each block gets its own database, dropped afterwards.
 */
export function describeEachEngine(name: string, body: (database: TestDatabase) => void): void {
  for (const engine of engines) {
    describe(`${name} [${engine}]`, () => {
      const database = {} as TestDatabase;
      let cleanup: () => Promise<void> = async () => {};
      beforeAll(async () => {
        const fresh = engine === 'sqlite' ? freshSqlite() : await freshPostgresSchema(process.env.TEST_DATABASE_URL!);
        database.target = fresh.target;
        database.handle = openDatabase(fresh.target);
        await migrateToLatest(database.handle.db);
        cleanup = async () => {
          await database.handle.close();
          await fresh.drop();
        };
      });
      afterAll(() => cleanup());
      body(database);
    });
  }
}

/** A new, empty SQLite file in a temporary directory, and how to drop it. */
export function freshSqlite() {
  const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'sahifa-test-'));
  return {
    target: { engine: 'sqlite', file: path.join(directory, 'test.db') } as DatabaseTarget,
    drop: async () => fs.rmSync(directory, { recursive: true, force: true }),
  };
}

/** A new, empty PostgreSQL schema, and how to drop it. */
export async function freshPostgresSchema(connectionString: string) {
  const schema = `test_${randomBytes(6).toString('hex')}`;
  const client = new pg.Client({ connectionString });
  // Under CI an unreachable PostgreSQL must fail the run, never skip it: connect() throws and the block fails.
  await client.connect();
  await client.query(`create schema ${schema}`);
  await client.end();
  return {
    target: { engine: 'postgres', connectionString, schema } as DatabaseTarget,
    drop: async () => {
      const admin = new pg.Client({ connectionString });
      await admin.connect();
      await admin.query(`drop schema ${schema} cascade`);
      await admin.end();
    },
  };
}

/** An empty database of the engine (not migrated), and how to drop it. */
export function freshDatabase(engine: (typeof engines)[number]) {
  return engine === 'sqlite' ? Promise.resolve(freshSqlite()) : freshPostgresSchema(process.env.TEST_DATABASE_URL!);
}

/** The DATABASE_URL a `sahifa` child process needs to open the target (a test schema goes in `options`). */
export function databaseUrlOf(target: DatabaseTarget): string {
  if (target.engine === 'sqlite') return `sqlite:${target.file}`;
  if (!target.schema) return target.connectionString;
  const url = new URL(target.connectionString);
  url.searchParams.set('options', `-c search_path=${target.schema}`);
  return url.toString();
}
