import { describe, expect, it } from 'vitest';
import { databaseUrlOf, engines, freshDatabase } from '../../test/engines.ts';
import { runSahifa } from '../../test/run-sahifa.ts';
import { openDatabase } from './database.ts';
import { pendingMigrations } from './migrate.ts';

for (const engine of engines) {
  describe(`migrations [${engine}]`, () => {
    it('run exactly once when several processes start together, and `migrate --check` tells pending from current', async () => {
      const fresh = await freshDatabase(engine);
      try {
        const env = { DATABASE_URL: databaseUrlOf(fresh.target), LOG_LEVEL: 'silent' };
        const database = openDatabase(fresh.target);
        const all = await pendingMigrations(database.db);
        expect(all).toContain('0001-articles');

        const before = await runSahifa(['migrate', '--check'], env);
        expect(before.code).toBe(1);
        expect(before.stdout).toContain(`pending: ${all.join(', ')}`);

        const runs = await Promise.all([1, 2, 3, 4].map(() => runSahifa(['migrate'], env)));
        expect(runs.map((run) => run.stderr)).toEqual(['', '', '', '']);
        expect(runs.map((run) => run.code)).toEqual([0, 0, 0, 0]);
        const applying = runs.filter((run) => run.stdout.startsWith('applied:'));
        expect(applying).toHaveLength(1);
        expect(applying[0]!.stdout.trim()).toBe(`applied: ${all.join(', ')}`);

        const after = await runSahifa(['migrate', '--check'], env);
        expect(after).toEqual({ code: 0, stdout: 'schema is up to date\n', stderr: '' });
        expect(await pendingMigrations(database.db)).toEqual([]);
        await database.close();
      } finally {
        await fresh.drop();
      }
    }, 180_000); // six `sahifa` processes, each starting Node and tsx, on a machine that may be busy
  });
}
