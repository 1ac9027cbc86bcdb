import { type Kysely, sql, type Transaction } from 'kysely';
import type { ArticleStoriesTable, Database, EntitiesTable, StoryCentroidsTable } from '../db/schema.ts';

type Executor = Kysely<Database> | Transaction<Database>;

export type EntityRow = Pick<EntitiesTable, 'id' | 'slug' | 'type' | 'name' | 'key'>;

/** An article as lists on understanding pages show it. */
export interface StoryArticle {
  id: string;
  slug: string;
  title: string;
  source_name: string | null;
  published_at: string | null;
  duplicate_of: string | null;
}

const ENTITY_COLUMNS = ['entities.id', 'entities.slug', 'entities.type', 'entities.name', 'entities.key'] as const;
const ARTICLE_COLUMNS = ['articles.id', 'articles.slug', 'articles.title', 'articles.source_name', 'articles.published_at'] as const;

/** All SQL for entities, quotes and stories. */
export function understandingRepository(db: Executor) {
  return {
    /**
     * Published articles among these, with when they were published and what decides whether they changed since
     * they were last understood (not their text: the order they are read in is decided before any is read).
     */
    articlesToUnderstand: (ids: string[]) =>
      ids.length === 0
        ? Promise.resolve([])
        : db
            .selectFrom('articles')
            .leftJoin('article_stories', 'article_stories.article_id', 'articles.id')
            .select(['articles.id', 'articles.published_at', 'articles.created_at', 'articles.content_hash', 'article_stories.content_hash as understood_hash'])
            .where('articles.id', 'in', ids)
            .where('articles.status', '=', 'published')
            .execute(),

    /** The text of these articles. */
    articleTexts: (ids: string[]) =>
      ids.length === 0 ? Promise.resolve([]) : db.selectFrom('articles').select(['id', 'title', 'paragraphs']).where('id', 'in', ids).execute(),

    async idsBySlugs(slugs: string[]): Promise<string[]> {
      if (slugs.length === 0) return [];
      const rows = await db.selectFrom('articles').select('id').where('slug', 'in', slugs).execute();
      return rows.map((row) => row.id);
    },

    /**
     * One page of published article ids in publication order, after a cursor: how a backfill walks them all. A
     * page never ends inside a publication time: the articles published at its last time all come with it, so the
     * caller can order them by something more stable than their random ids.
     */
    async publishedIdsAfter(cursor: { publishedAt: string; id: string } | null, limit: number) {
      const published = () => db.selectFrom('articles').select(['id', 'published_at']).where('status', '=', 'published').where('published_at', 'is not', null);
      let query = published();
      if (cursor) {
        query = query.where((eb) =>
          eb.or([eb('published_at', '>', cursor.publishedAt), eb.and([eb('published_at', '=', cursor.publishedAt), eb('id', '>', cursor.id)])]),
        );
      }
      const page = await query.orderBy('published_at').orderBy('id').limit(limit).execute();
      const last = page.at(-1);
      if (page.length < limit || !last) return page;
      const rest = await published().where('published_at', '=', last.published_at).where('id', '>', last.id).orderBy('id').execute();
      return [...page, ...rest];
    },

    entitiesByKeys: (keys: string[]) =>
      keys.length === 0 ? Promise.resolve([]) : db.selectFrom('entities').select(ENTITY_COLUMNS).where('key', 'in', keys).execute(),

    /** Entities written in any of these forms ("person:الكاظمي"), oldest first. */
    entitiesByForms: (forms: string[]) =>
      forms.length === 0
        ? Promise.resolve([])
        : db
            .selectFrom('entity_forms')
            .innerJoin('entities', 'entities.id', 'entity_forms.entity_id')
            .select([...ENTITY_COLUMNS, 'entity_forms.form'])
            .where('entity_forms.form', 'in', forms)
            .orderBy('entities.created_at')
            // Not the random id: entities created in one millisecond come in the same order in every run.
            .orderBy('entities.key')
            .execute(),

    /** Which of these slugs entities already have (exact matches: the unique index answers, whatever the table's size). */
    async takenSlugs(slugs: string[]): Promise<Set<string>> {
      const rows = await db.selectFrom('entities').select('slug').where('slug', 'in', slugs).execute();
      return new Set(rows.map((row) => row.slug));
    },

    insertEntity: (row: EntitiesTable) => db.insertInto('entities').values(row).onConflict((oc) => oc.column('key').doNothing()).execute(),

    insertForms: (rows: { form: string; entity_id: string }[]) =>
      rows.length === 0 ? Promise.resolve() : db.insertInto('entity_forms').values(rows).onConflict((oc) => oc.doNothing()).execute().then(() => undefined),

    async replaceArticleEntities(articleId: string, publishedAt: string, rows: { entity_id: string; mentions: number; position: number }[]) {
      await db.deleteFrom('article_entities').where('article_id', '=', articleId).execute();
      if (rows.length) {
        await db.insertInto('article_entities').values(rows.map((row) => ({ ...row, article_id: articleId, published_at: publishedAt }))).execute();
      }
    },

    async replaceQuotes(articleId: string, rows: { id: string; entity_id: string; text: string; position: number }[]) {
      await db.deleteFrom('quotes').where('article_id', '=', articleId).execute();
      if (rows.length) await db.insertInto('quotes').values(rows.map((row) => ({ ...row, article_id: articleId }))).execute();
    },

    /** Forgets an article's story membership and keys (before it is understood again). */
    async clearStory(articleId: string) {
      await db.deleteFrom('story_keys').where('article_id', '=', articleId).execute();
      await db.deleteFrom('article_stories').where('article_id', '=', articleId).execute();
    },

    /**
     * Articles sharing at least one key with these, published inside the window: most keys shared first, then the
     * latest, then by content. Never by id: ids are random, and which candidates make the cut, and which story
     * wins a tie, would change from one run to the next.
     */
    candidates: (keys: string[], from: string, to: string, excludeId: string, limit: number) =>
      keys.length === 0
        ? Promise.resolve([])
        : db
            .selectFrom((eb) =>
              eb
                .selectFrom('story_keys')
                .select(['article_id', (eb) => eb.fn.countAll<string | number>().as('shared'), (eb) => eb.fn.max('published_at').as('published_at')])
                .where('key', 'in', keys)
                .where('published_at', '>=', from)
                .where('published_at', '<=', to)
                .where('article_id', '!=', excludeId)
                .groupBy('article_id')
                .as('c'),
            )
            .innerJoin('article_stories', 'article_stories.article_id', 'c.article_id')
            .select(['c.article_id', 'c.shared'])
            .orderBy('c.shared', 'desc')
            .orderBy('c.published_at', 'desc')
            .orderBy('article_stories.content_hash')
            .orderBy('c.article_id')
            .limit(limit)
            .execute(),

    storyRows: (articleIds: string[]) =>
      articleIds.length === 0 ? Promise.resolve([]) : db.selectFrom('article_stories').selectAll().where('article_id', 'in', articleIds).execute(),

    /**
     * The articles of these stories (published inside the window, when one is given), with what scoring compares,
     * in publication order, then by content (the same order in every run).
     */
    storyMembers: (storyIds: string[], window?: { from: string; to: string }) => {
      if (storyIds.length === 0) return Promise.resolve([]);
      let query = db.selectFrom('article_stories').select(['article_id', 'story_id', 'word_signature', 'published_at']).where('story_id', 'in', storyIds);
      if (window) query = query.where('published_at', '>=', window.from).where('published_at', '<=', window.to);
      return query.orderBy('published_at').orderBy('content_hash').orderBy('article_id').execute();
    },

    entityIdsOfArticles: (articleIds: string[]) =>
      articleIds.length === 0
        ? Promise.resolve([])
        : db.selectFrom('article_entities').select(['article_id', 'entity_id']).where('article_id', 'in', articleIds).execute(),

    /** How many articles each of these stories holds. */
    async storySizes(storyIds: string[]): Promise<Map<string, number>> {
      if (storyIds.length === 0) return new Map();
      const rows = await db
        .selectFrom('article_stories')
        .select(['story_id', (eb) => eb.fn.countAll<string | number>().as('n')])
        .where('story_id', 'in', storyIds)
        .groupBy('story_id')
        .execute();
      return new Map(rows.map((row) => [row.story_id, Number(row.n)]));
    },

    /** Every article of one story joins another (two stories found to be one). */
    moveStory: (from: string, to: string) =>
      db.updateTable('article_stories').set({ story_id: to }).where('story_id', '=', from).execute().then(() => undefined),

    /** The stored centroids of these stories (a story understood before centroids existed has none yet). */
    centroids: (storyIds: string[]) =>
      storyIds.length === 0 ? Promise.resolve([]) : db.selectFrom('story_centroids').selectAll().where('story_id', 'in', storyIds).execute(),

    /**
     * Locks a story's centroid row until the transaction ends, before it is read and written back: on PostgreSQL
     * two processes adding an article to one story would otherwise both write their count over the other's. (A
     * no-op update takes the row lock on PostgreSQL; SQLite already serializes writing transactions.)
     */
    lockCentroid: (storyId: string) =>
      db.updateTable('story_centroids').set((eb) => ({ articles: eb.ref('articles') })).where('story_id', '=', storyId).execute().then(() => undefined),

    saveCentroid: (row: StoryCentroidsTable) =>
      db
        .insertInto('story_centroids')
        .values(row)
        .onConflict((oc) => oc.column('story_id').doUpdateSet({ articles: row.articles, terms: row.terms, entities: row.entities, days_sum: row.days_sum }))
        .execute()
        .then(() => undefined),

    /**
     * Stores a centroid rebuilt from the story's articles, unless the stored one changed since it was read (`read`:
     * its article count then, null when there was none): another process added to it meanwhile, under its lock, and
     * writing the rebuild over that would lose the addition. Left as it is, a miscount is rebuilt at the next read.
     */
    saveRebuiltCentroid: async (row: StoryCentroidsTable, read: number | null) => {
      if (read === null) {
        await db.insertInto('story_centroids').values(row).onConflict((oc) => oc.column('story_id').doNothing()).execute();
        return;
      }
      const { articles, terms, entities, days_sum } = row;
      await db.updateTable('story_centroids').set({ articles, terms, entities, days_sum }).where('story_id', '=', row.story_id).where('articles', '=', read).execute();
    },

    deleteCentroid: (storyId: string) => db.deleteFrom('story_centroids').where('story_id', '=', storyId).execute().then(() => undefined),

    insertStory: (row: ArticleStoriesTable) => db.insertInto('article_stories').values(row).execute(),

    insertKeys: (rows: { key: string; article_id: string; published_at: string }[]) =>
      rows.length === 0 ? Promise.resolve() : db.insertInto('story_keys').values(rows).onConflict((oc) => oc.doNothing()).execute().then(() => undefined),

    // Reading side: entity, story and article pages.

    entityBySlug: (slug: string) => db.selectFrom('entities').select(ENTITY_COLUMNS).where('slug', '=', slug).executeTakeFirst(),

    /** An entity's published articles, newest first; an article shown once even if a duplicate was imported too. */
    entityArticles: (entityId: string, limit: number, offset: number) =>
      db
        .selectFrom('article_entities')
        .innerJoin('articles', 'articles.id', 'article_entities.article_id')
        .leftJoin('article_stories', 'article_stories.article_id', 'articles.id')
        .select([...ARTICLE_COLUMNS, 'article_stories.duplicate_of'])
        .where('article_entities.entity_id', '=', entityId)
        .where('articles.status', '=', 'published')
        .where('article_stories.duplicate_of', 'is', null)
        .orderBy('articles.published_at', 'desc')
        .orderBy('articles.id')
        .limit(limit)
        .offset(offset)
        .execute(),

    async countEntityArticles(entityId: string): Promise<number> {
      const row = await db
        .selectFrom('article_entities')
        .innerJoin('articles', 'articles.id', 'article_entities.article_id')
        .leftJoin('article_stories', 'article_stories.article_id', 'articles.id')
        .select((eb) => eb.fn.countAll<string | number>().as('n'))
        .where('article_entities.entity_id', '=', entityId)
        .where('articles.status', '=', 'published')
        .where('article_stories.duplicate_of', 'is', null)
        .executeTakeFirstOrThrow();
      return Number(row.n);
    },

    /** What an entity said, newest first. */
    entityQuotes: (entityId: string, limit: number) =>
      db
        .selectFrom('quotes')
        .innerJoin('articles', 'articles.id', 'quotes.article_id')
        .select(['quotes.id', 'quotes.text', 'articles.slug', 'articles.title', 'articles.published_at'])
        .where('quotes.entity_id', '=', entityId)
        .where('articles.status', '=', 'published')
        .orderBy('articles.published_at', 'desc')
        .orderBy('quotes.position')
        .limit(limit)
        .execute(),

    articleEntities: (articleId: string) =>
      db
        .selectFrom('article_entities')
        .innerJoin('entities', 'entities.id', 'article_entities.entity_id')
        .select([...ENTITY_COLUMNS, 'article_entities.mentions'])
        .where('article_entities.article_id', '=', articleId)
        // The most named first: what the article is most about.
        .orderBy('article_entities.mentions', 'desc')
        .orderBy('article_entities.position')
        .execute(),

    articleQuotes: (articleId: string) =>
      db
        .selectFrom('quotes')
        .innerJoin('entities', 'entities.id', 'quotes.entity_id')
        .select(['quotes.id', 'quotes.text', 'quotes.entity_id', 'entities.slug', 'entities.name', 'entities.type'])
        .where('quotes.article_id', '=', articleId)
        .orderBy('quotes.position')
        .execute(),

    /** The story and source of each of these articles that has been placed in a story. */
    storiesOfArticles: (articleIds: string[]) =>
      articleIds.length === 0
        ? Promise.resolve([])
        : db
            .selectFrom('article_stories')
            .innerJoin('articles', 'articles.id', 'article_stories.article_id')
            .select(['article_stories.article_id', 'article_stories.story_id', 'articles.source_name'])
            .where('article_stories.article_id', 'in', articleIds)
            .execute(),

    storyOf: (articleId: string) =>
      db.selectFrom('article_stories').select(['story_id', 'duplicate_of']).where('article_id', '=', articleId).executeTakeFirst(),

    /** A story's published articles, oldest first (a timeline), duplicates included and marked, with their lead stems. */
    storyArticles: (storyId: string) =>
      db
        .selectFrom('article_stories')
        .innerJoin('articles', 'articles.id', 'article_stories.article_id')
        .select([...ARTICLE_COLUMNS, 'article_stories.duplicate_of', 'article_stories.word_signature', 'article_stories.published_at as placed_at'])
        .where('article_stories.story_id', '=', storyId)
        .where('articles.status', '=', 'published')
        .orderBy('articles.published_at')
        .orderBy('articles.id')
        .execute(),

    /**
     * How many articles name each entity (rarer entities say more about what an article is about); only those
     * published in the window, when one is given: an index range per entity, however old the corpus.
     */
    async entityArticleCounts(entityIds: string[], window?: { from: string; to: string }): Promise<Map<string, number>> {
      if (entityIds.length === 0) return new Map();
      let query = db
        .selectFrom('article_entities')
        .select(['entity_id', (eb) => eb.fn.countAll<string | number>().as('n')])
        .where('entity_id', 'in', entityIds);
      if (window) query = query.where('published_at', '>=', window.from).where('published_at', '<=', window.to);
      const rows = await query.groupBy('entity_id').execute();
      return new Map(rows.map((row) => [row.entity_id, Number(row.n)]));
    },

    /** Published articles naming the most of these entities, newest first among equals; duplicates left out. */
    articlesSharingEntities: (entityIds: string[], excludeIds: string[], limit: number) =>
      entityIds.length === 0
        ? Promise.resolve([])
        : db
            .selectFrom('article_entities')
            .innerJoin('articles', 'articles.id', 'article_entities.article_id')
            .leftJoin('article_stories', 'article_stories.article_id', 'articles.id')
            .select([...ARTICLE_COLUMNS, 'article_stories.duplicate_of', sql<number>`count(*)`.as('shared')])
            .where('article_entities.entity_id', 'in', entityIds)
            .where('articles.id', 'not in', excludeIds.length ? excludeIds : [''])
            .where('articles.status', '=', 'published')
            .where('article_stories.duplicate_of', 'is', null)
            .groupBy(['articles.id', 'articles.slug', 'articles.title', 'articles.source_name', 'articles.published_at', 'article_stories.duplicate_of'])
            .orderBy('shared', 'desc')
            .orderBy('articles.published_at', 'desc')
            .limit(limit)
            .execute(),
  };
}

export type UnderstandingRepository = ReturnType<typeof understandingRepository>;
