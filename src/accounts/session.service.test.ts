import { expect, it } from 'vitest';
import { insertReader } from '../../test/build-reader.ts';
import { describeEachEngine } from '../../test/engines.ts';
import { hashToken, sessionService } from './session.service.ts';

const HOUR = 60 * 60_000;
const DAY = 24 * HOUR;

describeEachEngine('sessions', (database) => {
  let now = new Date('2026-11-25T09:00:00.000Z');
  const clock = () => now;
  const service = () => sessionService(database.handle.db, { idleMs: 2 * DAY, maxMs: 5 * DAY }, clock);

  it('stores only the hash of the token and resolves the token to its reader', async () => {
    const user = await insertReader(database.handle.db, { role: 'editor', display_name: 'سلمى' });
    const { token, sessionId } = await service().start(user.id, { userAgent: 'Chromium', ip: '127.0.0.1' });
    expect(sessionId).toBe(hashToken(token));
    const stored = await database.handle.db.selectFrom('sessions').selectAll().where('user_id', '=', user.id).execute();
    expect(stored.map((row) => row.id)).toEqual([sessionId]);
    expect(JSON.stringify(stored)).not.toContain(token);
    const reader = await service().resolve(token);
    expect(reader).toMatchObject({ id: user.id, role: 'editor', displayName: 'سلمى', emailVerified: true, sessionId });
    expect(await service().resolve('not-a-token')).toBeNull();
  });

  it('ends a session idle too long, and one past its absolute expiry however busy', async () => {
    const user = await insertReader(database.handle.db);
    const idle = await service().start(user.id, {});
    const busy = await service().start(user.id, {});
    // Used every day, the busy session outlives the idle limit but not the absolute one.
    for (let day = 1; day <= 4; day++) {
      now = new Date(now.getTime() + DAY);
      expect(await service().resolve(busy.token)).not.toBeNull();
    }
    expect(await service().resolve(idle.token)).toBeNull();
    now = new Date(now.getTime() + DAY);
    expect(await service().resolve(busy.token)).toBeNull();
    expect(await database.handle.db.selectFrom('sessions').select('id').where('user_id', '=', user.id).execute()).toEqual([]);
  });

  it('replaces the browser’s old session on sign-in, lists, revokes only one’s own, and ends all but the current', async () => {
    const user = await insertReader(database.handle.db);
    const other = await insertReader(database.handle.db);
    const first = await service().start(user.id, {});
    const rotated = await service().start(user.id, { replacing: first.sessionId });
    expect(await service().resolve(first.token)).toBeNull();
    const second = await service().start(user.id, { userAgent: 'Firefox' });
    const third = await service().start(user.id, {});
    expect((await service().list(user.id)).map((session) => session.id).sort()).toEqual(
      [rotated.sessionId, second.sessionId, third.sessionId].sort(),
    );
    expect(await service().revoke(other.id, second.sessionId)).toBe(false);
    expect(await service().revoke(user.id, second.sessionId)).toBe(true);
    expect(await service().resolve(second.token)).toBeNull();
    await service().endAll(user.id, rotated.sessionId);
    expect(await service().resolve(third.token)).toBeNull();
    expect(await service().resolve(rotated.token)).not.toBeNull();
  });

  it('goes with the account', async () => {
    const user = await insertReader(database.handle.db);
    const { token } = await service().start(user.id, {});
    await database.handle.db.deleteFrom('users').where('id', '=', user.id).execute();
    expect(await service().resolve(token)).toBeNull();
  });
});
