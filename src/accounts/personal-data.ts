import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../db/schema.ts';

/**
 * Reader data another capability keeps (saved articles, subscriptions, feed choices). Each capability lists its
 * own in app.ts; the account page's export includes every source, and deleting an account erases every source
 * in the same transaction that deletes the user.
 */
export interface PersonalDataSource {
  /** The key under which the export shows this data, e.g. `savedArticles`. */
  name: string;
  /** Everything of this reader's, as plain JSON. */
  export(db: Kysely<Database>, reader: { id: string; email: string }): Promise<unknown>;
  /**
   * Removes this reader's data. Rows that reference `users.id` with ON DELETE CASCADE go by themselves; this is
   * for the rest, above all rows keyed by email address, since a deleted account keeps no address behind.
   */
  erase?(trx: Transaction<Database>, reader: { id: string; email: string }): Promise<void>;
}
