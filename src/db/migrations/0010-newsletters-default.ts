import type { Kysely } from 'kysely';

// The default newsletter: the one the public signup form offers first and the reader prompt subscribes to in one
// click. At most one is marked; ensureDefaultNewsletters marks «الموجز اليومي» when none is.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('newsletters').addColumn('is_default', 'integer', (c) => c.notNull().defaultTo(0)).execute();
}
