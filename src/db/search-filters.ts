import { type RawBuilder, sql } from 'kysely';
import type { IndexFilters, IndexPage } from './search-index.ts';

// What both engines share in filtering the matches (tag, date, a section by name) and in counting them per section.

/** The ids of the section a filter names, by slug or name. */
export function sectionIdsNamed(section: string): RawBuilder<unknown> {
  return sql`(select id from sections where slug = ${section} or name = ${section})`;
}

/**
 * The tag and date filters, on the table (alias) that holds each match's article id and ISO publication date: the
 * same on both engines. The section filter is each engine's own (a section number on SQLite).
 */
export function tagAndDateConditions(filters: IndexFilters, table: 's' | 'r'): RawBuilder<unknown>[] {
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

/** How many counted matches a named section holds. */
export type SectionCount = { slug: string; name: string; count: number };

/** The total and section facets from the named sections' counts and the number of matches counted, the largest section first. */
export function facets(sections: SectionCount[], counted: number, countLimit: number): Pick<IndexPage, 'total' | 'totalExact' | 'sections'> {
  return {
    total: Math.min(counted, countLimit),
    totalExact: counted <= countLimit,
    sections: sections.sort((a, b) => b.count - a.count || a.name.localeCompare(b.name)),
  };
}
