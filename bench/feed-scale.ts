// Grows a SQLite bench database to a given number of articles for the feed's 1M-article figures, in SQL: each
// round copies the generated articles (new id, slug and publication time over the same seven years, the same
// section, text and authors). Nothing else is copied: the search index and understanding are not what the feed
// reads. Importing 870,000 more articles through the importer would take hours on the shared machine.
import { type Kysely, sql } from 'kysely';
import type { Database } from '../src/db/schema.ts';

const SPAN_SECONDS = 7 * 365 * 86_400;
const START_SECONDS = Date.UTC(2019, 0, 1) / 1000;

export async function growArticles(db: Kysely<Database>, target: number, line: (text: string) => void) {
  const count = async () => Number((await db.selectFrom('articles').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
  const started = performance.now();
  let round = 0;
  for (let have = await count(); have < target; have = await count()) {
    round++;
    await db.transaction().execute(async (trx) => {
      await sql`create temp table if not exists copies (new_id text primary key, old_id text not null)`.execute(trx);
      await sql`delete from copies`.execute(trx);
      await sql`insert into copies (new_id, old_id)
                select lower(hex(randomblob(16))), id from articles
                where source_url like 'https://generated.invalid/%' limit ${target - have}`.execute(trx);
      await sql`insert into articles (id, slug, title, subtitle, paragraphs, section_id, language, status, source_name, source_url,
                                      content_hash, published_at, created_at, updated_at)
                select copies.new_id, articles.slug || '-' || ${round}, articles.title, articles.subtitle, articles.paragraphs,
                       articles.section_id, articles.language, articles.status, articles.source_name, null,
                       articles.content_hash || '-' || ${round},
                       strftime('%Y-%m-%dT%H:%M:%fZ', ${START_SECONDS} + abs(random()) % ${SPAN_SECONDS}, 'unixepoch'),
                       articles.created_at, articles.updated_at
                from copies join articles on articles.id = copies.old_id`.execute(trx);
      await sql`insert into article_authors (article_id, author_id, position)
                select copies.new_id, article_authors.author_id, article_authors.position
                from copies join article_authors on article_authors.article_id = copies.old_id`.execute(trx);
      await sql`insert into article_tags (article_id, tag_id)
                select copies.new_id, article_tags.tag_id from copies join article_tags on article_tags.article_id = copies.old_id`.execute(trx);
    });
    line(`feed scale: ${await count()} articles after round ${round} (${((performance.now() - started) / 1000).toFixed(0)} s)`);
  }
}
