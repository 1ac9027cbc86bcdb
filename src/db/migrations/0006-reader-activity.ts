import type { Kysely } from 'kysely';

// What a reader does with articles: saves, follows, mutes, reads, and the aggregate read counts that are all we
// keep about anonymous readers. Reader ids are `users.id` (text). No foreign key to users: accounts and this
// migration land in parallel, so deleting a reader goes through `forgetReader` (src/feed/follow.service.ts).
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('saved_articles')
    .ifNotExists()
    .addColumn('reader_id', 'text', (c) => c.notNull())
    .addColumn('article_id', 'text', (c) => c.notNull().references('articles.id').onDelete('cascade'))
    .addColumn('saved_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('saved_articles_pk', ['reader_id', 'article_id'])
    .execute();
  await db.schema.createIndex('saved_articles_reader_time').ifNotExists().on('saved_articles').columns(['reader_id', 'saved_at']).execute();

  // target_kind: section | tag | author | entity; target_id is that row's id.
  await db.schema
    .createTable('follows')
    .ifNotExists()
    .addColumn('reader_id', 'text', (c) => c.notNull())
    .addColumn('target_kind', 'text', (c) => c.notNull())
    .addColumn('target_id', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('follows_pk', ['reader_id', 'target_kind', 'target_id'])
    .execute();
  await db.schema.createIndex('follows_target').ifNotExists().on('follows').columns(['target_kind', 'target_id']).execute();

  // "Fewer like this" (mode fewer) and "hide" (mode hide) on a section, tag, author, entity, source or article.
  await db.schema
    .createTable('feed_mutes')
    .ifNotExists()
    .addColumn('reader_id', 'text', (c) => c.notNull())
    .addColumn('target_kind', 'text', (c) => c.notNull())
    .addColumn('target_id', 'text', (c) => c.notNull())
    .addColumn('mode', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('feed_mutes_pk', ['reader_id', 'target_kind', 'target_id'])
    .execute();

  // One row per read (opening an article, then progress reports with dwell time and the last paragraph seen).
  // A single index serves history, "already read", "continue reading" and the learned profile, so an insert
  // updates one b-tree besides the table.
  await db.schema
    .createTable('read_events')
    .ifNotExists()
    .addColumn('reader_id', 'text', (c) => c.notNull())
    .addColumn('article_id', 'text', (c) => c.notNull().references('articles.id').onDelete('cascade'))
    .addColumn('read_at', 'text', (c) => c.notNull())
    .addColumn('dwell_seconds', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('paragraph', 'integer')
    .execute();
  await db.schema
    .createIndex('read_events_reader_article')
    .ifNotExists()
    .on('read_events')
    .columns(['reader_id', 'article_id', 'read_at'])
    .execute();

  // Aggregate reads per article and hour: everything we keep about anonymous readers, and the popularity prior.
  await db.schema
    .createTable('article_read_counts')
    .ifNotExists()
    .addColumn('article_id', 'text', (c) => c.notNull().references('articles.id').onDelete('cascade'))
    .addColumn('hour', 'text', (c) => c.notNull())
    .addColumn('reads', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('article_read_counts_pk', ['article_id', 'hour'])
    .execute();
  await db.schema.createIndex('article_read_counts_hour').ifNotExists().on('article_read_counts').columns(['hour', 'article_id']).execute();

  await db.schema
    .createTable('feed_preferences')
    .ifNotExists()
    .addColumn('reader_id', 'text', (c) => c.primaryKey())
    .addColumn('view', 'text', (c) => c.notNull().defaultTo('for-you'))
    .addColumn('learned_since', 'text')
    .addColumn('onboarded_at', 'text')
    .execute();

  // Candidates for followed tags and authors are found from the tag or author, which the primary keys
  // (article first) cannot serve.
  await db.schema.createIndex('article_tags_tag').ifNotExists().on('article_tags').columns(['tag_id', 'article_id']).execute();
  await db.schema.createIndex('article_authors_author').ifNotExists().on('article_authors').columns(['author_id', 'article_id']).execute();
}
