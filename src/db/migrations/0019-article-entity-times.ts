import { type Kysely, sql } from 'kysely';

// When each article naming an entity was published, beside the entity: story placement weighs an entity by how
// many articles named it in the days before (src/understanding/understanding.service.ts), and this index counts
// them by a range scan that stays as short as those days, however large the corpus grows.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('article_entities').addColumn('published_at', 'text').execute();
  await sql`
    update article_entities set published_at = (
      select coalesce(articles.published_at, articles.created_at) from articles where articles.id = article_entities.article_id
    )`.execute(db);
  await db.schema.createIndex('article_entities_entity_time').ifNotExists().on('article_entities').columns(['entity_id', 'published_at']).execute();
}
