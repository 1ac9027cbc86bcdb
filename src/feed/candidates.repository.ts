import type { Kysely, Transaction } from 'kysely';
import type { ArticleListItem } from '../articles/article.repository.ts';
import type { Database } from '../db/schema.ts';
import { filterOnly } from '../db/planner.ts';

type Executor = Kysely<Database> | Transaction<Database>;

/** What the ranking needs of an article, as stored. */
export interface ArticleFeatures {
  id: string;
  publishedAt: string;
  sectionId: string | null;
  sourceName: string | null;
  tagIds: string[];
  authorIds: string[];
  entityIds: string[];
  /** The story it belongs to (src/understanding), when clustered. */
  storyId: string | null;
  /** Linked as the duplicate of another article (the same report from two feeds): never a candidate. */
  duplicate: boolean;
}

/** Ids per query: every engine takes this many parameters comfortably. */
const CHUNK = 900;

/** All SQL that finds feed candidates and the features of articles. */
export function candidateRepository(db: Executor) {
  const published = (since: string, until: string) =>
    db
      .selectFrom('articles')
      .select('articles.id')
      .where('articles.status', '=', 'published')
      .where('articles.published_at', '>=', since)
      .where('articles.published_at', '<=', until);

  return {
    /** The newest published articles in the window. */
    async freshIds(since: string, until: string, limit: number): Promise<string[]> {
      const rows = await published(since, until).orderBy('articles.published_at', 'desc').limit(limit).execute();
      return rows.map((row) => row.id);
    },

    /** The newest articles of each section (one indexed query per section). */
    async sectionIds(sectionIds: string[], since: string, until: string, limitEach: number): Promise<string[]> {
      const lists = await Promise.all(
        sectionIds.map((sectionId) =>
          published(since, until).where('articles.section_id', '=', sectionId).orderBy('articles.published_at', 'desc').limit(limitEach).execute(),
        ),
      );
      return lists.flat().map((row) => row.id);
    },

    /**
     * The newest articles carrying any of these tags, by any of these authors, or naming any of these entities:
     * the window is walked newest first and each article's links looked up by its id, so the cost is bounded by
     * the window, not by how much a followed author ever wrote nor by how many are followed.
     */
    async linkedIds(kind: 'tag' | 'author' | 'entity', ids: string[], since: string, until: string, limit: number): Promise<string[]> {
      if (ids.length === 0) return [];
      const base = published(since, until).orderBy('articles.published_at', 'desc').limit(limit);
      const rows =
        kind === 'tag'
          ? await base.innerJoin('article_tags', 'article_tags.article_id', 'articles.id').where(filterOnly(db, 'article_tags.tag_id'), 'in', ids).execute()
          : kind === 'author'
            ? await base
                .innerJoin('article_authors', 'article_authors.article_id', 'articles.id')
                .where(filterOnly(db, 'article_authors.author_id'), 'in', ids)
                .execute()
            : await base
                .innerJoin('article_entities', 'article_entities.article_id', 'articles.id')
                .where(filterOnly(db, 'article_entities.entity_id'), 'in', ids)
                .execute();
      return [...new Set(rows.map((row) => row.id))];
    },

    /** Of these ids, the published articles within the window. */
    async publishedAmong(ids: string[], since: string, until: string): Promise<string[]> {
      const found: string[] = [];
      for (let start = 0; start < ids.length; start += CHUNK) {
        const rows = await published(since, until).where('articles.id', 'in', ids.slice(start, start + CHUNK)).execute();
        found.push(...rows.map((row) => row.id));
      }
      return found;
    },

    /** The listed articles among these ids, as cards show them (published only, checked here, see `features`). */
    async listByIds(ids: string[]): Promise<ArticleListItem[]> {
      if (ids.length === 0) return [];
      const rows = await db
        .selectFrom('articles')
        .leftJoin('sections', 'sections.id', 'articles.section_id')
        .select([
          'articles.id',
          'articles.slug',
          'articles.title',
          'articles.subtitle',
          'articles.paragraphs',
          'articles.published_at',
          'articles.updated_at',
          'articles.status',
          'sections.slug as section_slug',
          'sections.name as section_name',
          'articles.source_name',
          'articles.source_url',
        ])
        .where('articles.id', 'in', ids)
        .execute();
      return rows.filter((row) => row.status === 'published').map(({ status: _status, ...item }) => item);
    },

    /**
     * Section, source, story, tags, authors and entities of each published article, in five queries per chunk of
     * ids, each a lookup by article id. The articles' own columns come from the `articles_feed_features` index
     * (id first, then status: SQLite takes it over the primary key because it answers both terms without reading
     * the row, whose paragraphs come before section and source). A join of articles and stories under an IN list
     * made SQLite scan: 2.6 s at 130,000.
     */
    async features(ids: string[]): Promise<Map<string, ArticleFeatures>> {
      const byId = new Map<string, ArticleFeatures>();
      for (let start = 0; start < ids.length; start += CHUNK) {
        const chunk = ids.slice(start, start + CHUNK);
        const [articles, stories, tags, authors, entities] = await Promise.all([
          db
            .selectFrom('articles')
            .select(['id', 'published_at', 'section_id', 'source_name'])
            .where('id', 'in', chunk)
            .where('status', '=', 'published')
            .execute(),
          db.selectFrom('article_stories').select(['article_id', 'story_id', 'duplicate_of']).where('article_id', 'in', chunk).execute(),
          db.selectFrom('article_tags').select(['article_id', 'tag_id']).where('article_id', 'in', chunk).execute(),
          db.selectFrom('article_authors').select(['article_id', 'author_id']).where('article_id', 'in', chunk).execute(),
          db.selectFrom('article_entities').select(['article_id', 'entity_id']).where('article_id', 'in', chunk).execute(),
        ]);
        for (const row of articles) {
          byId.set(row.id, {
            id: row.id,
            publishedAt: row.published_at ?? '',
            sectionId: row.section_id,
            sourceName: row.source_name,
            tagIds: [],
            authorIds: [],
            entityIds: [],
            storyId: null,
            duplicate: false,
          });
        }
        for (const row of stories) {
          const article = byId.get(row.article_id);
          if (!article) continue;
          article.storyId = row.story_id;
          article.duplicate = row.duplicate_of !== null;
        }
        for (const row of tags) byId.get(row.article_id)?.tagIds.push(row.tag_id);
        for (const row of authors) byId.get(row.article_id)?.authorIds.push(row.author_id);
        for (const row of entities) byId.get(row.article_id)?.entityIds.push(row.entity_id);
      }
      return byId;
    },
  };
}
