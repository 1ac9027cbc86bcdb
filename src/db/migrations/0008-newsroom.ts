import type { Kysely } from 'kysely';

// The newsroom: editing with optimistic locking (articles.version), Markdown bodies, breaking news, revisions,
// autosaved drafts, the audit log, uploaded media, site settings, and sections/authors details for admins.
// Booleans are integers (0/1) and JSON is text, so both engines read the same values.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('articles').addColumn('version', 'integer', (c) => c.notNull().defaultTo(1)).execute();
  // Null for imported articles, whose body is their paragraphs; set once an editor writes the body.
  await db.schema.alterTable('articles').addColumn('body_markdown', 'text').execute();
  await db.schema.alterTable('articles').addColumn('breaking', 'integer', (c) => c.notNull().defaultTo(0)).execute();
  await db.schema.alterTable('sections').addColumn('name_en', 'text').execute();
  await db.schema.alterTable('authors').addColumn('bio', 'text').execute();
  await db.schema.alterTable('authors').addColumn('photo_media_id', 'text').execute();

  await db.schema
    .createTable('article_revisions')
    .ifNotExists()
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('article_id', 'text', (c) => c.notNull().references('articles.id').onDelete('cascade'))
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('content', 'text', (c) => c.notNull())
    .addColumn('note', 'text')
    .addColumn('actor_id', 'text')
    .addColumn('actor_name', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('article_revisions_article_version', ['article_id', 'version'])
    .execute();

  await db.schema
    .createTable('article_autosaves')
    .ifNotExists()
    // The article's id, or "new" for an article not yet created.
    .addColumn('article_key', 'text', (c) => c.notNull())
    .addColumn('actor_id', 'text', (c) => c.notNull())
    .addColumn('base_version', 'integer')
    .addColumn('content', 'text', (c) => c.notNull())
    .addColumn('saved_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('article_autosaves_pk', ['article_key', 'actor_id'])
    .execute();

  await db.schema
    .createTable('audit_log')
    .ifNotExists()
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('actor_id', 'text')
    .addColumn('actor_name', 'text', (c) => c.notNull())
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('subject_type', 'text', (c) => c.notNull())
    .addColumn('subject_id', 'text')
    .addColumn('summary', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('audit_log_created').ifNotExists().on('audit_log').columns(['created_at']).execute();
  await db.schema.createIndex('audit_log_subject').ifNotExists().on('audit_log').columns(['subject_type', 'subject_id']).execute();

  await db.schema
    .createTable('media')
    .ifNotExists()
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('original_name', 'text', (c) => c.notNull())
    .addColumn('width', 'integer', (c) => c.notNull())
    .addColumn('height', 'integer', (c) => c.notNull())
    .addColumn('alt', 'text', (c) => c.notNull())
    .addColumn('caption', 'text')
    .addColumn('credit', 'text')
    .addColumn('actor_id', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('site_settings')
    .ifNotExists()
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('value', 'text', (c) => c.notNull())
    .execute();
}
