import { type Kysely, type RawBuilder, sql } from 'kysely';
import { engineOf } from './engine.ts';

// The one place where full-text search differs between the engines. SQLite: an FTS5 table with four analyzed
// columns ranked by bm25. PostgreSQL: a tsvector written token by token (weights A–D for the same four parts,
// no text-search parser involved) in a GIN index, ranked by ts_rank. Both get exactly the analyzer's tokens.

/** Analyzed text of one article: exact forms and stems, word by word (the two lists have the same length). */
export interface IndexedText {
  titleExact: string[];
  titleStem: string[];
  bodyExact: string[];
  bodyStem: string[];
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

export interface SearchIndex {
  upsert(articleId: string, text: IndexedText): Promise<void>;
  remove(articleId: string): Promise<void>;
  clear(): Promise<void>;
  /** Ids of published matching articles, best first. */
  rankedIds(match: IndexMatch, filters: IndexFilters, limit: number, offset: number): Promise<string[]>;
  count(match: IndexMatch, filters: IndexFilters): Promise<number>;
  sectionCounts(match: IndexMatch, filters: IndexFilters): Promise<{ slug: string; name: string; count: number }[]>;
}

/** Title matches weigh more than body matches, exact forms more than stems. */
const WEIGHTS = { titleExact: 10, titleStem: 5, bodyExact: 2, bodyStem: 1 };
/** A new article gets up to 20% more score, fading over about a month: news readers want recent stories first. */
const RECENCY_BOOST = 0.2;
const RECENCY_DAYS = 30;

export function searchIndexFor(db: Kysely<any>): SearchIndex {
  return engineOf(db) === 'postgres' ? postgresIndex(db) : sqliteIndex(db);
}

const joinSections = sql`join sections sec on sec.id = a.section_id`;

function filterSql(filters: IndexFilters): RawBuilder<unknown> {
  const conditions = [sql`a.status = 'published'`];
  if (filters.section) {
    conditions.push(sql`a.section_id in (select id from sections where slug = ${filters.section} or name = ${filters.section})`);
  }
  if (filters.tag) {
    conditions.push(sql`exists (select 1 from article_tags at join tags t on t.id = at.tag_id
      where at.article_id = a.id and (t.slug = ${filters.tag} or t.name = ${filters.tag}))`);
  }
  if (filters.from) conditions.push(sql`a.published_at >= ${filters.from}`);
  // published_at is an ISO timestamp: everything on the last day sorts before the day's end marker "T~".
  if (filters.to) conditions.push(sql`a.published_at <= ${`${filters.to}T~`}`);
  return sql.join(conditions, sql` and `);
}

function sqliteIndex(db: Kysely<any>): SearchIndex {
  const searchRowid = (articleId: string) => sql`(select search_rowid from article_search_rows where article_id = ${articleId})`;
  const matchExpression = (match: IndexMatch) => {
    const quote = (text: string) => `"${text.replace(/"/g, '""')}"`;
    const term = (t: IndexTerm) => `({title_exact body_exact} : ${quote(t.exact)} OR {title_stem body_stem} : ${quote(t.stem)})`;
    const positive = [
      ...match.terms.map(term),
      ...match.phrases.map((phrase) => `{title_exact body_exact} : ${quote(phrase.join(' '))}`),
    ].join(' AND ');
    return match.excluded.length ? `(${positive}) NOT (${match.excluded.map(term).join(' OR ')})` : positive;
  };
  const from = (match: IndexMatch, filters: IndexFilters, withSections = false) =>
    sql`article_search s join articles a on a.id = s.article_id ${withSections ? joinSections : sql``}
      where article_search match ${matchExpression(match)} and ${filterSql(filters)}`;

  return {
    async upsert(articleId, text) {
      // A new article gets its search rowid here; an article indexed before keeps its rowid and loses its old entry.
      const fresh = await sql<{ search_rowid: number }>`insert into article_search_rows (article_id) values (${articleId})
        on conflict (article_id) do nothing returning search_rowid`.execute(db);
      const rowid = fresh.rows[0]?.search_rowid ?? searchRowid(articleId);
      if (!fresh.rows.length) await sql`delete from article_search where rowid = ${rowid}`.execute(db);
      await sql`insert into article_search (rowid, article_id, title_exact, title_stem, body_exact, body_stem)
        values (${rowid}, ${articleId}, ${text.titleExact.join(' ')}, ${text.titleStem.join(' ')},
                ${text.bodyExact.join(' ')}, ${text.bodyStem.join(' ')})`.execute(db);
    },
    async remove(articleId) {
      await sql`delete from article_search where rowid = ${searchRowid(articleId)}`.execute(db);
      await sql`delete from article_search_rows where article_id = ${articleId}`.execute(db);
    },
    async clear() {
      await sql`delete from article_search`.execute(db);
      await sql`delete from article_search_rows`.execute(db);
    },
    async rankedIds(match, filters, limit, offset) {
      const { titleExact, titleStem, bodyExact, bodyStem } = WEIGHTS;
      // bm25 is negative (lower is better), so multiplying by the boost makes recent articles rank higher.
      const result = await sql<{ id: string }>`select a.id from ${from(match, filters)}
        order by bm25(article_search, 0, ${titleExact}, ${titleStem}, ${bodyExact}, ${bodyStem})
          * (1 + ${RECENCY_BOOST} / (1 + max(0, julianday('now') - julianday(a.published_at)) / ${RECENCY_DAYS}))
        limit ${limit} offset ${offset}`.execute(db);
      return result.rows.map((row) => row.id);
    },
    async count(match, filters) {
      const result = await sql<{ n: number }>`select count(*) as n from ${from(match, filters)}`.execute(db);
      return Number(result.rows[0]?.n ?? 0);
    },
    async sectionCounts(match, filters) {
      const result = await sql<{ slug: string; name: string; count: number }>`
        select sec.slug, sec.name, count(*) as count
        from ${from(match, filters, true)}
        group by sec.slug, sec.name order by count desc, sec.name`.execute(db);
      return result.rows.map((row) => ({ ...row, count: Number(row.count) }));
    },
  };
}

function postgresIndex(db: Kysely<any>): SearchIndex {
  const lexeme = (text: string) => `'${text.replace(/\\/g, '\\\\').replace(/'/g, "''")}'`;
  const queryText = (match: IndexMatch) => {
    // A stem may match at any weight: where a word's exact form equals its stem, PostgreSQL keeps one entry per
    // position (the exact one), so restricting stems to B/D would miss it.
    const term = (t: IndexTerm) => `(${lexeme(t.exact)}:AC | ${lexeme(t.stem)})`;
    const parts = [
      ...match.terms.map(term),
      ...match.phrases.map((phrase) => `(${phrase.map((word) => `${lexeme(word)}:AC`).join(' <-> ')})`),
      ...match.excluded.map((t) => `!${term(t)}`),
    ];
    return parts.join(' & ');
  };
  const from = (match: IndexMatch, filters: IndexFilters, withSections = false) =>
    sql`article_search s join articles a on a.id = s.article_id ${withSections ? joinSections : sql``}
      where s.document @@ ${queryText(match)}::tsquery and ${filterSql(filters)}`;

  return {
    async upsert(articleId, text) {
      const document = tsvectorLiteral(text, lexeme);
      await sql`insert into article_search (article_id, document) values (${articleId}, ${document}::tsvector)
        on conflict (article_id) do update set document = excluded.document`.execute(db);
    },
    async remove(articleId) {
      await sql`delete from article_search where article_id = ${articleId}`.execute(db);
    },
    async clear() {
      await sql`delete from article_search`.execute(db);
    },
    async rankedIds(match, filters, limit, offset) {
      const { titleExact, titleStem, bodyExact, bodyStem } = WEIGHTS;
      // ts_rank's weight array is ordered {D, C, B, A}; scaled to 0..1 from the same weights SQLite uses.
      const weights = `{${[bodyStem, bodyExact, titleStem, titleExact].map((w) => w / titleExact).join(',')}}`;
      const result = await sql<{ id: string }>`select a.id from ${from(match, filters)}
        order by ts_rank(${weights}::float4[], s.document, ${queryText(match)}::tsquery)
          * (1 + ${RECENCY_BOOST} / (1 + greatest(0, extract(epoch from now() - a.published_at::timestamptz)) / 86400 / ${RECENCY_DAYS})) desc,
          a.published_at desc
        limit ${limit} offset ${offset}`.execute(db);
      return result.rows.map((row) => row.id);
    },
    async count(match, filters) {
      const result = await sql<{ n: string }>`select count(*) as n from ${from(match, filters)}`.execute(db);
      return Number(result.rows[0]?.n ?? 0);
    },
    async sectionCounts(match, filters) {
      const result = await sql<{ slug: string; name: string; count: string }>`
        select sec.slug, sec.name, count(*) as count
        from ${from(match, filters, true)}
        group by sec.slug, sec.name order by count(*) desc, sec.name`.execute(db);
      return result.rows.map((row) => ({ ...row, count: Number(row.count) }));
    },
  };
}

/** tsvector positions stop at 16383; later words share the last position (they still match, phrases aside). */
const MAX_POSITION = 16383;

/**
 * Builds the tsvector text form ('word':1A,5C …) directly from the analyzer's tokens: title words first, body
 * words after a gap, exact forms weighted A (title) / C (body), stems B / D at the same positions.
 */
function tsvectorLiteral(text: IndexedText, lexeme: (text: string) => string): string {
  const positions = new Map<string, string[]>();
  const add = (words: string[], weight: string, offset: number) =>
    words.forEach((word, index) => {
      const position = Math.min(offset + index + 1, MAX_POSITION);
      const list = positions.get(word) ?? [];
      list.push(`${position}${weight}`);
      positions.set(word, list);
    });
  add(text.titleExact, 'A', 0);
  add(text.titleStem, 'B', 0);
  const bodyOffset = text.titleExact.length + 1;
  add(text.bodyExact, 'C', bodyOffset);
  add(text.bodyStem, 'D', bodyOffset);
  return [...positions].map(([word, list]) => `${lexeme(word)}:${list.join(',')}`).join(' ');
}
