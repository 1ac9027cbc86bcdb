import { randomUUID } from 'node:crypto';
import type { Insertable, Kysely } from 'kysely';
import type { Database, UsersTable } from '../src/db/schema.ts';

let counter = 0;

/** A valid users row (a verified reader with an Arabic name); override what a test cares about. */
export function buildReader(overrides: Partial<Insertable<UsersTable>> = {}): Insertable<UsersTable> & { id: string; email: string } {
  counter++;
  const now = new Date().toISOString();
  return {
    id: randomUUID(),
    email: `reader${counter}-${randomUUID().slice(0, 8)}@example.com`,
    email_verified_at: now,
    password_hash: null,
    display_name: `قارئ ${counter}`,
    role: 'reader',
    created_at: now,
    updated_at: now,
    ...overrides,
  } as Insertable<UsersTable> & { id: string; email: string };
}

/** Inserts `buildReader(overrides)` and returns it. */
export async function insertReader(db: Kysely<Database>, overrides: Partial<Insertable<UsersTable>> = {}) {
  const row = buildReader(overrides);
  await db.insertInto('users').values(row).execute();
  return row;
}
