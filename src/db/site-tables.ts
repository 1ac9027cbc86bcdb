import { type Kysely, sql } from 'kysely';
import { engineOf } from './engine.ts';

/** A table of the current schema as the catalog describes it. */
export interface TableInfo {
  name: string;
  /** Columns in definition order. */
  columns: string[];
  /** Primary key columns, in key order (empty when the table has none). */
  primaryKey: string[];
  /** Tables this one's foreign keys point at (itself excluded). */
  references: string[];
}

/**
 * Every ordinary table of the current schema (PostgreSQL) or database file (SQLite), read from the catalog, in an
 * order where each table comes after the tables it references. Full-text machinery (FTS5 virtual and shadow
 * tables) is left out on SQLite: it is derived data.
 */
export async function listTables(db: Kysely<any>): Promise<TableInfo[]> {
  const tables = engineOf(db) === 'postgres' ? await postgresTables(db) : await sqliteTables(db);
  return dependencyOrder(tables);
}

async function sqliteTables(db: Kysely<any>): Promise<TableInfo[]> {
  const { rows } = await sql<{ name: string; sql: string | null }>`
    select name, sql from sqlite_master where type = 'table' and name not like 'sqlite_%' order by name`.execute(db);
  const virtual = rows.filter((row) => /^create virtual table/i.test(row.sql ?? '')).map((row) => row.name);
  const isFts = (name: string) => virtual.some((v) => name === v || name.startsWith(`${v}_`));
  const tables: TableInfo[] = [];
  for (const { name } of rows.filter((row) => !isFts(row.name))) {
    const columns = (await sql<{ name: string; pk: number }>`select name, pk from pragma_table_info(${name})`.execute(db)).rows;
    const keys = (await sql<{ table: string }>`select "table" from pragma_foreign_key_list(${name})`.execute(db)).rows;
    tables.push({
      name,
      columns: columns.map((c) => c.name),
      primaryKey: columns.filter((c) => c.pk > 0).sort((a, b) => a.pk - b.pk).map((c) => c.name),
      references: [...new Set(keys.map((k) => k.table))].filter((t) => t !== name),
    });
  }
  return tables;
}

async function postgresTables(db: Kysely<any>): Promise<TableInfo[]> {
  const names = (await sql<{ name: string }>`
    select tablename as name from pg_tables where schemaname = current_schema() order by tablename`.execute(db)).rows;
  const columns = (await sql<{ table_name: string; column_name: string }>`
    select table_name, column_name from information_schema.columns
    where table_schema = current_schema() order by table_name, ordinal_position`.execute(db)).rows;
  const keys = (await sql<{ table_name: string; column_name: string }>`
    select t.relname as table_name, a.attname as column_name
    from pg_index i
    join pg_class t on t.oid = i.indrelid
    join pg_namespace n on n.oid = t.relnamespace and n.nspname = current_schema()
    cross join lateral unnest(i.indkey) with ordinality as k(attnum, position)
    join pg_attribute a on a.attrelid = t.oid and a.attnum = k.attnum
    where i.indisprimary order by t.relname, k.position`.execute(db)).rows;
  const references = (await sql<{ table_name: string; referenced: string }>`
    select c.relname as table_name, r.relname as referenced
    from pg_constraint f
    join pg_class c on c.oid = f.conrelid
    join pg_class r on r.oid = f.confrelid
    where f.contype = 'f' and f.connamespace = current_schema()::regnamespace`.execute(db)).rows;
  return names.map(({ name }) => ({
    name,
    columns: columns.filter((c) => c.table_name === name).map((c) => c.column_name),
    primaryKey: keys.filter((k) => k.table_name === name).map((k) => k.column_name),
    references: [...new Set(references.filter((r) => r.table_name === name).map((r) => r.referenced))].filter((t) => t !== name),
  }));
}

/** Referenced tables first (a depth-first topological sort; ties keep alphabetical order). */
function dependencyOrder(tables: TableInfo[]): TableInfo[] {
  const byName = new Map(tables.map((t) => [t.name, t]));
  const ordered: TableInfo[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (table: TableInfo) => {
    if (state.get(table.name) === 'done') return;
    if (state.get(table.name) === 'visiting') throw new Error(`tables reference each other in a cycle through ${table.name}`);
    state.set(table.name, 'visiting');
    for (const name of table.references) {
      const referenced = byName.get(name);
      if (referenced) visit(referenced);
    }
    state.set(table.name, 'done');
    ordered.push(table);
  };
  tables.forEach(visit);
  return ordered;
}
