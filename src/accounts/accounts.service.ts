import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database, Role, UserRow } from '../db/schema.ts';
import { invalidInput } from '../lib/errors.ts';
import type { Mailer } from '../mail/mailer.ts';
import { accountEmails } from './account-emails.tsx';
import { accountsRepository } from './accounts.repository.ts';
import { normalizeEmail } from './email-address.ts';
import { hashPassword, type PasswordProblem, passwordProblem, verifyAgainstDecoy, verifyPassword } from './password.ts';
import type { PersonalDataSource } from './personal-data.ts';
import type { ReaderPreferences } from './reader.ts';
import { hashToken, newToken, type SessionService } from './session.service.ts';
import type { AccountTokenPurpose } from '../db/schema.ts';
import { loadSiteName } from '../web/site-chrome.ts';

const MINUTE = 60_000;
/** How long each emailed link works. */
export const TOKEN_LIFETIME_MS: Record<AccountTokenPurpose, number> = { verify: 24 * 60 * MINUTE, magic: 15 * MINUTE, reset: 30 * MINUTE };

export interface AccountsDeps {
  db: Kysely<Database>;
  mailer: Mailer;
  sessions: SessionService;
  siteName: string;
  siteUrl: string;
  personalData: PersonalDataSource[];
  clock?: () => Date;
}

export interface ProfileInput {
  displayName: string | null;
  preferences: ReaderPreferences;
}

/** Display names: any script (Arabic first), trimmed, NFC, no control characters, at most 80 characters. */
export function normalizeDisplayName(input: string): string | null {
  const name = input.normalize('NFC').replace(/[\u0000-\u001f\u007f]/g, '').trim();
  if (name === '') return null;
  if ([...name].length > 80) throw invalidInput('الاسم أطول من ٨٠ حرفاً.');
  return name;
}

/**
 * Sign-up, sign-in, emailed links, profile, export and deletion. Whether an address has an account never changes
 * the answer a caller gets back for sign-up, magic link or reset: the email sent says what happened.
 */
export function accountsService(deps: AccountsDeps) {
  const { db, mailer, sessions } = deps;
  const clock = deps.clock ?? (() => new Date());
  const repo = accountsRepository(db);
  // The name an admin set in /admin/settings, read when each message is written.
  const site = async () => ({ siteName: await loadSiteName(db, deps.siteName), siteUrl: deps.siteUrl });
  const link = (path: string) => `${deps.siteUrl}${path}`;

  async function issueToken(userId: string, purpose: AccountTokenPurpose): Promise<string> {
    const token = newToken();
    const now = clock();
    await repo.insertToken({
      id: hashToken(token),
      userId,
      purpose,
      createdAt: now.toISOString(),
      expiresAt: new Date(now.getTime() + TOKEN_LIFETIME_MS[purpose]).toISOString(),
    });
    return token;
  }

  const emailOrThrow = (input: string) => {
    const email = normalizeEmail(input);
    if (!email) throw invalidInput('عنوان البريد غير صالح.');
    return email;
  };

  return {
    /**
     * Creates an unverified account and emails the verification link; for an address that already has an
     * account, emails that instead. Returns a password problem to show, or null (same either way).
     */
    async signUp(input: { email: string; password: string; displayName: string }): Promise<PasswordProblem | null> {
      const email = emailOrThrow(input.email);
      const displayName = normalizeDisplayName(input.displayName);
      const problem = passwordProblem(input.password, [email, displayName ?? '']);
      if (problem) return problem;
      // Hashed before looking the address up, so both paths cost the same.
      const passwordHash = await hashPassword(input.password);
      const existing = await repo.findUserByEmail(email);
      if (existing) {
        await mailer.send({ to: email, ...accountEmails.alreadyRegistered(await site(), link('/account/signin')) });
        return null;
      }
      const now = clock().toISOString();
      const id = randomUUID();
      const inserted = await db
        .insertInto('users')
        .values({ id, email, email_verified_at: null, password_hash: passwordHash, display_name: displayName, role: 'reader', created_at: now, updated_at: now })
        .onConflict((oc) => oc.column('email').doNothing())
        .executeTakeFirst();
      if (Number(inserted.numInsertedOrUpdatedRows ?? 0) === 0) {
        // Another request created it a moment ago: the same answer as for an existing account.
        await mailer.send({ to: email, ...accountEmails.alreadyRegistered(await site(), link('/account/signin')) });
        return null;
      }
      await mailer.send({ to: email, ...accountEmails.verify(await site(), link(`/account/verify/${await issueToken(id, 'verify')}`)) });
      return null;
    },

    /** Verifies the address the token was sent to; returns the user to sign in, or null for a spent/expired link. */
    async confirmEmail(token: string): Promise<string | null> {
      const now = clock().toISOString();
      const userId = await repo.consumeToken(hashToken(token), 'verify', now);
      if (!userId) return null;
      await repo.updateUser(userId, { email_verified_at: now, updated_at: now });
      return userId;
    },

    /**
     * The user for this address and password, or `unverified` when the password is right but the address was
     * never confirmed (a new verification link is sent), or null. Unknown addresses cost a full hash check too.
     */
    async checkPassword(emailInput: string, password: string): Promise<string | 'unverified' | null> {
      const email = normalizeEmail(emailInput);
      const user = email ? await repo.findUserByEmail(email) : undefined;
      if (!user?.password_hash) return verifyAgainstDecoy(password).then(() => null);
      if (!(await verifyPassword(user.password_hash, password))) return null;
      if (!user.email_verified_at) {
        await mailer.send({ to: user.email, ...accountEmails.verify(await site(), link(`/account/verify/${await issueToken(user.id, 'verify')}`)) });
        return 'unverified';
      }
      return user.id;
    },

    /** Emails a one-time sign-in link, or, for an unknown address, how to create an account. */
    async requestMagicLink(emailInput: string): Promise<void> {
      const email = emailOrThrow(emailInput);
      const user = await repo.findUserByEmail(email);
      if (!user) return void (await mailer.send({ to: email, ...accountEmails.noAccount(await site(), link('/account/signup')) }));
      await mailer.send({ to: email, ...accountEmails.magic(await site(), link(`/account/magic/${await issueToken(user.id, 'magic')}`)) });
    },

    /** Spends a magic link: the user to sign in (the address is proven, so it counts as verified), or null. */
    async consumeMagicLink(token: string): Promise<string | null> {
      const now = clock().toISOString();
      const userId = await repo.consumeToken(hashToken(token), 'magic', now);
      if (!userId) return null;
      const user = await repo.findUserById(userId);
      if (user && !user.email_verified_at) await repo.updateUser(userId, { email_verified_at: now, updated_at: now });
      return userId;
    },

    /** Emails a reset link, or, for an unknown address, how to create an account. */
    async requestReset(emailInput: string): Promise<void> {
      const email = emailOrThrow(emailInput);
      const user = await repo.findUserByEmail(email);
      if (!user) return void (await mailer.send({ to: email, ...accountEmails.noAccount(await site(), link('/account/signup')) }));
      await mailer.send({ to: email, ...accountEmails.reset(await site(), link(`/account/reset/${await issueToken(user.id, 'reset')}`)) });
    },

    /**
     * Sets a new password with a reset link: every session ends and every other reset link is spent. Returns the
     * user, a password problem to show (the link stays usable), or null for a spent or expired link.
     */
    async resetPassword(token: string, password: string): Promise<{ userId: string } | { problem: PasswordProblem } | null> {
      const problem = passwordProblem(password, []);
      if (problem) return { problem };
      const passwordHash = await hashPassword(password);
      const now = clock().toISOString();
      const userId = await db.transaction().execute(async (trx) => {
        const tokens = accountsRepository(trx);
        const id = await tokens.consumeToken(hashToken(token), 'reset', now);
        if (!id) return null;
        await tokens.updateUser(id, { password_hash: passwordHash, email_verified_at: now, updated_at: now });
        await tokens.invalidateTokens(id, 'reset', now);
        await trx.deleteFrom('sessions').where('user_id', '=', id).execute();
        return id;
      });
      return userId ? { userId } : null;
    },

    findUser: (id: string): Promise<UserRow | undefined> => repo.findUserById(id),

    async updateProfile(userId: string, input: ProfileInput): Promise<void> {
      await repo.updateUser(userId, {
        display_name: input.displayName,
        digits: input.preferences.digits,
        date_style: input.preferences.dateStyle,
        language: input.preferences.language,
        updated_at: clock().toISOString(),
      });
    },

    /** Everything we keep about the reader, as JSON: the account, its sessions, and every other capability's data. */
    async exportData(userId: string): Promise<Record<string, unknown>> {
      const user = await repo.findUserById(userId);
      if (!user) throw invalidInput('no such account');
      const reader = { id: user.id, email: user.email };
      const parts = await Promise.all(deps.personalData.map(async (source) => [source.name, await source.export(db, reader)] as const));
      return {
        exportedAt: clock().toISOString(),
        account: {
          email: user.email,
          emailVerifiedAt: user.email_verified_at,
          displayName: user.display_name,
          role: user.role,
          preferences: { digits: user.digits, dateStyle: user.date_style, language: user.language },
          hasPassword: user.password_hash !== null,
          createdAt: user.created_at,
          updatedAt: user.updated_at,
        },
        sessions: (await sessions.list(userId)).map((session) => ({
          createdAt: session.created_at,
          lastSeenAt: session.last_seen_at,
          expiresAt: session.expires_at,
          userAgent: session.user_agent,
          ip: session.ip,
        })),
        ...Object.fromEntries(parts),
      };
    },

    /**
     * Deletes the account and everything of it in one transaction (sessions and tokens by cascade, other
     * capabilities' data through their `erase`); no copy of the address stays. A goodbye email follows.
     */
    async deleteAccount(userId: string): Promise<void> {
      const user = await repo.findUserById(userId);
      if (!user) return;
      const reader = { id: user.id, email: user.email };
      await db.transaction().execute(async (trx) => {
        for (const source of deps.personalData) await source.erase?.(trx, reader);
        await accountsRepository(trx).deleteUser(user.id);
      });
      // Best effort: the account is gone whether or not the goodbye arrives.
      await mailer.send({ to: user.email, ...accountEmails.deleted(await site()) }).catch(() => {});
    },

    /**
     * Creates an account with a role, or gives an existing one the role (its sessions end, so the new rights start
     * from a fresh sign-in). Verified: the operator vouches for the address. Returns whether it was created.
     */
    async grantRole(emailInput: string, role: Role): Promise<{ created: boolean; userId: string }> {
      const email = emailOrThrow(emailInput);
      const now = clock().toISOString();
      return db.transaction().execute(async (trx) => {
        const accounts = accountsRepository(trx);
        const existing = await accounts.findUserByEmail(email);
        if (existing) {
          await accounts.setRole(existing.id, role, now);
          await trx.deleteFrom('sessions').where('user_id', '=', existing.id).execute();
          return { created: false, userId: existing.id };
        }
        const id = randomUUID();
        await accounts.insertUser({ id, email, email_verified_at: now, password_hash: null, display_name: null, role, created_at: now, updated_at: now });
        return { created: true, userId: id };
      });
    },
  };
}

export type AccountsService = ReturnType<typeof accountsService>;
