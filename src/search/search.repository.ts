import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../db/schema.ts';

type Executor = Kysely<Database> | Transaction<Database>;

/** The article reads search needs: the rows behind ranked ids, and every published article for a rebuild. */
export function searchRepository(db: Executor) {
  return {
    findPublishedByIds: (ids: string[]) =>
      ids.length === 0
        ? Promise.resolve([])
        : db
            .selectFrom('articles')
            .leftJoin('sections', 'sections.id', 'articles.section_id')
            .select([
              'articles.id',
              'articles.slug',
              'articles.title',
              'articles.subtitle',
              'articles.paragraphs',
              'articles.published_at',
              'sections.slug as section_slug',
              'sections.name as section_name',
            ])
            .where('articles.id', 'in', ids)
            .where('articles.status', '=', 'published')
            .execute(),

    listPublishedForIndex: () =>
      db.selectFrom('articles').select(['id', 'title', 'subtitle', 'paragraphs']).where('status', '=', 'published').execute(),
  };
}
