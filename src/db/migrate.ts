import { type Kysely, type Migration, type MigrationProvider, Migrator } from 'kysely';
import * as articles from './migrations/0001-articles.ts';
import * as searchIndex from './migrations/0002-search-index.ts';
import * as pageCache from './migrations/0003-page-cache.ts';

/**
 * Every migration, in order. Landed migrations are never edited: add a new file instead.
 * Capabilities are built in parallel, so a migration may land after one with a higher number; unordered
 * migrations are allowed so a database that already ran the higher one still gets the lower one.
 */
const migrations: Record<string, Migration> = {
  '0001-articles': articles,
  '0002-search-index': searchIndex,
  '0003-page-cache': pageCache,
};

const provider: MigrationProvider = { getMigrations: async () => migrations };

/** Brings the schema up to date; safe to run from several processes at once (Kysely takes a lock). */
export async function migrateToLatest(db: Kysely<any>): Promise<string[]> {
  const migrator = new Migrator({ db, provider, allowUnorderedMigrations: true });
  const { error, results } = await migrator.migrateToLatest();
  if (error) throw error instanceof Error ? error : new Error(String(error));
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}
