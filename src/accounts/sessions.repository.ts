import type { Kysely, Transaction } from 'kysely';
import type { Database, Role } from '../db/schema.ts';

type Executor = Kysely<Database> | Transaction<Database>;

/** A session row joined with what the request needs of its user. */
export interface SessionWithUser {
  id: string;
  user_id: string;
  created_at: string;
  last_seen_at: string;
  expires_at: string;
  email: string;
  email_verified_at: string | null;
  display_name: string | null;
  role: Role;
  digits: 'arab' | 'latn';
  date_style: 'gregorian' | 'hijri' | 'both';
  language: 'ar' | 'en';
}

/** All SQL for sessions. */
export function sessionsRepository(db: Executor) {
  return {
    insert: (row: { id: string; userId: string; now: string; expiresAt: string; userAgent: string | null; ip: string | null }) =>
      db
        .insertInto('sessions')
        .values({
          id: row.id,
          user_id: row.userId,
          created_at: row.now,
          last_seen_at: row.now,
          expires_at: row.expiresAt,
          user_agent: row.userAgent,
          ip: row.ip,
        })
        .execute(),

    findWithUser: (id: string): Promise<SessionWithUser | undefined> =>
      db
        .selectFrom('sessions')
        .innerJoin('users', 'users.id', 'sessions.user_id')
        .select([
          'sessions.id',
          'sessions.user_id',
          'sessions.created_at',
          'sessions.last_seen_at',
          'sessions.expires_at',
          'users.email',
          'users.email_verified_at',
          'users.display_name',
          'users.role',
          'users.digits',
          'users.date_style',
          'users.language',
        ])
        .where('sessions.id', '=', id)
        .executeTakeFirst(),

    touch: (id: string, now: string) => db.updateTable('sessions').set({ last_seen_at: now }).where('id', '=', id).execute(),

    delete: (id: string) => db.deleteFrom('sessions').where('id', '=', id).execute(),

    /** Deletes one session only if it is this user's (a reader revoking from the sessions list). */
    deleteOwn: async (id: string, userId: string): Promise<boolean> => {
      const result = await db.deleteFrom('sessions').where('id', '=', id).where('user_id', '=', userId).executeTakeFirst();
      return Number(result.numDeletedRows) > 0;
    },

    deleteAllForUser: (userId: string, exceptId?: string) => {
      let query = db.deleteFrom('sessions').where('user_id', '=', userId);
      if (exceptId) query = query.where('id', '!=', exceptId);
      return query.execute();
    },

    listForUser: (userId: string) =>
      db
        .selectFrom('sessions')
        .select(['id', 'created_at', 'last_seen_at', 'expires_at', 'user_agent', 'ip'])
        .where('user_id', '=', userId)
        .orderBy('last_seen_at', 'desc')
        .execute(),

    /** Removes sessions past their absolute expiry or idle since before `idleCutoff`. */
    deleteExpired: (now: string, idleCutoff: string) =>
      db
        .deleteFrom('sessions')
        .where((eb) => eb.or([eb('expires_at', '<=', now), eb('last_seen_at', '<=', idleCutoff)]))
        .execute(),
  };
}
