import type { Kysely } from 'kysely';
import { z } from 'zod';
import { accountsRepository } from '../accounts/accounts.repository.ts';
import { normalizeEmail } from '../accounts/email-address.ts';
import { sessionsRepository } from '../accounts/sessions.repository.ts';
import type { Database, Role } from '../db/schema.ts';
import { invalidFields, notFound } from '../lib/errors.ts';
import { type Actor, audit } from './article-editing.service.ts';

/**
 * What admins see and do about people: readers and their roles, how many there are, newsletter subscriber
 * counts, and addresses that must never be mailed. The tables belong to accounts and newsletters; the writes go
 * through their repositories, the counts are read here.
 */
export async function peopleOverview(db: Kysely<Database>, options: { emailContains: string; limit: number }) {
  let users = db.selectFrom('users').select(['id', 'email', 'display_name', 'role', 'email_verified_at', 'created_at']);
  if (options.emailContains) users = users.where('email', 'like', `%${options.emailContains.replace(/[%_\\]/g, '')}%`);
  const [list, roles, verified, newsletters] = await Promise.all([
    users.orderBy('created_at', 'desc').orderBy('id').limit(options.limit).execute(),
    db.selectFrom('users').select(['role', (eb) => eb.fn.countAll<string | number>().as('n')]).groupBy('role').execute(),
    db.selectFrom('users').select((eb) => eb.fn.countAll<string | number>().as('n')).where('email_verified_at', 'is not', null).executeTakeFirstOrThrow(),
    db
      .selectFrom('newsletters')
      .leftJoin('subscriptions', (join) => join.onRef('subscriptions.newsletter_id', '=', 'newsletters.id').on('subscriptions.status', '=', 'confirmed'))
      .select(['newsletters.name', (eb) => eb.fn.count<string | number>('subscriptions.subscriber_id').as('n')])
      .groupBy(['newsletters.id', 'newsletters.name', 'newsletters.position'])
      .orderBy('newsletters.position')
      .execute(),
  ]);
  const byRole: Record<Role, number> = { reader: 0, editor: 0, admin: 0 };
  for (const row of roles) byRole[row.role] = Number(row.n);
  return {
    users: list,
    byRole,
    verified: Number(verified.n),
    newsletters: newsletters.map((row) => ({ name: row.name, subscribers: Number(row.n) })),
  };
}

const roleSchema = z.enum(['reader', 'editor', 'admin'], { error: 'اختر دوراً: قارئ أو محرر أو مدير.' });

/**
 * Gives an account another role. Its sessions end, so the new role applies from its next sign-in and a demoted
 * editor keeps no open newsroom. The last admin cannot be demoted: someone must be able to run the site.
 */
export async function changeRole(db: Kysely<Database>, userId: string, role: unknown, actor: Actor, now = new Date()): Promise<void> {
  const parsed = roleSchema.safeParse(role);
  if (!parsed.success) throw invalidFields({ role: parsed.error.issues[0]!.message });
  await db.transaction().execute(async (trx) => {
    const user = await accountsRepository(trx).findUserById(userId);
    if (!user) throw notFound(`user ${userId}`);
    if (user.role === parsed.data) return;
    if (user.role === 'admin') {
      const admins = await trx.selectFrom('users').select((eb) => eb.fn.countAll<string | number>().as('n')).where('role', '=', 'admin').executeTakeFirstOrThrow();
      if (Number(admins.n) <= 1) throw invalidFields({ role: 'هذا آخر مدير للموقع؛ امنح غيره دور المدير أولاً.' });
    }
    await accountsRepository(trx).setRole(userId, parsed.data, now.toISOString());
    await sessionsRepository(trx).deleteAllForUser(userId);
    await audit(trx, actor, now.toISOString(), {
      action: 'user.role',
      subjectType: 'user',
      subjectId: userId,
      summary: `غيّر دور ${user.email} من ${ROLE_NAMES[user.role]} إلى ${ROLE_NAMES[parsed.data]}`,
    });
  });
}

export const ROLE_NAMES: Record<Role, string> = { reader: 'قارئ', editor: 'محرر', admin: 'مدير' };

/** Adds an address to the suppression list: no newsletter or other mail goes to it again. */
export async function suppressAddress(db: Kysely<Database>, input: unknown, actor: Actor, now = new Date()): Promise<string> {
  const email = typeof input === 'string' ? normalizeEmail(input) : null;
  if (!email) throw invalidFields({ email: 'اكتب عنوان بريد إلكتروني صحيحاً.' });
  await db.transaction().execute(async (trx) => {
    await trx
      .insertInto('email_suppressions')
      .values({ email, reason: 'manual', created_at: now.toISOString() })
      .onConflict((oc) => oc.column('email').doNothing())
      .execute();
    await audit(trx, actor, now.toISOString(), { action: 'email.suppress', subjectType: 'email', subjectId: null, summary: `أوقف المراسلات إلى ${email}` });
  });
  return email;
}
