import { type Insertable, type Kysely, type Selectable, type Transaction, sql } from 'kysely';
import { claimRows } from '../db/claim.ts';
import type { Database, EmailBouncesTable, NewsletterSendsTable, SendRecipientsTable, SendStatus } from '../db/schema.ts';

type Executor = Kysely<Database> | Transaction<Database>;

export type SendRow = Selectable<NewsletterSendsTable>;
export type RecipientRow = Selectable<SendRecipientsTable>;

/** One message the server accepted (answered 250), to be recorded as sent. */
export interface SentMessage {
  subscriberId: string;
  messageId: string;
  response: string | null;
  sentAt: string;
}

export interface RecipientCounts {
  pending: number;
  sending: number;
  sent: number;
  failed: number;
  skipped: number;
}

/** All SQL for sends, their recipients, bounces and suppressions. */
export function sendRepository(db: Executor) {
  return {
    /** Adds the send unless one holds its dedupe key; returns whichever row holds it. */
    async insertSend(row: Insertable<NewsletterSendsTable>): Promise<{ send: SendRow; created: boolean }> {
      const inserted = await db
        .insertInto('newsletter_sends')
        .values(row)
        .onConflict((oc) => oc.column('dedupe_key').doNothing())
        .returningAll()
        .executeTakeFirst();
      if (inserted) return { send: inserted, created: true };
      const existing = await db.selectFrom('newsletter_sends').selectAll().where('dedupe_key', '=', row.dedupe_key!).executeTakeFirstOrThrow();
      return { send: existing, created: false };
    },

    findSend: (id: string) => db.selectFrom('newsletter_sends').selectAll().where('id', '=', id).executeTakeFirst(),

    async sendStatus(id: string): Promise<SendStatus | undefined> {
      return (await db.selectFrom('newsletter_sends').select('status').where('id', '=', id).executeTakeFirst())?.status;
    },

    listSends: (newsletterId: string, limit: number) =>
      db
        .selectFrom('newsletter_sends')
        .select(['id', 'newsletter_id', 'subject', 'status', 'scheduled_at', 'recipients_total', 'sent_count', 'failed_count', 'created_at', 'started_at', 'finished_at', 'error'])
        .where('newsletter_id', '=', newsletterId)
        .orderBy('created_at', 'desc')
        .limit(limit)
        .execute(),

    /** Moves a send from one of `from` to `to`; false when it was in another state (someone else moved it). */
    async transition(id: string, from: SendStatus[], to: SendStatus, changes: Partial<Insertable<NewsletterSendsTable>> & { updated_at: string }): Promise<boolean> {
      const result = await db
        .updateTable('newsletter_sends')
        .set({ ...changes, status: to })
        .where('id', '=', id)
        .where('status', 'in', from)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    },

    /**
     * Freezes the audience: one pending row per confirmed subscriber of the newsletter whose address is not
     * suppressed (in the zone, when given; not sent to since `notSentToSince` by this newsletter, when given).
     * Runs again safely: rows already there stay as they are.
     */
    async materializeRecipients(options: {
      sendId: string;
      newsletterId: string;
      now: string;
      timeZone: { zone: string; includeUnset: boolean } | null;
      notSentToSince: string | null;
    }): Promise<number> {
      const zone = options.timeZone
        ? options.timeZone.includeUnset
          ? sql`and (s.time_zone = ${options.timeZone.zone} or s.time_zone is null)`
          : sql`and s.time_zone = ${options.timeZone.zone}`
        : sql``;
      const recent = options.notSentToSince
        ? sql`and not exists (select 1 from send_recipients r join newsletter_sends ns on ns.id = r.send_id
            where r.subscriber_id = s.id and ns.newsletter_id = ${options.newsletterId} and r.sent_at >= ${options.notSentToSince})`
        : sql``;
      await sql`insert into send_recipients (send_id, subscriber_id, email, status, attempts, next_attempt_at)
        select ${options.sendId}, s.id, s.email, 'pending', 0, ${options.now}
        from subscriptions sub join subscribers s on s.id = sub.subscriber_id
        where sub.newsletter_id = ${options.newsletterId} and sub.status = 'confirmed'
          and not exists (select 1 from email_suppressions x where x.email = s.email)
          ${zone} ${recent}
        on conflict (send_id, subscriber_id) do nothing`.execute(db);
      const row = await db
        .selectFrom('send_recipients')
        .select((eb) => eb.fn.countAll<string | number>().as('n'))
        .where('send_id', '=', options.sendId)
        .executeTakeFirstOrThrow();
      return Number(row.n);
    },

    /**
     * Claims up to `limit` recipients of a send whose (re)try time has come. Rows of a worker whose lease expired
     * (it died mid-batch) are first put back as pending, so they are claimed again — and sent again, see
     * CONTEXT.md. Both statements walk the (send_id, status, next_attempt_at) index in order: no sort of the
     * remaining recipients, however many there are.
     */
    async claimRecipients(options: { sendId: string; workerId: string; now: string; leaseUntil: string; limit: number }): Promise<RecipientRow[]> {
      await db
        .updateTable('send_recipients')
        .set({ status: 'pending', locked_by: null, locked_until: null })
        .where('send_id', '=', options.sendId)
        .where('status', '=', 'sending')
        .where('locked_until', '<', options.now)
        .execute();
      return claimRows<RecipientRow>(db, {
        table: 'send_recipients',
        key: 'subscriber_id',
        scope: sql`send_id = ${options.sendId}`,
        claimable: sql`status = 'pending' and next_attempt_at <= ${options.now}`,
        orderBy: sql`next_attempt_at`,
        limit: options.limit,
        set: sql`status = 'sending', locked_by = ${options.workerId}, locked_until = ${options.leaseUntil}`,
      });
    },

    /**
     * Extends the lease on the rows this worker is sending whose lease has not lapsed at `now` (a lapsed one may
     * already be another worker's); returns the subscriber ids of the rows it still holds.
     */
    async renewRecipientLeases(sendId: string, workerId: string, leaseUntil: string, now: string): Promise<string[]> {
      const rows = await db
        .updateTable('send_recipients')
        .set({ locked_until: leaseUntil })
        .where('send_id', '=', sendId)
        .where('status', '=', 'sending')
        .where('locked_by', '=', workerId)
        .where('locked_until', '>', now)
        .returning('subscriber_id')
        .execute();
      return rows.map((row) => row.subscriber_id);
    },

    /**
     * Records a message that was not sent (to retry, failed, skipped), only while this worker holds the row.
     * Accepted messages are recorded with `recordSent`.
     */
    async recordRecipient(
      sendId: string,
      subscriberId: string,
      workerId: string,
      outcome:
        | { status: 'pending'; nextAttemptAt: string; error: string; /** false: the server never answered about this address */ countsAsAttempt?: boolean }
        | { status: 'failed' | 'skipped'; error: string },
    ): Promise<boolean> {
      const changes =
        outcome.status === 'pending'
          ? { status: 'pending' as const, next_attempt_at: outcome.nextAttemptAt, error: outcome.error, locked_by: null, locked_until: null }
          : { status: outcome.status, error: outcome.error, locked_until: null };
      const result = await db
        .updateTable('send_recipients')
        .set((eb) => ({ ...changes, attempts: outcome.status === 'skipped' || (outcome.status === 'pending' && outcome.countsAsAttempt === false) ? eb.ref('attempts') : eb('attempts', '+', 1) }))
        .where('send_id', '=', sendId)
        .where('subscriber_id', '=', subscriberId)
        .where('status', '=', 'sending')
        .where('locked_by', '=', workerId)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    },

    /**
     * Records several accepted messages in one statement (the rows this worker still holds); returns how many
     * rows it changed. `locked_by` stays as the worker that sent it.
     */
    async recordSent(sendId: string, workerId: string, messages: readonly SentMessage[]): Promise<number> {
      if (!messages.length) return 0;
      // A VALUES list names its columns column1…column4 on both engines.
      const values = sql.join(messages.map((m) => sql`(${m.subscriberId}, ${m.messageId}, ${m.response}, ${m.sentAt})`));
      const result = await sql`update send_recipients
        set status = 'sent', message_id = v.column2, response = v.column3, sent_at = v.column4,
          locked_until = null, error = null, attempts = attempts + 1
        from (values ${values}) as v
        where send_recipients.send_id = ${sendId} and send_recipients.subscriber_id = v.column1
          and send_recipients.status = 'sending' and send_recipients.locked_by = ${workerId}`.execute(db);
      return Number(result.numAffectedRows ?? 0);
    },

    /** Freezes a personalized recipient's own articles, so a resend after a crash is the same issue. */
    setRecipientArticles: (sendId: string, subscriberId: string, workerId: string, articleIds: string) =>
      db
        .updateTable('send_recipients')
        .set({ article_ids: articleIds })
        .where('send_id', '=', sendId)
        .where('subscriber_id', '=', subscriberId)
        .where('locked_by', '=', workerId)
        .execute(),

    async recipientCounts(sendId: string): Promise<RecipientCounts> {
      const rows = await db
        .selectFrom('send_recipients')
        .select(['status', (eb) => eb.fn.countAll<string | number>().as('n')])
        .where('send_id', '=', sendId)
        .groupBy('status')
        .execute();
      const counts: RecipientCounts = { pending: 0, sending: 0, sent: 0, failed: 0, skipped: 0 };
      for (const row of rows) counts[row.status] = Number(row.n);
      return counts;
    },

    /**
     * What is left of a send that cannot be claimed now: the earliest retry time of a pending row, and the
     * earliest lease end of a row another worker is sending. Both null: every row is finished.
     */
    async unfinished(sendId: string): Promise<{ retryAt: string | null; leaseEndsAt: string | null }> {
      const rows = await db
        .selectFrom('send_recipients')
        .select(['status', (eb) => eb.fn.min('next_attempt_at').as('retry_at'), (eb) => eb.fn.min('locked_until').as('lease_ends_at')])
        .where('send_id', '=', sendId)
        .where('status', 'in', ['pending', 'sending'])
        .groupBy('status')
        .execute();
      return {
        retryAt: (rows.find((row) => row.status === 'pending')?.retry_at as string | undefined) ?? null,
        leaseEndsAt: (rows.find((row) => row.status === 'sending')?.lease_ends_at as string | undefined) ?? null,
      };
    },

    /**
     * Of these recipients, those who must no longer get this newsletter: no confirmed subscription any more
     * (unsubscribed, or the account and its subscriptions deleted since the audience was frozen), or suppressed.
     */
    async noLongerReachable(newsletterId: string, recipients: { subscriberId: string; email: string }[]): Promise<Set<string>> {
      if (!recipients.length) return new Set();
      const confirmed = await db
        .selectFrom('subscriptions')
        .select('subscriber_id')
        .where('newsletter_id', '=', newsletterId)
        .where('subscriber_id', 'in', recipients.map((r) => r.subscriberId))
        .where('status', '=', 'confirmed')
        .execute();
      const suppressed = await db
        .selectFrom('email_suppressions')
        .select('email')
        .where('email', 'in', recipients.map((r) => r.email))
        .execute();
      const reachable = new Set(confirmed.map((row) => row.subscriber_id));
      const suppressedEmails = new Set(suppressed.map((row) => row.email));
      return new Set(recipients.filter((r) => !reachable.has(r.subscriberId) || suppressedEmails.has(r.email)).map((r) => r.subscriberId));
    },

    insertBounce: (row: Insertable<EmailBouncesTable>) => db.insertInto('email_bounces').values(row).execute(),

    async softBouncesSince(email: string, since: string): Promise<number> {
      const row = await db
        .selectFrom('email_bounces')
        .select((eb) => eb.fn.countAll<string | number>().as('n'))
        .where('email', '=', email)
        .where('kind', '=', 'soft')
        .where('received_at', '>=', since)
        .executeTakeFirstOrThrow();
      return Number(row.n);
    },

    suppress: (email: string, reason: 'hard_bounce' | 'soft_bounces' | 'complaint' | 'manual', now: string) =>
      db.insertInto('email_suppressions').values({ email, reason, created_at: now }).onConflict((oc) => oc.column('email').doNothing()).execute(),
  };
}
