import type { Kysely } from 'kysely';

// Each story's centroid (src/understanding/story-centroid.ts): how many of its articles carry each lead stem and
// entity, as JSON objects, and when they were published, kept up to date as articles join. Stories understood before this table existed get
// theirs built from their articles the first time an article is compared with them, so no data migration.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('story_centroids')
    .ifNotExists()
    .addColumn('story_id', 'text', (c) => c.primaryKey())
    .addColumn('articles', 'integer', (c) => c.notNull())
    .addColumn('terms', 'text', (c) => c.notNull())
    .addColumn('entities', 'text', (c) => c.notNull())
    // Sum of the articles' publication times in days since 1970 (their mean is when the story happened).
    .addColumn('days_sum', 'double precision', (c) => c.notNull())
    .execute();
}
