import { type Kysely, sql } from 'kysely';
import { engineOf } from '../engine.ts';
import { patchedSectionBlock, sectionBlockOf } from '../search-section-blocks.ts';

// SQLite only. The section numbers of the indexed articles, in blocks of consecutive search rowids
// (article_search_section_blocks, see search-index.ts): the section facets read a few blocks instead of one
// placement per match. Derived from the placements: seconds for a million articles.
export async function up(db: Kysely<any>): Promise<void> {
  if (engineOf(db) !== 'sqlite') return;
  await sql`create table article_search_section_blocks (block integer primary key, numbers blob not null)`.execute(db);
  await fillSectionBlocks(db);
}

/** Writes every block from the placements; exported for the test that derives an older index. */
export async function fillSectionBlocks(db: Kysely<any>): Promise<void> {
  await sql`delete from article_search_section_blocks`.execute(db);
  const { rows } = await sql<{ search_rowid: number; section_number: number | null }>`select search_rowid, section_number
    from article_search_placements order by search_rowid`.execute(db);
  for (let start = 0; start < rows.length; ) {
    const block = sectionBlockOf(rows[start]!.search_rowid);
    let end = start;
    while (end < rows.length && sectionBlockOf(rows[end]!.search_rowid) === block) end++;
    const changes = rows.slice(start, end).map((row) => ({ rowid: row.search_rowid, number: row.section_number }));
    await sql`insert into article_search_section_blocks (block, numbers) values (${block}, ${patchedSectionBlock(null, changes)})`.execute(db);
    start = end;
  }
}
