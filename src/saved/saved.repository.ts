import type { Kysely, Transaction } from 'kysely';
import type { ArticleListItem } from '../articles/article.repository.ts';
import type { Database } from '../db/schema.ts';

type Executor = Kysely<Database> | Transaction<Database>;

/** A saved article as lists show it, with when it was saved and where the reader stopped. */
export interface SavedItem extends ArticleListItem {
  saved_at: string;
}

/** All SQL for `saved_articles`. */
export function savedRepository(db: Executor) {
  return {
    /** Saving twice keeps the first moment: the list order does not jump when a button is pressed again. */
    save: (readerId: string, articleId: string, savedAt: string) =>
      db
        .insertInto('saved_articles')
        .values({ reader_id: readerId, article_id: articleId, saved_at: savedAt })
        .onConflict((oc) => oc.columns(['reader_id', 'article_id']).doNothing())
        .execute(),

    async remove(readerId: string, articleId: string): Promise<boolean> {
      const result = await db.deleteFrom('saved_articles').where('reader_id', '=', readerId).where('article_id', '=', articleId).executeTakeFirst();
      return Number(result.numDeletedRows) > 0;
    },

    /** Whether the reader saved the article with this slug (one indexed query, for the button on cached pages). */
    async isSavedSlug(readerId: string, slug: string): Promise<boolean> {
      const row = await db
        .selectFrom('saved_articles')
        .innerJoin('articles', 'articles.id', 'saved_articles.article_id')
        .select('saved_articles.article_id')
        .where('saved_articles.reader_id', '=', readerId)
        .where('articles.slug', '=', slug)
        .executeTakeFirst();
      return row !== undefined;
    },

    /** Which of these articles the reader saved. */
    async savedAmong(readerId: string, articleIds: string[]): Promise<Set<string>> {
      if (articleIds.length === 0) return new Set();
      const rows = await db
        .selectFrom('saved_articles')
        .select('article_id')
        .where('reader_id', '=', readerId)
        .where('article_id', 'in', articleIds)
        .execute();
      return new Set(rows.map((row) => row.article_id));
    },

    /** The reader's saved published articles, newest save first, optionally within one section. */
    list(readerId: string, options: { sectionId?: string; limit: number; offset?: number }): Promise<SavedItem[]> {
      let query = db
        .selectFrom('saved_articles')
        .innerJoin('articles', 'articles.id', 'saved_articles.article_id')
        .leftJoin('sections', 'sections.id', 'articles.section_id')
        .select([
          'articles.id',
          'articles.slug',
          'articles.title',
          'articles.subtitle',
          'articles.paragraphs',
          'articles.published_at',
          'articles.updated_at',
          'sections.slug as section_slug',
          'sections.name as section_name',
          'articles.source_name',
          'articles.source_url',
          'saved_articles.saved_at',
        ])
        .where('saved_articles.reader_id', '=', readerId)
        .where('articles.status', '=', 'published');
      if (options.sectionId) query = query.where('articles.section_id', '=', options.sectionId);
      return query
        .orderBy('saved_articles.saved_at', 'desc')
        .orderBy('articles.id')
        .limit(options.limit)
        .offset(options.offset ?? 0)
        .execute();
    },

    /** Ids and moments of the reader's saves since `since`, newest first (what the feed learns from). */
    savedSince: (readerId: string, since: string, limit: number) =>
      db
        .selectFrom('saved_articles')
        .select(['article_id', 'saved_at'])
        .where('reader_id', '=', readerId)
        .where('saved_at', '>=', since)
        .orderBy('saved_at', 'desc')
        .limit(limit)
        .execute(),

    /** Sections the reader has saved articles in, for the filter. */
    sectionsOfSaved: (readerId: string) =>
      db
        .selectFrom('saved_articles')
        .innerJoin('articles', 'articles.id', 'saved_articles.article_id')
        .innerJoin('sections', 'sections.id', 'articles.section_id')
        .select(['sections.slug', 'sections.name'])
        .where('saved_articles.reader_id', '=', readerId)
        .where('articles.status', '=', 'published')
        .groupBy(['sections.slug', 'sections.name'])
        .orderBy('sections.name')
        .execute(),

    async count(readerId: string): Promise<number> {
      const row = await db
        .selectFrom('saved_articles')
        .select((eb) => eb.fn.countAll<string | number>().as('n'))
        .where('reader_id', '=', readerId)
        .executeTakeFirstOrThrow();
      return Number(row.n);
    },

    removeAll: (readerId: string) => db.deleteFrom('saved_articles').where('reader_id', '=', readerId).execute(),
  };
}

export type SavedRepository = ReturnType<typeof savedRepository>;
