import type { Insertable, Kysely, Transaction, Updateable } from 'kysely';
import type { AccountTokenPurpose, Database, Role, UserRow, UsersTable } from '../db/schema.ts';

type Executor = Kysely<Database> | Transaction<Database>;

/** All SQL for users and their one-time tokens. */
export function accountsRepository(db: Executor) {
  return {
    findUserById: (id: string): Promise<UserRow | undefined> => db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst(),

    /** `email` must already be normalized (see `normalizeEmail`). */
    findUserByEmail: (email: string): Promise<UserRow | undefined> =>
      db.selectFrom('users').selectAll().where('email', '=', email).executeTakeFirst(),

    insertUser: (row: Insertable<UsersTable>) => db.insertInto('users').values(row).execute(),

    updateUser: (id: string, changes: Updateable<UsersTable>) => db.updateTable('users').set(changes).where('id', '=', id).execute(),

    setRole: (id: string, role: Role, now: string) => db.updateTable('users').set({ role, updated_at: now }).where('id', '=', id).execute(),

    deleteUser: (id: string) => db.deleteFrom('users').where('id', '=', id).execute(),

    insertToken: (row: { id: string; userId: string; purpose: AccountTokenPurpose; createdAt: string; expiresAt: string }) =>
      db
        .insertInto('account_tokens')
        .values({ id: row.id, user_id: row.userId, purpose: row.purpose, created_at: row.createdAt, expires_at: row.expiresAt, used_at: null })
        .execute(),

    /**
     * Marks an unused, unexpired token of this purpose used and returns its user, in one statement, so two
     * requests racing with the same link cannot both succeed.
     */
    async consumeToken(id: string, purpose: AccountTokenPurpose, now: string): Promise<string | null> {
      const row = await db
        .updateTable('account_tokens')
        .set({ used_at: now })
        .where('id', '=', id)
        .where('purpose', '=', purpose)
        .where('used_at', 'is', null)
        .where('expires_at', '>', now)
        .returning('user_id')
        .executeTakeFirst();
      return row?.user_id ?? null;
    },

    /** Spends every outstanding token of a purpose, e.g. all reset links once the password changed. */
    invalidateTokens: (userId: string, purpose: AccountTokenPurpose, now: string) =>
      db
        .updateTable('account_tokens')
        .set({ used_at: now })
        .where('user_id', '=', userId)
        .where('purpose', '=', purpose)
        .where('used_at', 'is', null)
        .execute(),

    deleteStaleTokens: (now: string) =>
      db.deleteFrom('account_tokens').where((eb) => eb.or([eb('expires_at', '<=', now), eb('used_at', 'is not', null)])).execute(),
  };
}

/** Random secrets shared by every process, made once by whichever process asks first. */
export function secretsRepository(db: Executor) {
  return {
    async getOrCreate(name: string, create: () => string): Promise<string> {
      await db
        .insertInto('app_secrets')
        .values({ name, value: create(), created_at: new Date().toISOString() })
        .onConflict((oc) => oc.column('name').doNothing())
        .execute();
      const row = await db.selectFrom('app_secrets').select('value').where('name', '=', name).executeTakeFirstOrThrow();
      return row.value;
    },
  };
}
