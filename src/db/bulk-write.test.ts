import { sql } from 'kysely';
import { expect, it } from 'vitest';
import { describeEachEngine } from '../../test/engines.ts';
import { withBulkWriteSettings } from './bulk-write.ts';

describeEachEngine('withBulkWriteSettings', (database) => {
  const walPages = async () =>
    database.handle.engine === 'sqlite'
      ? Number(Object.values((await sql<Record<string, number>>`pragma wal_autocheckpoint`.execute(database.handle.db)).rows[0]!)[0])
      : null;

  it('spaces out SQLite checkpoints during the write only, even when the write fails', async () => {
    const { db, engine } = database.handle;
    const during = await withBulkWriteSettings(db, walPages);
    await expect(withBulkWriteSettings(db, async () => Promise.reject(new Error('the write failed')))).rejects.toThrow('the write failed');
    expect(during).toBe(engine === 'sqlite' ? 10_000 : null);
    expect(await walPages()).toBe(engine === 'sqlite' ? 1_000 : null);
  });
});
