import { type Kysely, sql } from 'kysely';

// Columns use types both engines share (text, integer); ids are text (UUIDs made by the app) so no
// engine-specific auto-increment is needed and several processes can create rows without coordination.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('sections')
    .ifNotExists()
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('slug', 'text', (c) => c.notNull().unique())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('position', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();

  await db.schema
    .createTable('articles')
    .ifNotExists()
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('slug', 'text', (c) => c.notNull().unique())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('subtitle', 'text')
    .addColumn('paragraphs', 'text', (c) => c.notNull())
    .addColumn('section_id', 'text', (c) => c.references('sections.id').onDelete('set null'))
    .addColumn('language', 'text', (c) => c.notNull().defaultTo('ar'))
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('draft', 'scheduled', 'published')`))
    .addColumn('source_name', 'text')
    .addColumn('source_url', 'text', (c) => c.unique())
    .addColumn('content_hash', 'text', (c) => c.notNull())
    .addColumn('published_at', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('articles_content_hash').ifNotExists().on('articles').column('content_hash').execute();
  await db.schema
    .createIndex('articles_status_published')
    .ifNotExists()
    .on('articles')
    .columns(['status', 'published_at'])
    .execute();
  await db.schema
    .createIndex('articles_section_published')
    .ifNotExists()
    .on('articles')
    .columns(['section_id', 'status', 'published_at'])
    .execute();

  await db.schema
    .createTable('tags')
    .ifNotExists()
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('slug', 'text', (c) => c.notNull().unique())
    .addColumn('name', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('article_tags')
    .ifNotExists()
    .addColumn('article_id', 'text', (c) => c.notNull().references('articles.id').onDelete('cascade'))
    .addColumn('tag_id', 'text', (c) => c.notNull().references('tags.id').onDelete('cascade'))
    .addPrimaryKeyConstraint('article_tags_pk', ['article_id', 'tag_id'])
    .execute();

  await db.schema
    .createTable('authors')
    .ifNotExists()
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('slug', 'text', (c) => c.notNull().unique())
    .addColumn('name', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('article_authors')
    .ifNotExists()
    .addColumn('article_id', 'text', (c) => c.notNull().references('articles.id').onDelete('cascade'))
    .addColumn('author_id', 'text', (c) => c.notNull().references('authors.id').onDelete('cascade'))
    .addColumn('position', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('article_authors_pk', ['article_id', 'author_id'])
    .execute();

  await db.schema
    .createTable('related_headlines')
    .ifNotExists()
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('article_id', 'text', (c) => c.notNull().references('articles.id').onDelete('cascade'))
    .addColumn('position', 'integer', (c) => c.notNull())
    .addColumn('headline', 'text', (c) => c.notNull())
    .addColumn('url', 'text')
    .addColumn('related_article_id', 'text', (c) => c.references('articles.id').onDelete('set null'))
    .execute();
  await db.schema
    .createIndex('related_headlines_article')
    .ifNotExists()
    .on('related_headlines')
    .columns(['article_id', 'position'])
    .execute();
}
