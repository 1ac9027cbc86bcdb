import { expect, it } from 'vitest';
import { describeEachEngine, freshDatabase, engines } from '../../test/engines.ts';
import { buildApp } from '../app.ts';
import { loadConfig } from '../config.ts';
import { openDatabase } from '../db/database.ts';
import { migrateToLatest } from '../db/migrate.ts';

describeEachEngine('readiness', (database) => {
  it('is ready when the database answers and every migration has run', async () => {
    const app = await buildApp({ config: loadConfig({}), database: database.handle });
    const response = await app.inject({ url: '/readyz' });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ status: 'ready' });
    expect(response.headers['cache-control']).toBe('no-store');
  });
});

for (const engine of engines) {
  it(`is not ready before migrating, then ready after [${engine}]`, async () => {
    const fresh = await freshDatabase(engine);
    const handle = openDatabase(fresh.target);
    try {
      const app = await buildApp({ config: loadConfig({}), database: handle });
      const before = await app.inject({ url: '/readyz' });
      expect(before.statusCode).toBe(503);
      expect(before.json()).toMatchObject({ status: 'unavailable', reason: 'migrations pending' });
      expect(before.json().pending).toContain('0001-articles');
      await migrateToLatest(handle.db);
      expect((await app.inject({ url: '/readyz' })).statusCode).toBe(200);
      await handle.close();
      // The closed pool stands in for a database that stopped answering.
      const down = await app.inject({ url: '/readyz' });
      expect(down.statusCode).toBe(503);
      expect(down.json()).toEqual({ status: 'unavailable', reason: 'database unreachable' });
    } finally {
      await handle.close().catch(() => {});
      await fresh.drop();
    }
  });
}
