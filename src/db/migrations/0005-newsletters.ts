import { type Kysely, sql } from 'kysely';

// Durable jobs (any capability's background work) and newsletters: lists, subscribers and their subscriptions,
// sends with one row per recipient, bounces and the suppression list. Ids are app-made text; timestamps are
// ISO-8601 UTC text, so leases and due times compare as strings on both engines.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('jobs')
    .ifNotExists()
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('payload', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) =>
      c.notNull().check(sql`status in ('pending', 'running', 'done', 'failed', 'cancelled')`),
    )
    .addColumn('run_at', 'text', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('max_attempts', 'integer', (c) => c.notNull())
    .addColumn('locked_by', 'text')
    .addColumn('locked_until', 'text')
    .addColumn('last_error', 'text')
    .addColumn('dedupe_key', 'text', (c) => c.unique())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('finished_at', 'text')
    .execute();
  await db.schema.createIndex('jobs_due').ifNotExists().on('jobs').columns(['status', 'run_at']).execute();
  await db.schema.createIndex('jobs_lease').ifNotExists().on('jobs').columns(['status', 'locked_until']).execute();

  await db.schema
    .createTable('newsletters')
    .ifNotExists()
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('slug', 'text', (c) => c.notNull().unique())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull())
    .addColumn('cadence', 'text', (c) => c.notNull().check(sql`cadence in ('manual', 'daily', 'weekly', 'on_publish')`))
    // Local time "HH:MM" and, for weekly, the day (0 = Sunday) at which a scheduled issue goes out.
    .addColumn('send_time', 'text')
    .addColumn('send_weekday', 'integer')
    // IANA zone of send_time; null means the site's zone. per_reader_time 1: each reader's own zone when known.
    .addColumn('time_zone', 'text')
    .addColumn('per_reader_time', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('content_rule', 'text', (c) =>
      c.notNull().check(sql`content_rule in ('curated', 'section_latest', 'breaking', 'personalized')`),
    )
    .addColumn('section_id', 'text', (c) => c.references('sections.id').onDelete('set null'))
    .addColumn('article_limit', 'integer', (c) => c.notNull().defaultTo(8))
    .addColumn('sender_name', 'text', (c) => c.notNull())
    .addColumn('sender_address', 'text', (c) => c.notNull())
    .addColumn('reply_to', 'text')
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('active', 'archived')`))
    .addColumn('position', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();

  // A subscriber is an email address; user_id links it to a reader account when there is one.
  await db.schema
    .createTable('subscribers')
    .ifNotExists()
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('email', 'text', (c) => c.notNull().unique())
    .addColumn('user_id', 'text', (c) => c.unique())
    .addColumn('time_zone', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('subscriptions')
    .ifNotExists()
    .addColumn('subscriber_id', 'text', (c) => c.notNull().references('subscribers.id').onDelete('cascade'))
    .addColumn('newsletter_id', 'text', (c) => c.notNull().references('newsletters.id').onDelete('cascade'))
    .addColumn('status', 'text', (c) =>
      c.notNull().check(sql`status in ('unconfirmed', 'confirmed', 'unsubscribed')`),
    )
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('consented_at', 'text')
    .addColumn('confirmed_at', 'text')
    .addColumn('unsubscribed_at', 'text')
    .addColumn('unsubscribe_source', 'text')
    // sha256 of the single-use confirmation token; cleared when used.
    .addColumn('confirm_token_hash', 'text', (c) => c.unique())
    .addColumn('confirm_expires_at', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('subscriptions_pk', ['subscriber_id', 'newsletter_id'])
    .execute();
  await db.schema
    .createIndex('subscriptions_audience')
    .ifNotExists()
    .on('subscriptions')
    .columns(['newsletter_id', 'status', 'subscriber_id'])
    .execute();

  await db.schema
    .createTable('newsletter_sends')
    .ifNotExists()
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('newsletter_id', 'text', (c) => c.notNull().references('newsletters.id').onDelete('cascade'))
    .addColumn('subject', 'text', (c) => c.notNull())
    .addColumn('preheader', 'text', (c) => c.notNull())
    .addColumn('article_ids', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) =>
      c
        .notNull()
        .check(sql`status in ('draft', 'scheduled', 'preparing', 'sending', 'sent', 'paused', 'failed', 'cancelled')`),
    )
    .addColumn('scheduled_at', 'text')
    // One send per occasion (a breaking article, a day's digest): a second request for it finds the first.
    .addColumn('dedupe_key', 'text', (c) => c.unique())
    // For a newsletter sent at each reader's local time: only readers in this zone (null: everyone).
    .addColumn('audience_time_zone', 'text')
    // Frozen when the audience is: every recipient and the web view get the same issue.
    .addColumn('html', 'text')
    .addColumn('text_body', 'text')
    .addColumn('recipients_total', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('sent_count', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('failed_count', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_by', 'text')
    .addColumn('error', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('started_at', 'text')
    .addColumn('finished_at', 'text')
    .execute();
  await db.schema
    .createIndex('newsletter_sends_newsletter')
    .ifNotExists()
    .on('newsletter_sends')
    .columns(['newsletter_id', 'created_at'])
    .execute();

  // One row per recipient of a send, written before any mail leaves; claimed in batches by workers.
  await db.schema
    .createTable('send_recipients')
    .ifNotExists()
    .addColumn('send_id', 'text', (c) => c.notNull().references('newsletter_sends.id').onDelete('cascade'))
    .addColumn('subscriber_id', 'text', (c) => c.notNull().references('subscribers.id').onDelete('cascade'))
    .addColumn('email', 'text', (c) => c.notNull())
    // A personalized issue's own articles (JSON ids), chosen when the audience is frozen; null: the send's.
    .addColumn('article_ids', 'text')
    .addColumn('status', 'text', (c) =>
      c.notNull().check(sql`status in ('pending', 'sending', 'sent', 'failed', 'skipped')`),
    )
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('next_attempt_at', 'text', (c) => c.notNull())
    .addColumn('locked_by', 'text')
    .addColumn('locked_until', 'text')
    .addColumn('message_id', 'text')
    .addColumn('response', 'text')
    .addColumn('error', 'text')
    .addColumn('sent_at', 'text')
    .addPrimaryKeyConstraint('send_recipients_pk', ['send_id', 'subscriber_id'])
    .execute();
  await db.schema
    .createIndex('send_recipients_claim')
    .ifNotExists()
    .on('send_recipients')
    .columns(['send_id', 'status', 'next_attempt_at'])
    .execute();
  await db.schema
    .createIndex('send_recipients_subscriber')
    .ifNotExists()
    .on('send_recipients')
    .columns(['subscriber_id', 'sent_at'])
    .execute();

  // Bounces and complaints as received; hard ones and complaints put the address on the suppression list.
  await db.schema
    .createTable('email_bounces')
    .ifNotExists()
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('email', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('hard', 'soft', 'complaint')`))
    .addColumn('status_code', 'text')
    .addColumn('diagnostic', 'text')
    .addColumn('send_id', 'text', (c) => c.references('newsletter_sends.id').onDelete('set null'))
    .addColumn('received_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('email_bounces_email').ifNotExists().on('email_bounces').columns(['email', 'received_at']).execute();

  await db.schema
    .createTable('email_suppressions')
    .ifNotExists()
    .addColumn('email', 'text', (c) => c.primaryKey())
    .addColumn('reason', 'text', (c) => c.notNull().check(sql`reason in ('hard_bounce', 'soft_bounces', 'complaint', 'manual')`))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
}
