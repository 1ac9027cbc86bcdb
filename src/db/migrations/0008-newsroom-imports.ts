import type { Kysely } from 'kysely';

// Import runs and their failures, kept so editors can see what `sahifa import` (or a re-run) could not import and
// try a failed item again from the newsroom.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('import_runs')
    .ifNotExists()
    .addColumn('id', 'text', (c) => c.primaryKey())
    // "cli" (sahifa import) or "retry" (an editor re-ran a failed item).
    .addColumn('origin', 'text', (c) => c.notNull())
    .addColumn('actor_name', 'text', (c) => c.notNull())
    .addColumn('started_at', 'text', (c) => c.notNull())
    .addColumn('finished_at', 'text', (c) => c.notNull())
    .addColumn('created', 'integer', (c) => c.notNull())
    .addColumn('updated', 'integer', (c) => c.notNull())
    .addColumn('unchanged', 'integer', (c) => c.notNull())
    .addColumn('failed', 'integer', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('import_runs_started').ifNotExists().on('import_runs').columns(['started_at']).execute();

  await db.schema
    .createTable('import_failures')
    .ifNotExists()
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('run_id', 'text', (c) => c.notNull().references('import_runs.id').onDelete('cascade'))
    // The file (or feed) as the importer named it: what a re-run reads again.
    .addColumn('location', 'text', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('resolved_at', 'text')
    .addColumn('retried_at', 'text')
    .execute();
  await db.schema.createIndex('import_failures_run').ifNotExists().on('import_failures').columns(['run_id']).execute();
}
