import type { Insertable, Kysely, Selectable, Transaction, Updateable } from 'kysely';
import type { Database, NewslettersTable, SubscribersTable, SubscriptionsTable, SubscriptionStatus } from '../db/schema.ts';

type Executor = Kysely<Database> | Transaction<Database>;

export type NewsletterRow = Selectable<NewslettersTable>;
export type SubscriberRow = Selectable<SubscribersTable>;
export type SubscriptionRow = Selectable<SubscriptionsTable>;

/** All SQL for newsletters, subscribers, subscriptions and the suppression list. */
export function newsletterRepository(db: Executor) {
  return {
    listNewsletters: (status?: 'active' | 'archived') => {
      let query = db.selectFrom('newsletters').selectAll();
      if (status) query = query.where('status', '=', status);
      return query.orderBy('position').orderBy('name').execute();
    },

    findNewsletter: (id: string) => db.selectFrom('newsletters').selectAll().where('id', '=', id).executeTakeFirst(),

    findNewsletterBySlug: (slug: string) => db.selectFrom('newsletters').selectAll().where('slug', '=', slug).executeTakeFirst(),

    /** Adds the newsletter unless one with its slug exists. */
    insertNewsletterIfMissing: (row: Insertable<NewslettersTable>) =>
      db.insertInto('newsletters').values(row).onConflict((oc) => oc.column('slug').doNothing()).execute(),

    insertNewsletter: (row: Insertable<NewslettersTable>) => db.insertInto('newsletters').values(row).execute(),

    updateNewsletter: (id: string, changes: Updateable<NewslettersTable>) => db.updateTable('newsletters').set(changes).where('id', '=', id).execute(),

    /** Makes this newsletter the default one, and no other. */
    async makeDefault(id: string): Promise<void> {
      await db.updateTable('newsletters').set({ is_default: 0 }).where('is_default', '=', 1).where('id', '!=', id).execute();
      await db.updateTable('newsletters').set({ is_default: 1 }).where('id', '=', id).execute();
    },

    /** Marks the newsletter with this slug as the default when none is (a new site). */
    markDefaultIfNone: (slug: string) =>
      db
        .updateTable('newsletters')
        .set({ is_default: 1 })
        .where('slug', '=', slug)
        .where((eb) => eb.not(eb.exists(eb.selectFrom('newsletters as other').select('other.id').where('other.is_default', '=', 1))))
        .execute(),

    /** The default newsletter while it is active; otherwise the first active one. */
    findDefaultNewsletter: () =>
      db.selectFrom('newsletters').selectAll().where('status', '=', 'active').orderBy('is_default', 'desc').orderBy('position').orderBy('name').limit(1).executeTakeFirst(),

    findSubscriberByEmail: (email: string) => db.selectFrom('subscribers').selectAll().where('email', '=', email).executeTakeFirst(),

    findSubscriber: (id: string) => db.selectFrom('subscribers').selectAll().where('id', '=', id).executeTakeFirst(),

    findSubscriberByUser: (userId: string) => db.selectFrom('subscribers').selectAll().where('user_id', '=', userId).executeTakeFirst(),

    /** Adds a subscriber for the address unless it exists; returns the row either way. */
    async upsertSubscriber(row: Insertable<SubscribersTable>): Promise<SubscriberRow> {
      await db.insertInto('subscribers').values(row).onConflict((oc) => oc.column('email').doNothing()).execute();
      return db.selectFrom('subscribers').selectAll().where('email', '=', row.email).executeTakeFirstOrThrow();
    },

    linkSubscriberToUser: (subscriberId: string, userId: string, now: string) =>
      db.updateTable('subscribers').set({ user_id: userId, updated_at: now }).where('id', '=', subscriberId).execute(),

    setSubscriberTimeZone: (id: string, timeZone: string | null, now: string) =>
      db.updateTable('subscribers').set({ time_zone: timeZone, updated_at: now }).where('id', '=', id).execute(),

    deleteSubscriber: (id: string) => db.deleteFrom('subscribers').where('id', '=', id).execute(),

    findSubscription: (subscriberId: string, newsletterId: string) =>
      db
        .selectFrom('subscriptions')
        .selectAll()
        .where('subscriber_id', '=', subscriberId)
        .where('newsletter_id', '=', newsletterId)
        .executeTakeFirst(),

    /** Creates the subscription or replaces its state (a reader coming back after unsubscribing). */
    async putSubscription(row: Insertable<SubscriptionsTable>): Promise<void> {
      await db
        .insertInto('subscriptions')
        .values(row)
        .onConflict((oc) =>
          oc.columns(['subscriber_id', 'newsletter_id']).doUpdateSet({
            status: row.status,
            source: row.source,
            consented_at: row.consented_at ?? null,
            confirmed_at: row.confirmed_at ?? null,
            unsubscribed_at: null,
            unsubscribe_source: null,
            confirm_token_hash: row.confirm_token_hash ?? null,
            confirm_expires_at: row.confirm_expires_at ?? null,
            updated_at: row.updated_at,
          }),
        )
        .execute();
    },

    /** Confirms the subscription holding this unused, unexpired token hash; clears it so it works once. */
    async confirmByHash(hash: string, now: string): Promise<SubscriptionRow | undefined> {
      return db
        .updateTable('subscriptions')
        .set({ status: 'confirmed', confirmed_at: now, confirm_token_hash: null, confirm_expires_at: null, updated_at: now })
        .where('confirm_token_hash', '=', hash)
        .where('confirm_expires_at', '>', now)
        .returningAll()
        .executeTakeFirst();
    },

    /** Marks the subscription unsubscribed; true when it changed (false when already so, or absent). */
    async unsubscribe(subscriberId: string, newsletterId: string, source: string, now: string): Promise<boolean> {
      const result = await db
        .updateTable('subscriptions')
        .set({ status: 'unsubscribed', unsubscribed_at: now, unsubscribe_source: source, confirm_token_hash: null, confirm_expires_at: null, updated_at: now })
        .where('subscriber_id', '=', subscriberId)
        .where('newsletter_id', '=', newsletterId)
        .where('status', '!=', 'unsubscribed')
        .executeTakeFirst();
      return Number(result.numUpdatedRows) > 0;
    },

    subscriptionsOf: (subscriberId: string) =>
      db
        .selectFrom('subscriptions')
        .innerJoin('newsletters', 'newsletters.id', 'subscriptions.newsletter_id')
        .select(['newsletters.id as newsletter_id', 'newsletters.slug', 'newsletters.name', 'subscriptions.status'])
        .where('subscriptions.subscriber_id', '=', subscriberId)
        .execute(),

    async hasSubscriptionWithStatus(subscriberId: string, statuses: SubscriptionStatus[]): Promise<boolean> {
      const row = await db
        .selectFrom('subscriptions')
        .select('newsletter_id')
        .where('subscriber_id', '=', subscriberId)
        .where('status', 'in', statuses)
        .limit(1)
        .executeTakeFirst();
      return row !== undefined;
    },

    async countByStatus(newsletterId: string): Promise<Record<SubscriptionStatus, number>> {
      const rows = await db
        .selectFrom('subscriptions')
        .select(['status', (eb) => eb.fn.countAll<string | number>().as('n')])
        .where('newsletter_id', '=', newsletterId)
        .groupBy('status')
        .execute();
      const counts = { unconfirmed: 0, confirmed: 0, unsubscribed: 0 };
      for (const row of rows) counts[row.status] = Number(row.n);
      return counts;
    },

    /**
     * Subscribes many addresses at once, confirmed (a list brought from another service, with its consent), in
     * chunks of multi-row inserts; existing subscribers are reused and existing subscriptions left as they are.
     */
    async bulkSubscribeConfirmed(emails: string[], newsletterId: string, source: string, now: string, newId: () => string): Promise<void> {
      const CHUNK = 500;
      for (let start = 0; start < emails.length; start += CHUNK) {
        const chunk = emails.slice(start, start + CHUNK);
        await db
          .insertInto('subscribers')
          .values(chunk.map((email) => ({ id: newId(), email, user_id: null, time_zone: null, created_at: now, updated_at: now })))
          .onConflict((oc) => oc.column('email').doNothing())
          .execute();
        const subscribers = await db.selectFrom('subscribers').select('id').where('email', 'in', chunk).execute();
        await db
          .insertInto('subscriptions')
          .values(
            subscribers.map((subscriber) => ({
              subscriber_id: subscriber.id,
              newsletter_id: newsletterId,
              status: 'confirmed' as const,
              source,
              consented_at: now,
              confirmed_at: now,
              created_at: now,
              updated_at: now,
            })),
          )
          .onConflict((oc) => oc.columns(['subscriber_id', 'newsletter_id']).doNothing())
          .execute();
      }
    },

    /** The time zones of a newsletter's confirmed subscribers (null: readers who gave none). */
    async subscriberZones(newsletterId: string): Promise<(string | null)[]> {
      const rows = await db
        .selectFrom('subscriptions')
        .innerJoin('subscribers', 'subscribers.id', 'subscriptions.subscriber_id')
        .select('subscribers.time_zone')
        .distinct()
        .where('subscriptions.newsletter_id', '=', newsletterId)
        .where('subscriptions.status', '=', 'confirmed')
        .execute();
      return rows.map((row) => row.time_zone);
    },

    async isSuppressed(email: string): Promise<boolean> {
      const row = await db.selectFrom('email_suppressions').select('email').where('email', '=', email).executeTakeFirst();
      return row !== undefined;
    },
  };
}
