import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { buildArticle } from '../../test/build-article.ts';
import { engines, freshDatabase } from '../../test/engines.ts';
import { populateSite } from '../../test/populate-site.ts';
import { saveImportedArticle } from '../articles/article.service.ts';
import { backupDatabase, restoreDatabase } from '../db/backup.ts';
import { openDatabase } from '../db/database.ts';
import { migrateToLatest } from '../db/migrate.ts';

const hasPgDump = (() => {
  try {
    execFileSync('pg_dump', ['--version']);
    return true;
  } catch {
    return false;
  }
})();

const backupFile = (name: string) => path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'sahifa-backup-')), name);

for (const engine of engines) {
  describe.runIf(engine === 'sqlite' || hasPgDump)(`backup and restore [${engine}]`, () => {
    it('backs up while articles are being written, and restoring brings back exactly what the backup held', async () => {
      const fresh = await freshDatabase(engine);
      const database = openDatabase(fresh.target);
      const writer = openDatabase(fresh.target);
      try {
        await migrateToLatest(database.db);
        await populateSite(database.db, 12);
        // Another connection keeps publishing during the backup, as a serving site would.
        let writing = true;
        let written = 0;
        const writes = (async () => {
          while (writing) {
            await saveImportedArticle(writer.db, buildArticle({ title: `خبر عاجل أثناء النسخ الاحتياطي رقم ${written}` }));
            written++;
            // better-sqlite3 answers within microtasks: let timers and the backup's steps run between writes.
            await new Promise((resolve) => setImmediate(resolve));
          }
        })();
        await new Promise((resolve) => setTimeout(resolve, 100));
        const file = backupFile(engine === 'sqlite' ? 'site.db' : 'site.dump');
        await backupDatabase(fresh.target, file);
        writing = false;
        await writes;
        expect(written).toBeGreaterThan(0);

        if (engine === 'sqlite') {
          const copy = new SQLite(file, { readonly: true });
          expect(copy.pragma('integrity_check', { simple: true })).toBe('ok');
          copy.close();
        }
        const titles = async () => (await database.db.selectFrom('articles').select('title').orderBy('title').execute()).map((r) => r.title);
        const live = await titles();
        expect(live.length).toBe(12 + written);

        await database.db.deleteFrom('subscriptions').execute();
        await database.db.deleteFrom('articles').execute();
        await restoreDatabase(fresh.target, file);
        const restored = await titles();
        // The backup is one consistent moment: all 12 articles from before, and a prefix of the ones written during it.
        expect(restored.length).toBeGreaterThanOrEqual(12);
        expect(restored.length).toBeLessThanOrEqual(12 + written);
        expect(restored.every((title) => live.includes(title))).toBe(true);
        expect(await database.db.selectFrom('subscriptions').select('subscriber_id').execute()).toHaveLength(6);
      } finally {
        await writer.close();
        await database.close();
        await fresh.drop();
      }
    }, 120_000);

    it('refuses to restore from something that is not a backup, and leaves the database alone', async () => {
      const fresh = await freshDatabase(engine);
      const database = openDatabase(fresh.target);
      try {
        await migrateToLatest(database.db);
        await populateSite(database.db, 2);
        const notBackup = backupFile('notes.txt');
        fs.writeFileSync(notBackup, 'ملاحظات وليست نسخة احتياطية');
        await expect(restoreDatabase(fresh.target, notBackup)).rejects.toThrow(engine === 'sqlite' ? /is not a SQLite database/ : /pg_restore failed/);
        await expect(restoreDatabase(fresh.target, backupFile('missing.db'))).rejects.toThrow(/no backup at/);
        expect(await database.db.selectFrom('articles').select('id').execute()).toHaveLength(2);
      } finally {
        await database.close();
        await fresh.drop();
      }
    });
  });
}
