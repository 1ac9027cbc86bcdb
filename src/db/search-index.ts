import { type Kysely, type RawBuilder, sql } from 'kysely';
import { engineOf } from './engine.ts';
import { bestHeadlines, checkHeadlineKey, headlineKeyBase, nextHeadlineKey } from './search-headlines.ts';
import { RECENCY_BOOST, RECENCY_DAYS, WEIGHTS } from './search-ranking.ts';

// The one place where full-text search differs between the engines. SQLite: an FTS5 table with four analyzed
// columns ranked by bm25, and one of the headlines alone, keyed by length and date (search-headlines.ts).
// PostgreSQL: a tsvector written token by token (weights A–D for the same four parts, no text-search parser
// involved) in a GIN index, ranked by ts_rank. Both get exactly the analyzer's tokens, and both rank the articles
// whose headline holds the query first.

/**
 * Analyzed text of one article: exact forms and stems, word by word, each list joined by single spaces (analyzed
 * words hold no spaces, and a joined string is what SQLite stores and what crosses threads cheaply). An exact list
 * and its stem list have the same number of words.
 */
export interface IndexedText {
  titleExact: string;
  titleStem: string;
  bodyExact: string;
  bodyStem: string;
}

export interface IndexTerm {
  exact: string;
  stem: string;
}

/** What must match: every term (by exact form or stem), every phrase (exact forms in order), no excluded term. */
export interface IndexMatch {
  terms: IndexTerm[];
  phrases: string[][];
  excluded: IndexTerm[];
}

export interface IndexFilters {
  /** Section slug or name. */
  section: string | null;
  /** Tag slug or name. */
  tag: string | null;
  from: string | null;
  /** Inclusive last day. */
  to: string | null;
}

/** Where an indexed article sits: what section filters, facets and the recency boost need. */
export interface IndexPlacement {
  sectionId: string | null;
  publishedAt: string | null;
}

/** One article's entry in the index. */
export interface IndexEntry {
  articleId: string;
  text: IndexedText;
  placement: IndexPlacement;
}

/** Holds published articles only: an article leaves the index when it is unpublished or deleted. */
export interface SearchIndex {
  /** Adds or replaces these articles' entries; many at once is much faster on SQLite (see its upsert). */
  upsert(entries: IndexEntry[]): Promise<void>;
  remove(articleId: string): Promise<void>;
  clear(): Promise<void>;
  /**
   * One page of matching article ids, best first, with the number of matches and their count per section, both
   * counted up to countLimit (COUNT_LIMIT) matches.
   */
  search(match: IndexMatch, filters: IndexFilters, limit: number, offset: number, countLimit?: number): Promise<IndexPage>;
}

export interface IndexPage {
  ids: string[];
  /** How many articles match; the count limit when there are more (totalExact false). */
  total: number;
  /** False when more articles match than the count limit: the total and the section counts are then lower bounds. */
  totalExact: boolean;
  sections: { slug: string; name: string; count: number }[];
}

/**
 * Matches are counted up to this many, as search engines do (Elasticsearch's track_total_hits is 10,000 by default):
 * past it the reader reads "more than 10,000 results" and the sections found among the matches counted. Counting
 * all 200,000 matches of a common word in a million articles cost as much as ranking them; and ten results a page
 * for at most 1,000 pages never show more than 10,000.
 */
export const COUNT_LIMIT = 10_000;

/** How many counted matches a named section holds. */
type SectionCount = { slug: string; name: string; count: number };

export function searchIndexFor(db: Kysely<any>): SearchIndex {
  return engineOf(db) === 'postgres' ? postgresIndex(db) : sqliteIndex(db);
}

/** The total and section facets from the named sections' counts and the number of matches counted, the largest section first. */
function facets(sections: SectionCount[], counted: number, countLimit: number): Pick<IndexPage, 'total' | 'totalExact' | 'sections'> {
  return {
    total: Math.min(counted, countLimit),
    totalExact: counted <= countLimit,
    sections: sections.sort((a, b) => b.count - a.count || a.name.localeCompare(b.name)),
  };
}

/** The current time as a Julian day number, SQLite's unit for dates, computed once per query instead of once per match. */
function julianDayNow(): number {
  return Date.now() / 86_400_000 + 2_440_587.5;
}

/** The recency boost of an article published on a Julian day (SQLite), in (1, 1 + RECENCY_BOOST]; an undated article gets none. */
function boostSql(publishedDay: RawBuilder<unknown>, now: number): RawBuilder<unknown> {
  return sql`coalesce(1 + ${RECENCY_BOOST} / (1 + max(0, ${now} - ${publishedDay}) / ${RECENCY_DAYS}), 1)`;
}

/** The ids of the section a filter names, by slug or name. */
function sectionIdsNamed(section: string): RawBuilder<unknown> {
  return sql`(select id from sections where slug = ${section} or name = ${section})`;
}

/**
 * The tag and date filters, on the table (alias) that holds each match's article id and ISO publication date: the
 * same on both engines. The section filter is each engine's own (a section number on SQLite).
 */
function tagAndDateConditions(filters: IndexFilters, table: 's' | 'r'): RawBuilder<unknown>[] {
  const column = (name: 'article_id' | 'published_at') => sql.ref(`${table}.${name}`);
  const conditions: RawBuilder<unknown>[] = [];
  if (filters.tag) {
    conditions.push(sql`exists (select 1 from article_tags at join tags t on t.id = at.tag_id
      where at.article_id = ${column('article_id')} and (t.slug = ${filters.tag} or t.name = ${filters.tag}))`);
  }
  if (filters.from) conditions.push(sql`${column('published_at')} >= ${filters.from}`);
  // published_at is an ISO timestamp: everything on the last day sorts before the day's end marker "T~".
  if (filters.to) conditions.push(sql`${column('published_at')} <= ${`${filters.to}T~`}`);
  return conditions;
}

/** PostgreSQL: the filters on a match's placement (section, date) and tags, on article_search aliased `s`. */
function postgresFilterConditions(filters: IndexFilters): RawBuilder<unknown>[] {
  const section = filters.section ? [sql`s.section_id in ${sectionIdsNamed(filters.section)}`] : [];
  return [...section, ...tagAndDateConditions(filters, 's')];
}

/** A ranking in two tiers, each read a page at a time: the articles whose headline holds the query, then the others. */
interface RankingTiers<T> {
  headlines(limit: number, offset: number): Promise<T[]>;
  headlineCount(): Promise<number>;
  others(limit: number, offset: number): Promise<T[]>;
}

/**
 * One page of a ranking that puts the headline matches first. The headlines are counted only when a page starts
 * past their end: a page they do not fill tells where they end.
 */
async function headlinesFirst<T>(tiers: RankingTiers<T>, limit: number, offset: number): Promise<T[]> {
  const page = await tiers.headlines(limit, offset);
  if (page.length === limit) return page;
  const headlines = page.length > 0 || offset === 0 ? offset + page.length : await tiers.headlineCount();
  return [...page, ...(await tiers.others(limit - page.length, Math.max(0, offset - headlines)))];
}

/** Where a match expression looks: the exact-form and stem columns of the whole article, or of its headline. */
type MatchColumns = { exact: string; stem: string };
const ARTICLE_COLUMNS: MatchColumns = { exact: '{title_exact body_exact}', stem: '{title_stem body_stem}' };
const HEADLINE_COLUMNS: MatchColumns = { exact: '{title_exact}', stem: '{title_stem}' };

const ftsString = (text: string) => `"${text.replace(/"/g, '""')}"`;
const ftsTerm = (t: IndexTerm, columns: MatchColumns) => `(${columns.exact} : ${ftsString(t.exact)} OR ${columns.stem} : ${ftsString(t.stem)})`;

/** The FTS5 query for a match on the whole article: each term by exact form or stem, phrases by exact forms, exclusions after NOT. */
export function sqliteMatchExpression(match: IndexMatch): string {
  const positive = sqliteHeldExpression(match, ARTICLE_COLUMNS);
  return match.excluded.length ? `(${positive}) NOT (${sqliteExcludedExpression(match)})` : positive;
}

/** The FTS5 query (on article_search_headlines) for the headlines holding every term and phrase; exclusions not included. */
export function sqliteHeadlineExpression(match: IndexMatch): string {
  return sqliteHeldExpression(match, HEADLINE_COLUMNS);
}

/** The FTS5 query (on article_search) for the articles holding any excluded term. */
export function sqliteExcludedExpression(match: IndexMatch): string {
  return match.excluded.map((t) => ftsTerm(t, ARTICLE_COLUMNS)).join(' OR ');
}

/**
 * The FTS5 query that finds the same articles as sqliteMatchExpression, for counting them: each term by its stem
 * alone. A word's stem is a function of its exact form (lightStem), indexed at the same position, so an article
 * holding a term's exact form holds its stem too; the exact forms matter only to ranking. One column filter a term
 * instead of two reads the matches in half the time.
 */
export function sqliteCountExpression(match: IndexMatch): string {
  const stems = (terms: IndexTerm[]) => terms.map((t) => `${ARTICLE_COLUMNS.stem} : ${ftsString(t.stem)}`);
  const positive = [...stems(match.terms), ...match.phrases.map((phrase) => `${ARTICLE_COLUMNS.exact} : ${ftsString(phrase.join(' '))}`)].join(' AND ');
  return match.excluded.length ? `(${positive}) NOT (${stems(match.excluded).join(' OR ')})` : positive;
}

/**
 * The section numbers of 2,048 consecutive search rowids per row of article_search_section_blocks, a byte each
 * (0: no section). The facets of a common word's first 10,001 matches read a few dozen blocks instead of one
 * placement per match, which took 10–20 ms of a search at a million articles. A byte holds the numbers of the
 * first 254 sections; a later section's articles are marked LOOK_UP_SECTION and read from their placements.
 */
const SECTION_BLOCK_ROWIDS = 2_048;
const NO_SECTION = 0;
const LOOK_UP_SECTION = 255;

/** The section numbers of one block, patched with the numbers of some of its rowids. */
export function patchedSectionBlock(numbers: Uint8Array | null, changes: { rowid: number; number: number | null }[]): Buffer {
  const block = Buffer.alloc(SECTION_BLOCK_ROWIDS);
  if (numbers) block.set(numbers);
  for (const { rowid, number } of changes) block[rowid % SECTION_BLOCK_ROWIDS] = Math.min(number ?? NO_SECTION, LOOK_UP_SECTION);
  return block;
}

export const sectionBlockOf = (rowid: number) => Math.floor(rowid / SECTION_BLOCK_ROWIDS);

/**
 * The blocks a connection (a Kysely instance) has read, while article_search_section_generation holds the same
 * value: every write of the blocks sets it to a new random value, in the writer's transaction. A common word's
 * matches spread over hundreds of blocks, and reading them took 1–4 ms of a search at a million articles; a
 * million articles' blocks take a megabyte. A random value, not a counter: a counter comes back to a value it
 * had after a rolled-back write, or in a file restored from a backup, with other blocks behind it.
 */
const blocksRead = new WeakMap<Kysely<any>, { generation: number; blocks: Map<number, Uint8Array> }>();

/** The section blocks of these numbers (a block never written: empty), from what this connection has read when still current. */
async function sectionBlocks(db: Kysely<any>, numbers: number[]): Promise<Map<number, Uint8Array>> {
  const { rows } = await sql<{ generation: number }>`select generation from article_search_section_generation`.execute(db);
  const generation = rows[0]!.generation;
  let read = blocksRead.get(db);
  if (read?.generation !== generation) {
    read = { generation, blocks: new Map() };
    blocksRead.set(db, read);
  }
  const missing = numbers.filter((number) => !read.blocks.has(number));
  if (missing.length) {
    const found = await sql<{ block: number; numbers: Uint8Array }>`select block, numbers from article_search_section_blocks
      where block in (select value from json_each(${JSON.stringify(missing)}))`.execute(db);
    for (const number of missing) read.blocks.set(number, new Uint8Array(0));
    for (const row of found.rows) read.blocks.set(row.block, row.numbers);
  }
  return read.blocks;
}

/** The blocks of these rowids, each once when the rowids come in order (as FTS5 hands them out). */
function blocksOf(rowids: number[]): number[] {
  const numbers: number[] = [];
  for (const rowid of rowids) if (sectionBlockOf(rowid) !== numbers.at(-1)) numbers.push(sectionBlockOf(rowid));
  return numbers;
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

/** Marks the section blocks changed (see blocksRead), in the transaction that changed them. */
export async function sectionBlocksChanged(db: Kysely<any>): Promise<void> {
  await sql`update article_search_section_generation set generation = random() >> 11`.execute(db);
}

function sqliteHeldExpression(match: IndexMatch, columns: MatchColumns): string {
  return [
    ...match.terms.map((t) => ftsTerm(t, columns)),
    ...match.phrases.map((phrase) => `${columns.exact} : ${ftsString(phrase.join(' '))}`),
  ].join(' AND ');
}

function sqliteIndex(db: Kysely<any>): SearchIndex {
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
    const blocks = await sectionBlocks(db, blocksOf(rowids));
    // Counts by section number, a byte: an array, not a map, as this runs once per match.
    const counts = new Uint32Array(256);
    const lookUp: number[] = [];
    let block: Uint8Array | undefined;
    let blockNumber = -1;
    for (const rowid of rowids) {
      if (sectionBlockOf(rowid) !== blockNumber) {
        blockNumber = sectionBlockOf(rowid);
        block = blocks.get(blockNumber);
      }
      const number = block?.[rowid % SECTION_BLOCK_ROWIDS] ?? NO_SECTION;
      if (number === LOOK_UP_SECTION) lookUp.push(rowid);
      else counts[number]!++;
    }
    const counted = new Map([...counts.entries()].filter(([number, count]) => number !== NO_SECTION && count > 0));
    if (lookUp.length) {
      const { rows: placed } = await sql<{ section_number: number | null }>`select section_number from article_search_placements
        where search_rowid in (select value from json_each(${JSON.stringify(lookUp)}))`.execute(db);
      for (const { section_number: number } of placed) if (number !== null) counted.set(number, (counted.get(number) ?? 0) + 1);
    }
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
    async search(match, filters, limit, offset, countLimit = COUNT_LIMIT) {
      const ids = await rankedIds(match, filters, limit, offset);
      const { sections, counted } = await matchesPerSection(match, filters, countLimit);
      return { ids, ...facets(sections, counted, countLimit) };
    },
  };
}


/** A word as a tsquery or tsvector lexeme: quoted, so PostgreSQL takes it as it is. */
const postgresLexeme = (text: string) => `'${text.replace(/\\/g, '\\\\').replace(/'/g, "''")}'`;

/** The tsquery for a match: each term by exact form (title or body, weights A/C) or stem, phrases by exact forms. */
export function postgresTsquery(match: IndexMatch): string {
  // A stem may match at any weight: where a word's exact form equals its stem, PostgreSQL keeps one entry per
  // position (the exact one), so restricting stems to B/D would miss it.
  const term = (t: IndexTerm) => `(${postgresLexeme(t.exact)}:AC | ${postgresLexeme(t.stem)})`;
  const parts = [
    ...match.terms.map(term),
    ...match.phrases.map((phrase) => `(${phrase.map((word) => `${postgresLexeme(word)}:AC`).join(' <-> ')})`),
    ...match.excluded.map((t) => `!${term(t)}`),
  ];
  return parts.join(' & ');
}

/**
 * The tsquery that finds the same documents as postgresTsquery, for counting them: each term by its stem, with no
 * weight. A document holding a term's exact form holds its stem too (see sqliteCountExpression), and a tsquery
 * without weights or phrases is answered by the GIN index alone: with weights, PostgreSQL read (detoasted) every
 * matching document's tsvector again to check them.
 */
export function postgresCountTsquery(match: IndexMatch): string {
  const stems = (terms: IndexTerm[]) => terms.map((t) => postgresLexeme(t.stem));
  const parts = [
    ...stems(match.terms),
    ...match.phrases.map((phrase) => `(${phrase.map((word) => `${postgresLexeme(word)}:AC`).join(' <-> ')})`),
    ...(match.excluded.length ? [`!(${stems(match.excluded).join(' | ')})`] : []),
  ];
  return parts.join(' & ');
}

/** The tsquery for the headlines holding every term and phrase (title weights A, and B for stems); exclusions not included. */
export function postgresHeadlineTsquery(match: IndexMatch): string {
  const parts = [
    ...match.terms.map((t) => `(${postgresLexeme(t.exact)}:A | ${postgresLexeme(t.stem)}:AB)`),
    ...match.phrases.map((phrase) => `(${phrase.map((word) => `${postgresLexeme(word)}:A`).join(' <-> ')})`),
  ];
  return parts.join(' & ');
}

function postgresIndex(db: Kysely<any>): SearchIndex {
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
    async search(match, filters, limit, offset, countLimit = COUNT_LIMIT) {
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

/** tsvector positions stop at 16383; later words share the last position (they still match, phrases aside). */
const MAX_POSITION = 16383;

/**
 * Builds the tsvector text form ('word':1A,5C …) directly from the analyzer's tokens: title words first, body
 * words after a gap, exact forms weighted A (title) / C (body), stems B / D at the same positions.
 */
function tsvectorLiteral(text: IndexedText): string {
  const positions = new Map<string, string[]>();
  const add = (words: string[], weight: string, offset: number) =>
    words.forEach((word, index) => {
      const position = Math.min(offset + index + 1, MAX_POSITION);
      const list = positions.get(word) ?? [];
      list.push(`${position}${weight}`);
      positions.set(word, list);
    });
  const words = (joined: string) => (joined ? joined.split(' ') : []);
  const titleExact = words(text.titleExact);
  add(titleExact, 'A', 0);
  add(words(text.titleStem), 'B', 0);
  const bodyOffset = titleExact.length + 1;
  add(words(text.bodyExact), 'C', bodyOffset);
  add(words(text.bodyStem), 'D', bodyOffset);
  return [...positions].map(([word, list]) => `${postgresLexeme(word)}:${list.join(',')}`).join(' ');
}

/** The headline alone as a tsvector: its words as the document holds them (exact forms A, stems B, same positions). */
export function headlineTsvectorLiteral(text: Pick<IndexedText, 'titleExact' | 'titleStem'>): string {
  return tsvectorLiteral({ ...text, bodyExact: '', bodyStem: '' });
}
