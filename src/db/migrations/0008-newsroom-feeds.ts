import type { Kysely } from 'kysely';

// Feeds of other sources the site subscribes to, polled by the worker; each maps to one of our sections and
// either sends its new items to review (draft) or publishes them.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('feed_sources')
    .ifNotExists()
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('url', 'text', (c) => c.notNull().unique())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('section_id', 'text', (c) => c.references('sections.id').onDelete('set null'))
    // "review" (new items arrive as drafts) or "publish".
    .addColumn('mode', 'text', (c) => c.notNull())
    .addColumn('interval_minutes', 'integer', (c) => c.notNull())
    .addColumn('last_polled_at', 'text')
    .addColumn('last_error', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
}
