import { type Kysely, type RawBuilder, sql } from 'kysely';
import { engineOf } from './engine.ts';

/**
 * A column whose condition is checked row by row, never used to pick an index. SQLite plans each loop of a join
 * by its own estimate and may probe an index once per value of an IN list for every outer row; the unary plus is
 * SQLite's documented way to keep a term out of index selection. PostgreSQL plans joins from statistics and gets
 * the plain column.
 */
export function filterOnly(db: Kysely<any>, column: string): RawBuilder<string> {
  return engineOf(db) === 'sqlite' ? sql<string>`+${sql.ref(column)}` : sql<string>`${sql.ref(column)}`;
}
