import fastifyRateLimit from '@fastify/rate-limit';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';
import type { VNode } from 'preact';
import { z } from 'zod';
import type { AccountsConfig } from '../config.ts';
import type { Database } from '../db/schema.ts';
import { invalidInput, tooManyRequests } from '../lib/errors.ts';
import { renderDocument, type SiteChrome } from '../web/layout.tsx';
import { presentationOf } from '../web/presentation.tsx';
import type { AccountsService } from './accounts.service.ts';
import { normalizeDisplayName } from './accounts.service.ts';
import {
  CheckEmailPage,
  ConfirmLinkPage,
  DeletedPage,
  LinkExpiredPage,
  NewPasswordPage,
  ProfilePage,
  ResetRequestPage,
  SignInPage,
  SignUpPage,
} from './accounts.views.tsx';
import { normalizeEmail } from './email-address.ts';
import { describePasswordProblem } from './password.ts';
import { requireReader } from './guards.ts';
import { databaseRateLimitStore } from './rate-limit.store.ts';
import { signIn, signOut } from './session.plugin.ts';
import type { SessionService } from './session.service.ts';
import { loadSiteChrome } from '../web/site-chrome.ts';

const WINDOW_MS = 15 * 60_000;
/** Attempts per 15 minutes, by client address and by account (the address typed in the form). */
export const RATE_LIMITS = {
  signin: { perIp: 20, perAccount: 10 },
  signup: { perIp: 10, perAccount: 3 },
  magic: { perIp: 10, perAccount: 3 },
  reset: { perIp: 10, perAccount: 3 },
  link: { perIp: 30, perAccount: 0 },
} as const;

const text = (max: number) => z.string().max(max).default('');
const signUpBody = z.object({ email: text(320), password: text(1024), displayName: text(400) });
const signInBody = z.object({ email: text(320), password: text(1024), next: text(2000) });
const emailBody = z.object({ email: text(320) });
const passwordBody = z.object({ password: text(1024) });
const tokenParams = z.object({ token: z.string().regex(/^[\w-]{20,100}$/, 'malformed link') });
const sessionParams = z.object({ id: z.string().regex(/^[0-9a-f]{64}$/, 'malformed session id') });
const profileBody = z.object({
  displayName: text(400),
  digits: z.enum(['arab', 'latn']),
  dateStyle: z.enum(['gregorian', 'hijri', 'both']),
  language: z.enum(['ar', 'en']),
});
const deleteBody = z.object({ confirm: text(320) });
const nextQuery = z.object({ next: text(2000) });

/** Only paths on this site: never `//elsewhere` or `https://…` (no open redirect). */
function safeNext(next: string): string {
  return /^\/(?![/\\])/.test(next) ? next : '/account';
}

export interface AccountsRoutesDeps {
  db: Kysely<Database>;
  siteName: string;
  accounts: AccountsService;
  sessions: SessionService;
  config: AccountsConfig;
}

/** /account/…: sign-up, sign-in (password or emailed link), verification, reset, profile, sessions, export, delete. */
export async function accountsRoutes(app: FastifyInstance, deps: AccountsRoutesDeps) {
  const { accounts, sessions, config } = deps;
  await app.register(fastifyRateLimit, { global: false, hook: 'preHandler', store: databaseRateLimitStore(deps.db) });

  const limiter = (name: keyof typeof RATE_LIMITS) => {
    const limits = RATE_LIMITS[name];
    const byIp = app.createRateLimit({ max: limits.perIp, timeWindow: WINDOW_MS, keyGenerator: (request) => `${name}:ip:${request.ip}` });
    const byAccount = limits.perAccount
      ? app.createRateLimit({
          max: limits.perAccount,
          timeWindow: WINDOW_MS,
          keyGenerator: (request) => `${name}:account:${normalizeEmail(String((request.body as { email?: unknown })?.email ?? '')) ?? '-'}`,
        })
      : null;
    return async (request: FastifyRequest, reply: FastifyReply) => {
      for (const limit of byAccount ? [byIp, byAccount] : [byIp]) {
        const result = await limit(request);
        if (!result.isAllowed && result.isExceeded) {
          reply.header('retry-after', String(result.ttlInSeconds));
          throw tooManyRequests(result.ttlInSeconds);
        }
      }
    };
  };
  const limit = { signin: limiter('signin'), signup: limiter('signup'), magic: limiter('magic'), reset: limiter('reset'), link: limiter('link') };

  const site = (): Promise<SiteChrome> => loadSiteChrome(deps.db, deps.siteName);
  const page = (reply: FastifyReply, document: VNode, status = 200) =>
    reply.code(status).type('text/html; charset=utf-8').header('cache-control', 'no-store').send(renderDocument(document, presentationOf(reply.request)));

  app.get('/account/signup', async (request, reply) => page(reply, <SignUpPage site={await site()} csrfToken={request.csrfToken()} />));

  app.post('/account/signup', { preHandler: limit.signup }, async (request, reply) => {
    const body = signUpBody.parse(request.body);
    if (!normalizeEmail(body.email)) {
      return page(reply, <SignUpPage site={await site()} csrfToken={request.csrfToken()} problem="عنوان البريد غير صالح." values={body} />, 422);
    }
    const problem = await accounts.signUp(body);
    if (problem) return page(reply, <SignUpPage site={await site()} csrfToken={request.csrfToken()} problem={describePasswordProblem(problem, presentationOf(request))} values={body} />, 422);
    return page(reply, <CheckEmailPage site={await site()} email={normalizeEmail(body.email)!} why="signup" />);
  });

  app.get('/account/signin', async (request, reply) => {
    const { next } = nextQuery.parse(request.query);
    return page(reply, <SignInPage site={await site()} csrfToken={request.csrfToken()} next={safeNext(next)} />);
  });

  app.post('/account/signin', { preHandler: limit.signin }, async (request, reply) => {
    const body = signInBody.parse(request.body);
    const outcome = await accounts.checkPassword(body.email, body.password);
    if (outcome === 'unverified') return page(reply, <CheckEmailPage site={await site()} email={normalizeEmail(body.email)!} why="unverified" />);
    if (!outcome) {
      const problem = 'البريد أو كلمة المرور غير صحيحين.';
      return page(reply, <SignInPage site={await site()} csrfToken={request.csrfToken()} problem={problem} next={safeNext(body.next)} email={body.email} />, 401);
    }
    await signIn(request, reply, sessions, outcome, config);
    return reply.redirect(safeNext(body.next), 303);
  });

  app.post('/account/magic', { preHandler: limit.magic }, async (request, reply) => {
    const { email } = emailBody.parse(request.body);
    if (!normalizeEmail(email)) throw invalidInput('عنوان البريد غير صالح.');
    await accounts.requestMagicLink(email);
    return page(reply, <CheckEmailPage site={await site()} email={normalizeEmail(email)!} why="magic" />);
  });

  // Emailed links open a page with a button; the POST spends the token. Mail scanners that fetch links do not.
  // A new reader who confirms their address goes on to pick topics for "لك" (skippable, src/feed).
  const linkPages = [
    { path: '/account/magic/:token', title: 'الدخول إلى حسابك', text: 'اضغط الزر لتدخل إلى حسابك على هذا الجهاز.', button: 'ادخل', spend: accounts.consumeMagicLink, then: '/account' },
    { path: '/account/verify/:token', title: 'تأكيد بريدك', text: 'اضغط الزر لتأكيد بريدك والدخول إلى حسابك.', button: 'أكّد بريدي وادخل', spend: accounts.confirmEmail, then: '/onboarding' },
  ];
  for (const link of linkPages) {
    app.get(link.path, async (request, reply) => {
      const { token } = tokenParams.parse(request.params);
      const action = link.path.replace(':token', token);
      return page(reply, <ConfirmLinkPage site={await site()} csrfToken={request.csrfToken()} action={action} title={link.title} text={link.text} button={link.button} />);
    });
    app.post(link.path, { preHandler: limit.link }, async (request, reply) => {
      const { token } = tokenParams.parse(request.params);
      const userId = await link.spend(token);
      if (!userId) return page(reply, <LinkExpiredPage site={await site()} />, 410);
      await signIn(request, reply, sessions, userId, config);
      return reply.redirect(link.then, 303);
    });
  }

  app.get('/account/reset', async (request, reply) => page(reply, <ResetRequestPage site={await site()} csrfToken={request.csrfToken()} />));

  app.post('/account/reset', { preHandler: limit.reset }, async (request, reply) => {
    const { email } = emailBody.parse(request.body);
    if (!normalizeEmail(email)) throw invalidInput('عنوان البريد غير صالح.');
    await accounts.requestReset(email);
    return page(reply, <CheckEmailPage site={await site()} email={normalizeEmail(email)!} why="reset" />);
  });

  app.get('/account/reset/:token', async (request, reply) => {
    const { token } = tokenParams.parse(request.params);
    return page(reply, <NewPasswordPage site={await site()} csrfToken={request.csrfToken()} action={`/account/reset/${token}`} />);
  });

  app.post('/account/reset/:token', { preHandler: limit.link }, async (request, reply) => {
    const { token } = tokenParams.parse(request.params);
    const { password } = passwordBody.parse(request.body);
    const outcome = await accounts.resetPassword(token, password);
    if (!outcome) return page(reply, <LinkExpiredPage site={await site()} />, 410);
    if ('problem' in outcome) {
      return page(reply, <NewPasswordPage site={await site()} csrfToken={request.csrfToken()} action={`/account/reset/${token}`} problem={describePasswordProblem(outcome.problem, presentationOf(request))} />, 422);
    }
    await signIn(request, reply, sessions, outcome.userId, config);
    return reply.redirect('/account?notice=password', 303);
  });

  app.post('/account/signout', async (request, reply) => {
    await signOut(request, reply, sessions, config);
    return reply.redirect('/', 303);
  });

  // Signed-in pages.
  app.get('/account', { preHandler: requireReader() }, async (request, reply) => {
    const reader = request.reader!;
    const user = await accounts.findUser(reader.id);
    if (!user) throw invalidInput('no such account');
    const notices = presentationOf(request).text.accountNotices;
    const asked = String((request.query as { notice?: string }).notice ?? '');
    // Own keys only: `?notice=constructor` must not reach Object's prototype.
    const notice = Object.hasOwn(notices, asked) ? notices[asked]! : null;
    return page(
      reply,
      <ProfilePage site={await site()} csrfToken={request.csrfToken()} user={user} sessions={await sessions.list(reader.id)} currentSessionId={reader.sessionId} notice={notice} />,
    );
  });

  app.post('/account/profile', { preHandler: requireReader() }, async (request, reply) => {
    const body = profileBody.parse(request.body);
    await accounts.updateProfile(request.reader!.id, {
      displayName: normalizeDisplayName(body.displayName),
      preferences: { digits: body.digits, dateStyle: body.dateStyle, language: body.language },
    });
    return reply.redirect('/account?notice=saved', 303);
  });

  app.post('/account/sessions/:id/revoke', { preHandler: requireReader() }, async (request, reply) => {
    const { id } = sessionParams.parse(request.params);
    await sessions.revoke(request.reader!.id, id);
    return reply.redirect('/account?notice=revoked', 303);
  });

  app.post('/account/sessions/revoke-all', { preHandler: requireReader() }, async (request, reply) => {
    await sessions.endAll(request.reader!.id);
    await signOut(request, reply, sessions, config);
    return reply.redirect('/account/signin', 303);
  });

  app.get('/account/export', { preHandler: requireReader() }, async (request, reply) => {
    const data = await accounts.exportData(request.reader!.id);
    return reply
      .header('cache-control', 'no-store')
      .header('content-disposition', 'attachment; filename="sahifa-account.json"')
      .type('application/json; charset=utf-8')
      .send(JSON.stringify(data, null, 2));
  });

  app.post('/account/delete', { preHandler: requireReader() }, async (request, reply) => {
    const { confirm } = deleteBody.parse(request.body);
    if (normalizeEmail(confirm) !== request.reader!.email) throw invalidInput('للتأكيد اكتب بريد حسابك كما هو.');
    await accounts.deleteAccount(request.reader!.id);
    await signOut(request, reply, sessions, config);
    return page(reply, <DeletedPage site={await site()} />);
  });
}
