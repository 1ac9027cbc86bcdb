import { type Kysely, sql } from 'kysely';
import { up as derivePlacements } from '../src/db/migrations/0011-search-placements.ts';
import { up as numberSections } from '../src/db/migrations/0013-search-section-numbers.ts';
import { indexHeadlines } from '../src/db/migrations/0016-search-headline-keys.ts';
import { fillSectionBlocks } from '../src/db/migrations/0017-search-section-blocks.ts';
import { sectionBlocksChanged } from '../src/db/search-section-blocks.ts';

/**
 * SQLite: runs again the migrations that derive the search index's placements, section numbers, headline keys and
 * section blocks from article_search_rows and the articles, as they run on an index written before them.
 */
export async function deriveSqliteSearchIndex(db: Kysely<any>): Promise<void> {
  await sql`drop table article_search_placements`.execute(db);
  await sql`drop table article_search_sections`.execute(db);
  await derivePlacements(db);
  await numberSections(db);
  await indexHeadlines(db);
  await fillSectionBlocks(db);
  await sectionBlocksChanged(db);
}
