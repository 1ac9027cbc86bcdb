import { type Kysely, sql } from 'kysely';

// Reader accounts: users, server-side sessions, one-time tokens (verification, magic link, reset), the secrets
// every web process shares (CSRF), and rate-limit counters shared by every process. Ids are app-made text;
// timestamps are ISO-8601 UTC text, so expiries compare as strings on both engines.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('users')
    .ifNotExists()
    .addColumn('id', 'text', (c) => c.primaryKey())
    // Normalized: trimmed, NFC, lower case. Unique, so one address is one account.
    .addColumn('email', 'text', (c) => c.notNull().unique())
    .addColumn('email_verified_at', 'text')
    // Null for an account that only ever signed in by emailed link.
    .addColumn('password_hash', 'text')
    .addColumn('display_name', 'text')
    .addColumn('role', 'text', (c) => c.notNull().defaultTo('reader').check(sql`role in ('reader', 'editor', 'admin')`))
    .addColumn('digits', 'text', (c) => c.notNull().defaultTo('arab').check(sql`digits in ('arab', 'latn')`))
    .addColumn('date_style', 'text', (c) => c.notNull().defaultTo('both').check(sql`date_style in ('gregorian', 'hijri', 'both')`))
    .addColumn('language', 'text', (c) => c.notNull().defaultTo('ar').check(sql`language in ('ar', 'en')`))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('sessions')
    .ifNotExists()
    // SHA-256 of the cookie's token: a leaked table cannot be replayed as cookies.
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('last_seen_at', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .addColumn('user_agent', 'text')
    .addColumn('ip', 'text')
    .execute();
  await db.schema.createIndex('sessions_user').ifNotExists().on('sessions').column('user_id').execute();

  await db.schema
    .createTable('account_tokens')
    .ifNotExists()
    // SHA-256 of the token sent by email.
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('purpose', 'text', (c) => c.notNull().check(sql`purpose in ('verify', 'magic', 'reset')`))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .addColumn('used_at', 'text')
    .execute();
  await db.schema.createIndex('account_tokens_user').ifNotExists().on('account_tokens').columns(['user_id', 'purpose']).execute();

  await db.schema
    .createTable('app_secrets')
    .ifNotExists()
    .addColumn('name', 'text', (c) => c.primaryKey())
    .addColumn('value', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('rate_limits')
    .ifNotExists()
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('hits', 'integer', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('rate_limits_expiry').ifNotExists().on('rate_limits').column('expires_at').execute();
}
