import { type Kysely, type RawBuilder, sql } from 'kysely';
import { facets, sectionIdsNamed, tagAndDateConditions } from './search-filters.ts';
import { sqliteCountExpression, sqliteExcludedExpression, sqliteHeadlineExpression, sqliteMatchExpression } from './search-fts5.ts';
import { bestHeadlines, checkHeadlineKey, headlineKeyBase, nextHeadlineKey } from './search-headlines.ts';
import type { IndexFilters, IndexMatch, SearchIndex } from './search-index.ts';
import { headlinesFirst, RECENCY_BOOST, RECENCY_DAYS } from './search-ranking.ts';
import { countSectionNumbers, patchedSectionBlock, sectionBlockOf, sectionBlocksChanged } from './search-section-blocks.ts';

/** The current time as a Julian day number, SQLite's unit for dates, computed once per query instead of once per match. */
function julianDayNow(): number {
  return Date.now() / 86_400_000 + 2_440_587.5;
}

/** The recency boost of an article published on a Julian day (SQLite), in (1, 1 + RECENCY_BOOST]; an undated article gets none. */
function boostSql(publishedDay: RawBuilder<unknown>, now: number): RawBuilder<unknown> {
  return sql`coalesce(1 + ${RECENCY_BOOST} / (1 + max(0, ${now} - ${publishedDay}) / ${RECENCY_DAYS}), 1)`;
}

/** SQLite's search index: the FTS5 tables of the articles and of their headlines, with rows and placements beside them. */
export function sqliteIndex(db: Kysely<any>): SearchIndex {
  // A match of article_search (s) is joined to its placement (p: Julian day and section number, a narrow table)
  // to be ranked or filtered by section, and to article_search_rows (r: article id, section, date string) only
  // under a tag or date filter.
  const sectionNumbersNamed = (section: string) => sql`(select number from article_search_sections where section_id in ${sectionIdsNamed(section)})`;
  const anyFilter = (filters: IndexFilters) => Boolean(filters.section || filters.tag || filters.from || filters.to);
  /** The filters on a match's placement (p: section) and rows (r: tags, date). */
  const filterConditions = (filters: IndexFilters) => [
    ...(filters.section ? [sql`p.section_number in ${sectionNumbersNamed(filters.section)}`] : []),
    ...tagAndDateConditions(filters, 'r'),
  ];
  /** The matches of article_search as `s`, filtered; joined to their placements to be ranked or filtered by section. */
  const matchesIn = (expression: string, filters: IndexFilters, { more = [], ranked = false }: { more?: RawBuilder<unknown>[]; ranked?: boolean } = {}) => {
    const joins = [
      ...(ranked || filters.section ? [sql`join article_search_placements p on p.search_rowid = s.rowid`] : []),
      ...(filters.tag || filters.from || filters.to ? [sql`join article_search_rows r on r.search_rowid = s.rowid`] : []),
    ];
    const conditions = [sql`s.article_search match ${expression}`, ...filterConditions(filters), ...more];
    return sql`article_search s ${sql.join(joins, sql` `)} where ${sql.join(conditions, sql` and `)}`;
  };
  /**
   * The headlines (article_search_headlines as `h`, keyed by length and minute: see search-headlines.ts) that an
   * FTS5 expression matches, filtered, and holding no excluded word anywhere in their article. Joined to the
   * article's rows and placement only when a filter or an exclusion needs them.
   */
  const headlinesMatching = (match: IndexMatch, filters: IndexFilters) => (expression: string) => {
    const conditions = [sql`h.article_search_headlines match ${expression}`, ...filterConditions(filters)];
    if (match.excluded.length) {
      conditions.push(sql`r.search_rowid not in (select rowid from article_search where article_search match ${sqliteExcludedExpression(match)})`);
    }
    const joins = anyFilter(filters) || match.excluded.length
      ? sql`join article_search_rows r on r.headline_key = h.rowid join article_search_placements p on p.search_rowid = r.search_rowid`
      : sql``;
    return sql`article_search_headlines h ${joins} where ${sql.join(conditions, sql` and `)}`;
  };
  /** The other matches: the query held somewhere in the article, not all of it in the headline. */
  const otherMatches = (match: IndexMatch, filters: IndexFilters) =>
    matchesIn(sqliteMatchExpression(match), filters, {
      ranked: true,
      more: [sql`s.rowid not in (select r.search_rowid from article_search_headlines h
        join article_search_rows r on r.headline_key = h.rowid where h.article_search_headlines match ${sqliteHeadlineExpression(match)})`],
    });

  /** The article ids of search rows, in the order of the rows (named by a column of article_search_rows). */
  const articleIds = async (column: 'search_rowid' | 'headline_key', keys: number[]) => {
    if (keys.length === 0) return [];
    const { rows } = await sql<{ key: number; article_id: string }>`select ${sql.ref(column)} as key, article_id from article_search_rows
      where ${sql.ref(column)} in (${sql.join(keys)})`.execute(db);
    const ids = new Map(rows.map((row) => [row.key, row.article_id]));
    return keys.flatMap((key) => ids.get(key) ?? []);
  };

  /**
   * One page of matching ids. Articles whose headline holds the query come first, ranked on their headline (see
   * search-headlines.ts); the other matches after them, ranked by the whole article's bm25 (rank: negative, lower
   * is better) times the recency boost, ties to the later indexed. A common word is in a few thousand headlines
   * but two hundred thousand articles: the first pages rank the headlines only, and the other matches (every
   * match scored) are ranked only once the headlines run out.
   */
  const rankedIds = async (match: IndexMatch, filters: IndexFilters, limit: number, offset: number) => {
    const headlines = headlinesMatching(match, filters);
    return headlinesFirst({
      headlines: async (pageLimit, pageOffset) =>
        articleIds('headline_key', (await bestHeadlines(db, match, headlines, pageOffset + pageLimit)).slice(pageOffset)),
      headlineCount: async () =>
        Number((await sql<{ count: number }>`select count(*) as count from ${headlines(sqliteHeadlineExpression(match))}`.execute(db)).rows[0]!.count),
      others: async (pageLimit, pageOffset) => {
        const { rows } = await sql<{ search_rowid: number }>`select s.rowid as search_rowid from ${otherMatches(match, filters)}
          order by s.rank * ${boostSql(sql`p.published_day`, julianDayNow())}, s.rowid desc limit ${pageLimit} offset ${pageOffset}`.execute(db);
        return articleIds('search_rowid', rows.map((row) => row.search_rowid));
      },
    }, limit, offset);
  };

  /**
   * How many of the first countLimit + 1 matches each section holds, named, and how many were counted; the
   * section numbers read from the section blocks of the matches' rowids. The rowids come back as one string:
   * 10,001 rows cost 3–10 ms more to hand over one by one.
   */
  const matchesPerSection = async (match: IndexMatch, filters: IndexFilters, countLimit: number) => {
    const { rows } = await sql<{ rowids: string | null }>`select group_concat(rowid) as rowids
      from (select s.rowid as rowid from ${matchesIn(sqliteCountExpression(match), filters)} limit ${countLimit + 1})`.execute(db);
    const rowids = integersOf(rows[0]?.rowids ?? '');
    const counted = await countSectionNumbers(db, rowids);
    const named = counted.size
      ? (await sql<{ number: number; slug: string; name: string }>`select n.number, sections.slug, sections.name
          from article_search_sections n join sections on sections.id = n.section_id
          where n.number in (select value from json_each(${JSON.stringify([...counted.keys()])}))`.execute(db)).rows
      : [];
    return { counted: rowids.length, sections: named.map(({ slug, name, number }) => ({ slug, name, count: counted.get(number)! })) };
  };

  return {
    async upsert(entries) {
      // FTS5 writes its pending terms out as a new segment whenever another statement opens a savepoint (an
      // upsert, a foreign key check), so interleaving row upserts with full-text inserts made every article its
      // own tiny segment, to be merged later: 1.2 ms per article. The rows first, then the full-text deletes and
      // inserts back to back, written out once at commit.
      const rowids: number[] = [];
      const headlineKeys: number[] = [];
      const reindexed: { rowid: number; headlineKey: number }[] = [];
      const sectionChanges = new Map<number, { rowid: number; number: number | null }[]>();
      // Each section is numbered once, before the placements and keys below name it by number.
      const sectionIds = [...new Set(entries.flatMap(({ placement }) => (placement.sectionId ? [placement.sectionId] : [])))];
      for (const sectionId of sectionIds) {
        await sql`insert into article_search_sections (section_id) values (${sectionId}) on conflict (section_id) do nothing`.execute(db);
      }
      const sectionNumbers = new Map(sectionIds.length
        ? (await sql<{ number: number; section_id: string }>`select number, section_id from article_search_sections
            where section_id in (${sql.join(sectionIds)})`.execute(db)).rows.map((row) => [row.section_id, row.number])
        : []);
      for (const { articleId, placement, text } of entries) {
        // A new article gets its search rowid here; an article indexed before keeps its rowid and loses its old
        // entries. Its full-text keys are made again either way, as its section, length or date may have changed.
        const keyBase = headlineKeyBase(text.titleExact, placement.publishedAt);
        const fresh = await sql<{ search_rowid: number; headline_key: number }>`insert into article_search_rows (article_id, section_id, published_at, headline_key)
          values (${articleId}, ${placement.sectionId}, ${placement.publishedAt}, ${nextHeadlineKey(keyBase)})
          on conflict (article_id) do nothing returning search_rowid, headline_key`.execute(db);
        const before = fresh.rows.length === 0
          ? (await sql<{ search_rowid: number; headline_key: number }>`select search_rowid, headline_key from article_search_rows
              where article_id = ${articleId}`.execute(db)).rows[0]!
          : undefined;
        const written = before
          ? await sql<{ search_rowid: number; headline_key: number }>`update article_search_rows
              set section_id = ${placement.sectionId}, published_at = ${placement.publishedAt}, headline_key = ${nextHeadlineKey(keyBase)}
              where search_rowid = ${before.search_rowid} returning search_rowid, headline_key`.execute(db)
          : fresh;
        const { search_rowid: rowid, headline_key: headlineKey } = written.rows[0]!;
        checkHeadlineKey(keyBase, headlineKey);
        if (before) reindexed.push({ rowid, headlineKey: before.headline_key });
        const sectionNumber = placement.sectionId ? sectionNumbers.get(placement.sectionId)! : null;
        rowids.push(rowid);
        headlineKeys.push(headlineKey);
        const block = sectionBlockOf(rowid);
        const changes = sectionChanges.get(block) ?? [];
        changes.push({ rowid, number: sectionNumber });
        sectionChanges.set(block, changes);
        await sql`insert into article_search_placements (search_rowid, published_day, section_number)
          values (${rowid}, julianday(${placement.publishedAt}), ${sectionNumber})
          on conflict (search_rowid) do update set published_day = excluded.published_day, section_number = excluded.section_number`.execute(db);
      }
      for (const [block, changes] of sectionChanges) {
        const { rows } = await sql<{ numbers: Uint8Array }>`select numbers from article_search_section_blocks where block = ${block}`.execute(db);
        await sql`insert into article_search_section_blocks (block, numbers) values (${block}, ${patchedSectionBlock(rows[0]?.numbers ?? null, changes)})
          on conflict (block) do update set numbers = excluded.numbers`.execute(db);
      }
      if (sectionChanges.size) await sectionBlocksChanged(db);
      for (const { rowid } of reindexed) await sql`delete from article_search where rowid = ${rowid}`.execute(db);
      for (const [position, { text }] of entries.entries()) {
        await sql`insert into article_search (rowid, title_exact, title_stem, body_exact, body_stem)
          values (${rowids[position]}, ${text.titleExact}, ${text.titleStem}, ${text.bodyExact}, ${text.bodyStem})`.execute(db);
      }
      // The headlines after, back to back in the same way, and in the order of their keys: FTS5 also writes its
      // pending terms out whenever a rowid comes lower than the one before, and keys go by length and date.
      for (const { headlineKey } of reindexed) await sql`delete from article_search_headlines where rowid = ${headlineKey}`.execute(db);
      const headlines = entries.map(({ text }, position) => ({ key: headlineKeys[position]!, text })).sort((a, b) => a.key - b.key);
      for (const { key, text } of headlines) {
        await sql`insert into article_search_headlines (rowid, title_exact, title_stem) values (${key}, ${text.titleExact}, ${text.titleStem})`.execute(db);
      }
    },
    async remove(articleId) {
      const indexed = (column: 'search_rowid' | 'headline_key') => sql`(select ${sql.ref(column)} from article_search_rows where article_id = ${articleId})`;
      await sql`delete from article_search where rowid = ${indexed('search_rowid')}`.execute(db);
      await sql`delete from article_search_headlines where rowid = ${indexed('headline_key')}`.execute(db);
      await sql`delete from article_search_placements where search_rowid = ${indexed('search_rowid')}`.execute(db);
      await sql`delete from article_search_rows where article_id = ${articleId}`.execute(db);
    },
    async clear() {
      await sql`insert into article_search (article_search) values ('delete-all')`.execute(db);
      await sql`insert into article_search_headlines (article_search_headlines) values ('delete-all')`.execute(db);
      await sql`delete from article_search_rows`.execute(db);
      await sql`delete from article_search_placements`.execute(db);
      await sql`delete from article_search_section_blocks`.execute(db);
      await sectionBlocksChanged(db);
    },
    async search(match, filters, limit, offset, countLimit) {
      const ids = await rankedIds(match, filters, limit, offset);
      const { sections, counted } = await matchesPerSection(match, filters, countLimit);
      return { ids, ...facets(sections, counted, countLimit) };
    },
  };
}

/** The integers of a comma-separated list, as group_concat writes them: four times faster than split and Number on 10,001 rowids. */
function integersOf(list: string): number[] {
  if (!list) return [];
  const integers: number[] = [];
  let value = 0;
  for (let at = 0; at < list.length; at++) {
    const code = list.charCodeAt(at);
    if (code === COMMA) {
      integers.push(value);
      value = 0;
    } else {
      value = value * 10 + code - ZERO;
    }
  }
  integers.push(value);
  return integers;
}

const COMMA = 44;
const ZERO = 48;
