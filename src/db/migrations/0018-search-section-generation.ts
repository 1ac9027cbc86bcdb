import { type Kysely, sql } from 'kysely';
import { engineOf } from '../engine.ts';

// SQLite only. One value that changes whenever the section blocks do, so that a process can keep the blocks it
// has read and check with one row that they are still current (blocksRead in src/db/search-section-blocks.ts).
export async function up(db: Kysely<any>): Promise<void> {
  if (engineOf(db) !== 'sqlite') return;
  await sql`create table article_search_section_generation (generation integer not null)`.execute(db);
  await sql`insert into article_search_section_generation (generation) values (random() >> 11)`.execute(db);
}
