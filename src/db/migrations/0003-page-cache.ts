import type { Kysely } from 'kysely';

// Rendered pages kept in the database, shared by every web process. A page is valid while its generation equals
// the site's current generation, which every published change bumps: no process can serve a stale page.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('page_cache')
    .ifNotExists()
    .addColumn('path', 'text', (c) => c.primaryKey())
    .addColumn('generation', 'integer', (c) => c.notNull())
    .addColumn('last_modified', 'text', (c) => c.notNull())
    .addColumn('html', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('site_generation')
    .ifNotExists()
    .addColumn('id', 'integer', (c) => c.primaryKey())
    .addColumn('generation', 'integer', (c) => c.notNull())
    .execute();
}
