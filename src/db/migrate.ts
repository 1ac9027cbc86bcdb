import { type Kysely, type Migration, type MigrationProvider, Migrator, sql } from 'kysely';
import { engineOf } from './engine.ts';
import * as articles from './migrations/0001-articles.ts';
import * as searchIndex from './migrations/0002-search-index.ts';
import * as pageCache from './migrations/0003-page-cache.ts';
import * as newsletters from './migrations/0005-newsletters.ts';
import * as understanding from './migrations/0007-understanding.ts';
import * as readerActivity from './migrations/0006-reader-activity.ts';
import * as searchIndexContentless from './migrations/0009-search-index-contentless.ts';
import * as searchIndexAsciiTokens from './migrations/0010-search-index-ascii-tokens.ts';
import * as newsroom from './migrations/0008-newsroom.ts';
import * as newsroomImports from './migrations/0008-newsroom-imports.ts';
import * as newsroomFeeds from './migrations/0008-newsroom-feeds.ts';
import * as accounts from './migrations/0004-accounts.ts';
import * as feedIndexes from './migrations/0010-feed-indexes.ts';
import * as newslettersDefault from './migrations/0010-newsletters-default.ts';
import * as searchPlacements from './migrations/0011-search-placements.ts';
import * as postgresSearchPlacement from './migrations/0012-postgres-search-placement.ts';
import * as searchSectionNumbers from './migrations/0013-search-section-numbers.ts';
import * as storyCentroids from './migrations/0014-story-centroids.ts';
import * as searchHeadlines from './migrations/0015-search-headlines.ts';
import * as searchHeadlineKeys from './migrations/0016-search-headline-keys.ts';
import * as searchSectionBlocks from './migrations/0017-search-section-blocks.ts';
import * as searchSectionGeneration from './migrations/0018-search-section-generation.ts';
import * as articleEntityTimes from './migrations/0019-article-entity-times.ts';

/**
 * Every migration, in order. Landed migrations are never edited: add a new file instead.
 * Capabilities are built in parallel, so a migration may land after one with a higher number; unordered
 * migrations are allowed so a database that already ran the higher one still gets the lower one.
 * A migration runs inside the batch's transaction on both engines: it must not open one of its own.
 */
const migrations: Record<string, Migration> = {
  '0001-articles': articles,
  '0002-search-index': searchIndex,
  '0003-page-cache': pageCache,
  '0005-newsletters': newsletters,
  '0007-understanding': understanding,
  '0006-reader-activity': readerActivity,
  '0009-search-index-contentless': searchIndexContentless,
  '0010-search-index-ascii-tokens': searchIndexAsciiTokens,
  '0008-newsroom': newsroom,
  '0008-newsroom-imports': newsroomImports,
  '0008-newsroom-feeds': newsroomFeeds,
  '0004-accounts': accounts,
  '0010-feed-indexes': feedIndexes,
  '0010-newsletters-default': newslettersDefault,
  '0011-search-placements': searchPlacements,
  '0012-postgres-search-placement': postgresSearchPlacement,
  '0013-search-section-numbers': searchSectionNumbers,
  '0014-story-centroids': storyCentroids,
  '0015-search-headlines': searchHeadlines,
  '0016-search-headline-keys': searchHeadlineKeys,
  '0017-search-section-blocks': searchSectionBlocks,
  '0018-search-section-generation': searchSectionGeneration,
  '0019-article-entity-times': articleEntityTimes,
};

const provider: MigrationProvider = { getMigrations: async () => migrations };

/** How long a process waits for another one that is migrating the same SQLite file before giving up. */
const SQLITE_LOCK_WAIT_MS = 10 * 60_000;

/**
 * Brings the schema up to date. Safe to run from several processes at once: on PostgreSQL Kysely holds an
 * advisory lock for the batch; on SQLite the whole batch runs in one `BEGIN IMMEDIATE` transaction, SQLite's
 * write lock, so a second process waits, then finds nothing left to do. Returns the migrations this call applied.
 */
export async function migrateToLatest(db: Kysely<any>): Promise<string[]> {
  const run = async (lockedDb: Kysely<any>) => {
    const { error, results } = await (await migratorFor(lockedDb)).migrateToLatest();
    if (error) throw error instanceof Error ? error : new Error(String(error));
    return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
  };
  if (engineOf(db) === 'postgres') return run(db);
  return db.connection().execute(async (connection) => {
    await beginImmediate(connection);
    try {
      const applied = await run(connection);
      await sql`commit`.execute(connection);
      return applied;
    } catch (error) {
      await sql`rollback`.execute(connection);
      throw error;
    }
  });
}

/**
 * Names of the migrations this code knows that the database has not run yet (all of them on an empty database).
 * Reads Kysely's migration table directly: Kysely's own lookup introspects every table of every schema, which is
 * slow for a probe and fails when another schema of the database is being dropped at that moment.
 */
export async function pendingMigrations(db: Kysely<any>): Promise<string[]> {
  const exists =
    engineOf(db) === 'postgres'
      ? (await sql<{ found: string | null }>`select to_regclass('kysely_migration')::text as found`.execute(db)).rows[0]?.found
      : (await sql<{ name: string }>`select name from sqlite_master where type = 'table' and name = 'kysely_migration'`.execute(db)).rows[0];
  const executed = exists ? new Set((await db.selectFrom('kysely_migration').select('name').execute()).map((row) => row.name as string)) : new Set();
  // In name order, the order Kysely applies them in.
  return Object.keys(migrations).filter((name) => !executed.has(name)).sort();
}

/**
 * On PostgreSQL the migration tables are looked up in the current schema: without it Kysely treats a
 * `kysely_migration` table in any other schema of the database as ours (several sites, or parallel test runs).
 */
async function migratorFor(db: Kysely<any>): Promise<Migrator> {
  let migrationTableSchema: string | undefined;
  if (engineOf(db) === 'postgres') {
    const { rows } = await sql<{ schema: string }>`select current_schema() as schema`.execute(db);
    migrationTableSchema = rows[0]?.schema;
  }
  return new Migrator({ db, provider, allowUnorderedMigrations: true, migrationTableSchema });
}

/**
 * Takes SQLite's write lock. busy_timeout already waits a few seconds; a migration of a large database can take
 * longer, so keep trying until SQLITE_LOCK_WAIT_MS has passed.
 */
async function beginImmediate(connection: Kysely<any>): Promise<void> {
  const deadline = Date.now() + SQLITE_LOCK_WAIT_MS;
  for (;;) {
    try {
      await sql`begin immediate`.execute(connection);
      return;
    } catch (error) {
      const busy = (error as { code?: string }).code === 'SQLITE_BUSY';
      if (!busy || Date.now() > deadline) throw error;
    }
  }
}
