import { type Kysely, PostgresAdapter } from 'kysely';
import type { Engine } from './database.ts';

/**
 * Which engine a Kysely instance or transaction talks to. Dialect modules use it to pick their SQL so that
 * callers (services, migrations) pass only the database around. It reads the executor's adapter, which Kysely
 * marks internal but has kept stable; this is the one place that relies on it.
 */
export function engineOf(db: Kysely<any>): Engine {
  return db.getExecutor().adapter instanceof PostgresAdapter ? 'postgres' : 'sqlite';
}
