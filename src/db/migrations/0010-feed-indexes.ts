import type { Kysely } from 'kysely';

// Narrow indexes the "لك" feed reads instead of article rows. An article row holds its paragraphs before
// section_id and source_name, so reading those two columns from the table walks the paragraphs' overflow pages:
// most of a feed's time at 130,000 articles. Both indexes hold every column the feed asks of an article.
export async function up(db: Kysely<any>): Promise<void> {
  // The window, newest first: fresh candidates, and the walk that finds articles of followed tags and authors.
  await db.schema
    .createIndex('articles_feed_window')
    .ifNotExists()
    .on('articles')
    .columns(['status', 'published_at', 'id', 'section_id', 'source_name'])
    .execute();
  // The same columns by id: the features of candidates and of the articles a reader read or saved.
  await db.schema
    .createIndex('articles_feed_features')
    .ifNotExists()
    .on('articles')
    .columns(['id', 'status', 'published_at', 'section_id', 'source_name'])
    .execute();
}
