import type { Kysely, Transaction } from 'kysely';
import type { ArticleRow, Database, NewArticleRow, NewSectionRow } from '../db/schema.ts';

type Executor = Kysely<Database> | Transaction<Database>;

export interface ArticleRelations {
  tags: { slug: string; name: string }[];
  /** `photoMediaId`: the author's photo, an image of the media library, when an admin chose one. */
  authors: { slug: string; name: string; photoMediaId?: string | null }[];
  relatedHeadlines: { headline: string; url: string | null; relatedSlug: string | null }[];
}

export interface ArticleListItem {
  id: string;
  slug: string;
  title: string;
  subtitle: string | null;
  paragraphs: string;
  published_at: string | null;
  updated_at: string;
  section_slug: string | null;
  section_name: string | null;
  /** The publisher it came from (imported articles), shown by the feed and the JSON API. */
  source_name: string | null;
  source_url: string | null;
}

/** What lists of articles (home, sections, feeds, search results) show of each. */
const LIST_COLUMNS = [
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
] as const;

/** A tag or an author, by id: what tag and author pages list the articles of. */
export type ArticleLink = { kind: 'tag' | 'author'; id: string };

/**
 * The published articles of a tag or an author, joined from the link table: its (tag_id | author_id, article_id)
 * index finds them, however many articles the site holds.
 */
function linkedArticles(db: Executor, link: ArticleLink) {
  const links =
    link.kind === 'tag'
      ? db.selectFrom('article_tags').select('article_tags.article_id').where('article_tags.tag_id', '=', link.id)
      : db.selectFrom('article_authors').select('article_authors.article_id').where('article_authors.author_id', '=', link.id);
  return db
    .selectFrom(links.as('link'))
    .innerJoin('articles', 'articles.id', 'link.article_id')
    .where('articles.status', '=', 'published');
}

/** All SQL for articles, sections, tags, authors and related headlines. */
export function articleRepository(db: Executor) {
  return {
    findBySourceUrl: (url: string) =>
      db.selectFrom('articles').selectAll().where('source_url', '=', url).executeTakeFirst(),

    findByContentHash: (hash: string) =>
      db.selectFrom('articles').selectAll().where('content_hash', '=', hash).executeTakeFirst(),

    /** The stored articles with any of these canonical URLs or content hashes. */
    findBySourceUrlsOrHashes: (urls: string[], hashes: string[]) =>
      urls.length + hashes.length === 0
        ? Promise.resolve([])
        : db
            .selectFrom('articles')
            .selectAll()
            .where((eb) => eb.or([
              ...(urls.length ? [eb('source_url', 'in', urls)] : []),
              ...(hashes.length ? [eb('content_hash', 'in', hashes)] : []),
            ]))
            .execute(),

    /** Which of these slugs articles already have. */
    async takenSlugs(slugs: string[]): Promise<Set<string>> {
      if (slugs.length === 0) return new Set();
      const rows = await db.selectFrom('articles').select('slug').where('slug', 'in', slugs).execute();
      return new Set(rows.map((row) => row.slug));
    },

    /** Ids of the named rows (tags or authors) that exist among these slugs, by slug. */
    async findNamedIds(table: 'tags' | 'authors', slugs: string[]): Promise<Map<string, string>> {
      if (slugs.length === 0) return new Map();
      const rows = await db.selectFrom(table).select(['id', 'slug']).where('slug', 'in', slugs).execute();
      return new Map(rows.map((row) => [row.slug, row.id]));
    },

    async slugTaken(slug: string): Promise<boolean> {
      const row = await db.selectFrom('articles').select('id').where('slug', '=', slug).executeTakeFirst();
      return row !== undefined;
    },

    insertArticle: (row: NewArticleRow) => db.insertInto('articles').values(row).execute(),

    findBySlug: (slug: string) => db.selectFrom('articles').selectAll().where('slug', '=', slug).executeTakeFirst(),

    deleteArticle: (id: string) => db.deleteFrom('articles').where('id', '=', id).execute(),

    updateArticle: (id: string, changes: Partial<NewArticleRow>) =>
      db.updateTable('articles').set(changes).where('id', '=', id).execute(),

    findSectionByName: (name: string) =>
      db.selectFrom('sections').selectAll().where('name', '=', name).executeTakeFirst(),

    findSectionBySlug: (slug: string) =>
      db.selectFrom('sections').selectAll().where('slug', '=', slug).executeTakeFirst(),

    insertSection: (section: NewSectionRow) => db.insertInto('sections').values(section).execute(),

    async sectionCount(): Promise<number> {
      const row = await db.selectFrom('sections').select((eb) => eb.fn.countAll<string | number>().as('n')).executeTakeFirstOrThrow();
      return Number(row.n);
    },

    listSections: () => db.selectFrom('sections').selectAll().orderBy('position').orderBy('name').execute(),

    /** Every section with how many published articles it holds. */
    async sectionsWithCounts() {
      const rows = await db
        .selectFrom('sections')
        .leftJoin('articles', (join) =>
          join.onRef('articles.section_id', '=', 'sections.id').on('articles.status', '=', 'published'),
        )
        .select(['sections.slug', 'sections.name', (eb) => eb.fn.count<string | number>('articles.id').as('article_count')])
        .groupBy(['sections.id', 'sections.slug', 'sections.name', 'sections.position'])
        .orderBy('sections.position')
        .execute();
      return rows.map((row) => ({ slug: row.slug, name: row.name, article_count: Number(row.article_count) }));
    },

    /** Slug and last change of published articles, oldest first so that a sitemap file keeps its articles over time. */
    listPublishedSlugs: (options: { limit: number; offset: number }) =>
      db
        .selectFrom('articles')
        .select(['slug', 'updated_at'])
        .where('status', '=', 'published')
        .orderBy('published_at')
        .orderBy('id')
        .limit(options.limit)
        .offset(options.offset)
        .execute(),

    /** Finds or creates the named rows (tags or authors) and returns their ids in the given order. */
    async ensureNamed(table: 'tags' | 'authors', entries: { id: string; slug: string; name: string }[]) {
      const ids: string[] = [];
      const find = async (slug: string) => (await db.selectFrom(table).select('id').where('slug', '=', slug).executeTakeFirst())?.id;
      for (const entry of entries) {
        // Most names already exist, so look first: one statement instead of two. Another process may create the
        // same name meanwhile; the insert then does nothing and the second look finds its row.
        let id = await find(entry.slug);
        if (!id) {
          const inserted = await db.insertInto(table).values(entry).onConflict((oc) => oc.column('slug').doNothing()).returning('id').executeTakeFirst();
          id = inserted?.id ?? (await find(entry.slug));
        }
        ids.push(id!);
      }
      return ids;
    },

    /** Removes an article's tags, authors and related headlines, before storing new ones. */
    async clearRelations(articleId: string) {
      await db.deleteFrom('article_tags').where('article_id', '=', articleId).execute();
      await db.deleteFrom('article_authors').where('article_id', '=', articleId).execute();
      await db.deleteFrom('related_headlines').where('article_id', '=', articleId).execute();
    },

    /** Stores an article's tags, authors and related headlines (it has none yet: see clearRelations). */
    async insertRelations(
      articleId: string,
      tagIds: string[],
      authorIds: string[],
      related: { id: string; headline: string; url: string | null; relatedArticleId: string | null }[],
    ) {
      if (tagIds.length) {
        await db.insertInto('article_tags').values([...new Set(tagIds)].map((tag_id) => ({ article_id: articleId, tag_id }))).execute();
      }
      if (authorIds.length) {
        await db
          .insertInto('article_authors')
          .values([...new Set(authorIds)].map((author_id, position) => ({ article_id: articleId, author_id, position })))
          .execute();
      }
      if (related.length) {
        await db
          .insertInto('related_headlines')
          .values(
            related.map((item, position) => ({
              id: item.id,
              article_id: articleId,
              position,
              headline: item.headline,
              url: item.url,
              related_article_id: item.relatedArticleId,
            })),
          )
          .execute();
      }
    },

    /** The published article whose title is exactly this headline, if we have it: related headlines link to it. */
    findPublishedIdByTitle: async (title: string) =>
      (
        await db
          .selectFrom('articles')
          .select('id')
          .where('title', '=', title)
          .where('status', '=', 'published')
          .executeTakeFirst()
      )?.id ?? null,

    /** Published articles, newest first, optionally within one section. */
    listPublished(options: { sectionId?: string; limit: number; offset?: number }): Promise<ArticleListItem[]> {
      let query = db
        .selectFrom('articles')
        .leftJoin('sections', 'sections.id', 'articles.section_id')
        .select(LIST_COLUMNS)
        .where('articles.status', '=', 'published');
      if (options.sectionId) query = query.where('articles.section_id', '=', options.sectionId);
      return query
        .orderBy('articles.published_at', 'desc')
        .orderBy('articles.id')
        .limit(options.limit)
        .offset(options.offset ?? 0)
        .execute();
    },

    /**
     * The published articles among these ids. Looked up by primary key with the status checked here: given
     * `status = ?` beside the ids, SQLite without fresh statistics walks the status index (every article) instead.
     */
    async listPublishedByIds(ids: string[]): Promise<ArticleListItem[]> {
      if (ids.length === 0) return [];
      const rows = await db
        .selectFrom('articles')
        .leftJoin('sections', 'sections.id', 'articles.section_id')
        .select([...LIST_COLUMNS, 'articles.status'])
        .where('articles.id', 'in', ids)
        .execute();
      return rows.filter((row) => row.status === 'published').map(({ status: _status, ...item }) => item);
    },

    findTagBySlug: (slug: string) => db.selectFrom('tags').selectAll().where('slug', '=', slug).executeTakeFirst(),

    findAuthorBySlug: (slug: string) => db.selectFrom('authors').selectAll().where('slug', '=', slug).executeTakeFirst(),

    /** Published articles carrying a tag, or by an author, newest first (tag and author pages). */
    listPublishedLinked(link: ArticleLink, options: { limit: number; offset: number }): Promise<ArticleListItem[]> {
      return linkedArticles(db, link)
        .leftJoin('sections', 'sections.id', 'articles.section_id')
        .select(LIST_COLUMNS)
        .orderBy('articles.published_at', 'desc')
        .orderBy('articles.id')
        .limit(options.limit)
        .offset(options.offset)
        .execute();
    },

    async countPublishedLinked(link: ArticleLink): Promise<number> {
      const row = await linkedArticles(db, link).select((eb) => eb.fn.countAll<string | number>().as('n')).executeTakeFirstOrThrow();
      return Number(row.n);
    },

    async countPublished(sectionId?: string): Promise<number> {
      let query = db
        .selectFrom('articles')
        .select((eb) => eb.fn.countAll<string | number>().as('n'))
        .where('status', '=', 'published');
      if (sectionId) query = query.where('section_id', '=', sectionId);
      return Number((await query.executeTakeFirstOrThrow()).n);
    },

    findPublishedBySlug: (slug: string) =>
      db
        .selectFrom('articles')
        .leftJoin('sections', 'sections.id', 'articles.section_id')
        .selectAll('articles')
        .select(['sections.slug as section_slug', 'sections.name as section_name'])
        .where('articles.slug', '=', slug)
        .where('articles.status', '=', 'published')
        .executeTakeFirst(),

    /**
     * The newest published articles of each section, `perSection` each, leaving out the given ids (already shown
     * elsewhere on the page). One indexed query per section: a single query ranking every article with a window
     * function reads the whole table (0.5 s at 30,000 articles, 4 s at 130,000), these read a few index entries.
     */
    async latestPerSection(sectionIds: string[], perSection: number, excludeIds: string[]): Promise<ArticleListItem[]> {
      const excluded = new Set(excludeIds);
      const perSectionRows = await Promise.all(
        sectionIds.map((sectionId) => this.listPublished({ sectionId, limit: perSection + excluded.size })),
      );
      return perSectionRows.flatMap((rows) => rows.filter((row) => !excluded.has(row.id)).slice(0, perSection));
    },

    /** Relations of many articles in three queries, for lists that show them (the JSON API). */
    async relationsOfMany(articleIds: string[]): Promise<Map<string, ArticleRelations>> {
      const byArticle = new Map<string, ArticleRelations>(
        articleIds.map((id) => [id, { tags: [], authors: [], relatedHeadlines: [] }]),
      );
      if (articleIds.length === 0) return byArticle;
      const [tags, authors, related] = await Promise.all([
        db
          .selectFrom('article_tags')
          .innerJoin('tags', 'tags.id', 'article_tags.tag_id')
          .select(['article_tags.article_id', 'tags.slug', 'tags.name'])
          .where('article_tags.article_id', 'in', articleIds)
          .orderBy('tags.name')
          .execute(),
        db
          .selectFrom('article_authors')
          .innerJoin('authors', 'authors.id', 'article_authors.author_id')
          .select(['article_authors.article_id', 'authors.slug', 'authors.name'])
          .where('article_authors.article_id', 'in', articleIds)
          .orderBy('article_authors.position')
          .execute(),
        db
          .selectFrom('related_headlines')
          .leftJoin('articles', (join) =>
            join.onRef('articles.id', '=', 'related_headlines.related_article_id').on('articles.status', '=', 'published'),
          )
          .select(['related_headlines.article_id', 'related_headlines.headline', 'related_headlines.url', 'articles.slug as relatedSlug'])
          .where('related_headlines.article_id', 'in', articleIds)
          .orderBy('related_headlines.position')
          .execute(),
      ]);
      for (const { article_id, ...tag } of tags) byArticle.get(article_id)!.tags.push(tag);
      for (const { article_id, ...author } of authors) byArticle.get(article_id)!.authors.push(author);
      for (const { article_id, ...item } of related) byArticle.get(article_id)!.relatedHeadlines.push(item);
      return byArticle;
    },

    async relationsOf(articleId: string): Promise<ArticleRelations> {
      const [tags, authors, relatedHeadlines] = await Promise.all([
        db
          .selectFrom('article_tags')
          .innerJoin('tags', 'tags.id', 'article_tags.tag_id')
          .select(['tags.slug', 'tags.name'])
          .where('article_tags.article_id', '=', articleId)
          .orderBy('tags.name')
          .execute(),
        db
          .selectFrom('article_authors')
          .innerJoin('authors', 'authors.id', 'article_authors.author_id')
          .select(['authors.slug', 'authors.name', 'authors.photo_media_id as photoMediaId'])
          .where('article_authors.article_id', '=', articleId)
          .orderBy('article_authors.position')
          .execute(),
        db
          .selectFrom('related_headlines')
          .leftJoin('articles', (join) =>
            join.onRef('articles.id', '=', 'related_headlines.related_article_id').on('articles.status', '=', 'published'),
          )
          .select(['related_headlines.headline', 'related_headlines.url', 'articles.slug as relatedSlug'])
          .where('related_headlines.article_id', '=', articleId)
          .orderBy('related_headlines.position')
          .execute(),
      ]);
      return { tags, authors, relatedHeadlines };
    },
  };
}

export type ArticleRepository = ReturnType<typeof articleRepository>;
export type { ArticleRow };
