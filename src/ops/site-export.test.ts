import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { engines, freshDatabase } from '../../test/engines.ts';
import { populateSite } from '../../test/populate-site.ts';
import { openDatabase } from '../db/database.ts';
import { migrateToLatest } from '../db/migrate.ts';
import type { Database } from '../db/schema.ts';
import { listTables } from '../db/site-tables.ts';
import { isSahifaError } from '../lib/errors.ts';
import { searchArticles } from '../search/search.service.ts';
import { exportSite, importSite, NOT_EXPORTED } from './site-export.service.ts';

/** Every exported table's rows, sorted by primary key, as comparable JSON. */
async function siteContent(db: import('kysely').Kysely<Database>) {
  const content: Record<string, unknown[]> = {};
  for (const table of (await listTables(db)).filter((t) => !NOT_EXPORTED.has(t.name))) {
    const rows = (await db.selectFrom(table.name as keyof Database).selectAll().execute()) as Record<string, unknown>[];
    const key = (row: Record<string, unknown>) => (table.primaryKey.length ? table.primaryKey : table.columns).map((c) => String(row[c])).join('\u0000');
    content[table.name] = rows.sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
  }
  return content;
}

const tmpFile = (name: string) => path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'sahifa-export-')), name);

// From SQLite to the other engine when PostgreSQL is there (the move the export exists for), else SQLite to SQLite.
const destination = engines.includes('postgres' as never) ? 'postgres' : 'sqlite';

describe(`site export: sqlite → ${destination}`, () => {
  it('moves a populated site and every exported table compares equal; search works on the target', async () => {
    const sourceDb = await freshDatabase('sqlite');
    const targetDb = await freshDatabase(destination);
    const source = openDatabase(sourceDb.target);
    const target = openDatabase(targetDb.target);
    try {
      await migrateToLatest(source.db);
      await migrateToLatest(target.db);
      await populateSite(source.db);
      const file = tmpFile('site.jsonl');
      const exported = await exportSite(source.db, file);
      expect(exported).toMatchObject({ articles: 24, sections: 3, subscriptions: 6, newsletters: 1 });
      expect(Object.keys(exported)).not.toContain('page_cache');
      const lines = fs.readFileSync(file, 'utf8').trim().split('\n').map((line) => JSON.parse(line));
      expect(lines[0]).toMatchObject({ format: 'sahifa-site', version: 1, engine: 'sqlite', passwordHashes: false });
      expect(lines.at(-1)).toEqual({ end: true, counts: exported });
      // Referenced rows come before the rows that reference them.
      const firstLine = (table: string) => lines.findIndex((line) => line.table === table);
      expect(firstLine('sections')).toBeLessThan(firstLine('articles'));
      expect(firstLine('articles')).toBeLessThan(firstLine('article_tags'));
      expect(firstLine('subscribers')).toBeLessThan(firstLine('subscriptions'));

      const user = lines.find((line) => line.table === 'users');
      expect(user.row).toMatchObject({ email: 'reader0@example.com', password_hash: null });
      expect(lines.some((line) => line.table === 'sessions' || line.table === 'page_cache' || line.table === 'kysely_migration')).toBe(false);

      const imported = await importSite(target.db, file);
      expect(imported).toEqual(Object.fromEntries(Object.entries(exported).filter(([, n]) => n > 0)));
      const withoutHashes = await siteContent(source.db);
      for (const row of withoutHashes.users as { password_hash: string | null }[]) row.password_hash = null;
      expect(await siteContent(target.db)).toEqual(withoutHashes);
      const [before, after] = await Promise.all([searchArticles(source.db, 'مشروع المياه'), searchArticles(target.db, 'مشروع المياه')]);
      expect(after.total).toBe(24);
      expect(after.hits.map((hit) => hit.slug).sort()).toEqual(before.hits.map((hit) => hit.slug).sort());

      // A second import into the now populated target is refused and changes nothing.
      const again = await importSite(target.db, file).catch((error: unknown) => error);
      expect(isSahifaError(again, 'INVALID_INPUT')).toBe(true);
      expect((again as Error).message).toMatch(/table \w+ already has rows/);
      expect((await target.db.selectFrom('articles').select('id').execute()).length).toBe(24);
    } finally {
      await source.close();
      await target.close();
      await sourceDb.drop();
      await targetDb.drop();
    }
  }, 120_000);

  it('keeps password hashes only when asked to', async () => {
    const sourceDb = await freshDatabase('sqlite');
    const source = openDatabase(sourceDb.target);
    try {
      await migrateToLatest(source.db);
      await populateSite(source.db, 1);
      const file = tmpFile('with-hashes.jsonl');
      await exportSite(source.db, file, { includePasswordHashes: true });
      const lines = fs.readFileSync(file, 'utf8').trim().split('\n').map((line) => JSON.parse(line));
      expect(lines[0].passwordHashes).toBe(true);
      expect(lines.find((line) => line.table === 'users').row.password_hash).toMatch(/^\$argon2id\$/);
    } finally {
      await source.close();
      await sourceDb.drop();
    }
  });

  it('refuses a cut-off, foreign or malformed file without writing anything', async () => {
    const sourceDb = await freshDatabase('sqlite');
    const targetDb = await freshDatabase(destination);
    const source = openDatabase(sourceDb.target);
    const target = openDatabase(targetDb.target);
    try {
      await migrateToLatest(source.db);
      await migrateToLatest(target.db);
      await populateSite(source.db, 3);
      const file = tmpFile('site.jsonl');
      await exportSite(source.db, file);
      const lines = fs.readFileSync(file, 'utf8').trim().split('\n');
      const write = (name: string, text: string) => {
        const other = tmpFile(name);
        fs.writeFileSync(other, text);
        return other;
      };
      const attempt = (file: string) => importSite(target.db, file).then(() => 'imported', (error: Error) => error.message);
      expect(await attempt(write('cut.jsonl', lines.slice(0, -3).join('\n')))).toMatch(/ends before its end line/);
      expect(await attempt(write('other.jsonl', '{"format":"wordpress"}\n'))).toMatch(/line 1: not a Sahifa site export/);
      expect(await attempt(write('bad.jsonl', `${lines[0]}\n{"table":"articles","row":{"id":"x","no_such_column":1}}\n`))).toMatch(/line 2: table articles has no column no_such_column/);
      expect(await attempt(write('table.jsonl', `${lines[0]}\n{"table":"sessions","row":{}}\n`))).toMatch(/line 2: unknown table "sessions"/);
      expect(await attempt(write('json.jsonl', `${lines[0]}\n{"table":\n`))).toMatch(/line 2: not valid JSON/);
      expect(await target.db.selectFrom('articles').select('id').execute()).toEqual([]);
    } finally {
      await source.close();
      await target.close();
      await sourceDb.drop();
      await targetDb.drop();
    }
  }, 60_000);
});
