import { type Kysely, type RawBuilder, sql } from 'kysely';
import { facets, sectionIdsNamed, tagAndDateConditions } from './search-filters.ts';
import type { IndexFilters, IndexMatch, SearchIndex } from './search-index.ts';
import { headlinesFirst, RECENCY_BOOST, RECENCY_DAYS, WEIGHTS } from './search-ranking.ts';
import { headlineTsvectorLiteral, postgresCountTsquery, postgresHeadlineTsquery, postgresTsquery, tsvectorLiteral } from './search-tsvector.ts';

/** PostgreSQL: the filters on a match's placement (section, date) and tags, on article_search aliased `s`. */
function postgresFilterConditions(filters: IndexFilters): RawBuilder<unknown>[] {
  const section = filters.section ? [sql`s.section_id in ${sectionIdsNamed(filters.section)}`] : [];
  return [...section, ...tagAndDateConditions(filters, 's')];
}

/** PostgreSQL's search index: one row per article, its tsvectors in GIN indexes. */
export function postgresIndex(db: Kysely<any>): SearchIndex {
  // Every match's section and date sit beside its document (migration 0012): ranking, counting and facets never
  // visit the articles table. No status condition: the index holds published articles only (see indexArticle).
  const where = (conditions: RawBuilder<unknown>[], filters: IndexFilters) => sql.join([...conditions, ...postgresFilterConditions(filters)], sql` and `);
  /** The matches to count: found by the count tsquery, the same documents as postgresTsquery's. */
  const matches = (match: IndexMatch, filters: IndexFilters) =>
    sql`article_search s where ${where([sql`s.document @@ ${postgresCountTsquery(match)}::tsquery`], filters)}`;
  /**
   * The articles whose headline holds the query, found in the headline's own small tsvector (migration 0015);
   * an exclusion is checked on the document, for these articles only.
   */
  const headlineMatches = (match: IndexMatch, filters: IndexFilters) =>
    sql`article_search s where ${where([
      sql`s.headline @@ ${postgresHeadlineTsquery(match)}::tsquery`,
      ...(match.excluded.length ? [sql`s.document @@ ${postgresTsquery(match)}::tsquery`] : []),
    ], filters)}`;
  const otherMatches = (match: IndexMatch, filters: IndexFilters) =>
    sql`article_search s where ${where([
      sql`s.document @@ ${postgresTsquery(match)}::tsquery`,
      sql`not (s.headline @@ ${postgresHeadlineTsquery(match)}::tsquery)`,
    ], filters)}`;

  return {
    async upsert(entries) {
      // Many rows a statement: one round trip per hundred articles instead of one per article.
      for (let start = 0; start < entries.length; start += POSTGRES_ROWS_PER_INSERT) {
        const rows = entries.slice(start, start + POSTGRES_ROWS_PER_INSERT).map(({ articleId, text, placement }) =>
          sql`(${articleId}, ${tsvectorLiteral(text)}::tsvector, ${headlineTsvectorLiteral(text)}::tsvector, ${placement.sectionId}, ${placement.publishedAt})`);
        await sql`insert into article_search (article_id, document, headline, section_id, published_at) values ${sql.join(rows)}
          on conflict (article_id) do update
          set document = excluded.document, headline = excluded.headline, section_id = excluded.section_id, published_at = excluded.published_at`.execute(db);
      }
    },
    async remove(articleId) {
      await sql`delete from article_search where article_id = ${articleId}`.execute(db);
    },
    async clear() {
      await sql`delete from article_search`.execute(db);
    },
    async search(match, filters, limit, offset, countLimit) {
      const [ids, groups] = await Promise.all([
        throughTheIndex((trx) => rankedIds(trx, match, filters, limit, offset)),
        throughTheIndex((trx) => matchesPerSection(trx, match, filters, countLimit)),
      ]);
      const counted = groups.reduce((sum, group) => sum + Number(group.count), 0);
      const named = groups.flatMap(({ slug, name, count }) => (slug && name ? [{ slug, name, count: Number(count) }] : []));
      return { ids, ...facets(named, counted, countLimit) };
    },
  };

  /**
   * Runs a search query with sequential scans off. For a common word (a fifth of all articles) the planner
   * prefers reading the whole table to the GIN index, as it does not count the cost of reading each row's
   * out-of-line tsvector to test it: 1.2 s instead of 0.19 s for a word in 19,000 of 100,000 articles.
   */
  async function throughTheIndex<T>(run: (trx: Kysely<any>) => Promise<T>): Promise<T> {
    if (db.isTransaction) return run(db);
    return db.transaction().execute(async (trx) => {
      await sql`set local enable_seqscan = off`.execute(trx);
      return run(trx);
    });
  }

  /**
   * One page of matching ids, ranked as on SQLite: articles whose headline holds the query first, ranked on their
   * headline, then the others on the whole article; within each, ts_rank times the recency boost.
   */
  async function rankedIds(trx: Kysely<any>, match: IndexMatch, filters: IndexFilters, limit: number, offset: number): Promise<string[]> {
    const ranked = async (matched: RawBuilder<unknown>, vector: 'headline' | 'document', tsquery: string, pageLimit: number, pageOffset: number) => {
      const result = await sql<{ id: string }>`select s.article_id as id from ${matched}
        order by ts_rank(${POSTGRES_RANK_WEIGHTS}::float4[], ${sql.ref(`s.${vector}`)}, ${tsquery}::tsquery)
          * (1 + ${RECENCY_BOOST} / (1 + greatest(0, extract(epoch from now() - s.published_at::timestamptz)) / 86400 / ${RECENCY_DAYS})) desc,
          s.published_at desc
        limit ${pageLimit} offset ${pageOffset}`.execute(trx);
      return result.rows.map((row) => row.id);
    };
    return headlinesFirst({
      headlines: (pageLimit, pageOffset) => ranked(headlineMatches(match, filters), 'headline', postgresHeadlineTsquery(match), pageLimit, pageOffset),
      headlineCount: async () =>
        Number((await sql<{ count: string }>`select count(*) as count from ${headlineMatches(match, filters)}`.execute(trx)).rows[0]!.count),
      others: (pageLimit, pageOffset) => ranked(otherMatches(match, filters), 'document', postgresTsquery(match), pageLimit, pageOffset),
    }, limit, offset);
  }

  /** How many of the first countLimit + 1 matches each section holds, named (slug and name null: no section). */
  async function matchesPerSection(trx: Kysely<any>, match: IndexMatch, filters: IndexFilters, countLimit: number) {
    const result = await sql<{ slug: string | null; name: string | null; count: string }>`select sections.slug, sections.name, counts.count
      from (select section_id, count(*) as count from (select s.section_id from ${matches(match, filters)} limit ${countLimit + 1}) counted
        group by section_id) counts
      left join sections on sections.id = counts.section_id`.execute(trx);
    return result.rows;
  }
}

/** ts_rank's weight array is ordered {D, C, B, A}: the same weights as SQLite's, scaled to 0..1. */
const POSTGRES_RANK_WEIGHTS = `{${[WEIGHTS.bodyStem, WEIGHTS.bodyExact, WEIGHTS.titleStem, WEIGHTS.titleExact].map((w) => w / WEIGHTS.titleExact).join(',')}}`;

/** Articles per insert statement when PostgreSQL indexes many at once (five parameters each). */
const POSTGRES_ROWS_PER_INSERT = 100;
