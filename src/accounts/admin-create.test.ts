import { expect, it } from 'vitest';
import { insertReader } from '../../test/build-reader.ts';
import { databaseUrlOf, describeEachEngine } from '../../test/engines.ts';
import { runSahifa } from '../../test/run-sahifa.ts';
import { sessionService } from './session.service.ts';

describeEachEngine('sahifa admin create', (database) => {
  it('creates the first admin from the command line, and promotes an existing reader, ending their sessions', async () => {
    const env = { DATABASE_URL: databaseUrlOf(database.target), LOG_LEVEL: 'silent', SITE_URL: 'https://news.example' };
    const created = await runSahifa(['admin', 'create', '--email', ' Chief@Example.com '], env);
    expect(created).toMatchObject({ code: 0, stderr: '' });
    expect(created.stdout).toContain('created: chief@example.com is now admin');
    const chief = await database.handle.db.selectFrom('users').selectAll().where('email', '=', 'chief@example.com').executeTakeFirstOrThrow();
    expect(chief).toMatchObject({ role: 'admin', password_hash: null });
    expect(chief.email_verified_at).not.toBeNull();

    const reader = await insertReader(database.handle.db);
    const sessions = sessionService(database.handle.db, { idleMs: 60_000, maxMs: 120_000 });
    const { token } = await sessions.start(reader.id, {});
    const promoted = await runSahifa(['admin', 'create', '--email', reader.email, '--role', 'editor'], env);
    expect(promoted.stdout).toContain(`updated: ${reader.email} is now editor`);
    expect(await sessions.resolve(token)).toBeNull();

    const wrong = await runSahifa(['admin', 'create', '--email', 'x@example.com', '--role', 'owner'], env);
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toContain('--role must be admin or editor');
  }, 120_000); // three real processes, each starting tsx: slow on a busy machine
});
