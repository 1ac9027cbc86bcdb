import { type Kysely, sql } from 'kysely';

// SQLite's section facets (search-index-sqlite.ts): how many of a query's first matches each section holds.

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

/** How many of these search rowids each section number holds; rowids of no section are left out. */
export async function countSectionNumbers(db: Kysely<any>, rowids: number[]): Promise<Map<number, number>> {
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
    const { rows } = await sql<{ section_number: number | null }>`select section_number from article_search_placements
      where search_rowid in (select value from json_each(${JSON.stringify(lookUp)}))`.execute(db);
    for (const { section_number: number } of rows) if (number !== null) counted.set(number, (counted.get(number) ?? 0) + 1);
  }
  return counted;
}

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
  let last = -1;
  for (const rowid of rowids) {
    const number = sectionBlockOf(rowid);
    if (number !== last) numbers.push(number);
    last = number;
  }
  return numbers;
}

/** Marks the section blocks changed (see blocksRead), in the transaction that changed them. */
export async function sectionBlocksChanged(db: Kysely<any>): Promise<void> {
  await sql`update article_search_section_generation set generation = random() >> 11`.execute(db);
}
