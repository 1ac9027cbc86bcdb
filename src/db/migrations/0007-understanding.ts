import type { Kysely } from 'kysely';

// News understanding (src/understanding): the people, organisations and places articles name, the quotes they
// attribute, and which story each article belongs to. Everything here is derived from the articles and can be
// rebuilt with `sahifa understand`; rows go when their article goes.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('entities')
    .ifNotExists()
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('slug', 'text', (c) => c.notNull().unique())
    // person | organisation | place
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    // type + ":" + normalized canonical name: the identity extraction produces.
    .addColumn('key', 'text', (c) => c.notNull().unique())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();

  // Every normalized form an entity was written in ("person:الكاظمي"), so another article's short form finds it.
  await db.schema
    .createTable('entity_forms')
    .ifNotExists()
    .addColumn('form', 'text', (c) => c.notNull())
    .addColumn('entity_id', 'text', (c) => c.notNull().references('entities.id').onDelete('cascade'))
    .addPrimaryKeyConstraint('entity_forms_pk', ['form', 'entity_id'])
    .execute();

  await db.schema
    .createTable('article_entities')
    .ifNotExists()
    .addColumn('article_id', 'text', (c) => c.notNull().references('articles.id').onDelete('cascade'))
    .addColumn('entity_id', 'text', (c) => c.notNull().references('entities.id').onDelete('cascade'))
    .addColumn('mentions', 'integer', (c) => c.notNull())
    // Order of first appearance in the article: 0 is the entity named first.
    .addColumn('position', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('article_entities_pk', ['article_id', 'entity_id'])
    .execute();
  await db.schema.createIndex('article_entities_entity').ifNotExists().on('article_entities').columns(['entity_id', 'article_id']).execute();

  await db.schema
    .createTable('quotes')
    .ifNotExists()
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('article_id', 'text', (c) => c.notNull().references('articles.id').onDelete('cascade'))
    .addColumn('entity_id', 'text', (c) => c.notNull().references('entities.id').onDelete('cascade'))
    .addColumn('text', 'text', (c) => c.notNull())
    .addColumn('position', 'integer', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('quotes_article').ifNotExists().on('quotes').columns(['article_id', 'position']).execute();
  await db.schema.createIndex('quotes_entity').ifNotExists().on('quotes').column('entity_id').execute();

  // One row per understood article: its story, the article it duplicates, and the signatures clustering compares.
  await db.schema
    .createTable('article_stories')
    .ifNotExists()
    .addColumn('article_id', 'text', (c) => c.primaryKey().references('articles.id').onDelete('cascade'))
    // A story is named by the id of the article that started it.
    .addColumn('story_id', 'text', (c) => c.notNull())
    .addColumn('duplicate_of', 'text', (c) => c.references('articles.id').onDelete('set null'))
    .addColumn('content_hash', 'text', (c) => c.notNull())
    .addColumn('published_at', 'text', (c) => c.notNull())
    .addColumn('shingle_signature', 'text', (c) => c.notNull())
    .addColumn('word_signature', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('article_stories_story').ifNotExists().on('article_stories').columns(['story_id', 'published_at']).execute();

  // Locality-sensitive keys (MinHash bands, entities) that find an article's candidates without a full scan.
  await db.schema
    .createTable('story_keys')
    .ifNotExists()
    .addColumn('key', 'text', (c) => c.notNull())
    .addColumn('article_id', 'text', (c) => c.notNull().references('articles.id').onDelete('cascade'))
    .addColumn('published_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('story_keys_pk', ['key', 'article_id'])
    .execute();
  await db.schema.createIndex('story_keys_key_time').ifNotExists().on('story_keys').columns(['key', 'published_at']).execute();
  await db.schema.createIndex('story_keys_article').ifNotExists().on('story_keys').column('article_id').execute();
}
