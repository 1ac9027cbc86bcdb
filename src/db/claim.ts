import { type Kysely, type RawBuilder, sql } from 'kysely';
import { engineOf } from './engine.ts';

// The one place where claiming rows for a worker differs between the engines. PostgreSQL: the candidates are
// locked with FOR UPDATE SKIP LOCKED in a CTE (evaluated once), so concurrent claimers take disjoint rows without
// waiting for each other. SQLite: one UPDATE … RETURNING statement is one writer transaction; SQLite runs one
// writer at a time (busy_timeout makes the others wait), so two claimers never see the same candidate.

export interface ClaimSpec {
  /** The table rows are claimed from. */
  table: string;
  /** The column that names a row among the candidates (unique within `scope`). */
  key: string;
  /** A condition every candidate meets, also used to find the claimed rows again (e.g. `send_id = …`). */
  scope: RawBuilder<unknown>;
  /** Which rows in scope may be claimed now (e.g. due, or leased by a worker whose lease expired). */
  claimable: RawBuilder<unknown>;
  /** In which order candidates are taken. */
  orderBy: RawBuilder<unknown>;
  limit: number;
  /** The assignments that mark a row as claimed (`status = 'running', locked_by = …`). */
  set: RawBuilder<unknown>;
}

/**
 * Claims up to `limit` rows atomically and returns them as they are after `set` (in no particular order).
 * Two claimers, in this process or another, never get the same row.
 */
export async function claimRows<Row>(db: Kysely<any>, spec: ClaimSpec): Promise<Row[]> {
  const table = sql.table(spec.table);
  const key = sql.ref(spec.key);
  if (spec.limit <= 0) return [];
  if (engineOf(db) === 'postgres') {
    const result = await sql<Row>`with candidates as (
        select ${key} as claim_key from ${table}
        where ${spec.scope} and ${spec.claimable}
        order by ${spec.orderBy} limit ${spec.limit}
        for update skip locked)
      update ${table} set ${spec.set}
      from candidates where ${spec.scope} and ${table}.${key} = candidates.claim_key
      returning ${table}.*`.execute(db);
    return result.rows;
  }
  const result = await sql<Row>`update ${table} set ${spec.set}
    where ${spec.scope} and ${key} in (
      select ${key} from ${table} where ${spec.scope} and ${spec.claimable}
      order by ${spec.orderBy} limit ${spec.limit})
    returning *`.execute(db);
  return result.rows;
}
