import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { Database, NewsletterCadence, NewsletterContentRule } from '../db/schema.ts';
import type { Mailer } from '../mail/mailer.ts';
import { SahifaError, invalidInput, notFound } from '../lib/errors.ts';
import { canonicalTimeZone } from './schedule.ts';
import { type NewsletterRow, newsletterRepository } from './newsletter.repository.ts';
import { confirmationEmail } from './confirmation-email.tsx';
import { hashToken, newConfirmationToken, readUnsubscribeToken } from './tokens.ts';
import { loadSiteName } from '../web/site-chrome.ts';

/** What the subscription rules need; wired in app.ts (web) and run-worker.ts (jobs). */
export interface NewsletterDeps {
  db: Kysely<Database>;
  siteName: string;
  siteUrl: string;
  /** HMAC key of unsubscribe and bounce tokens, shared by every process. */
  secret: string;
  mailer: Mailer;
}

/** The seeded daily digest: the default newsletter until an admin makes another one the default. */
export const DEFAULT_NEWSLETTER_SLUG = 'daily';
const DEFAULT_NEWSLETTER_NAME = 'الموجز اليومي';
export const BREAKING_NEWSLETTER_SLUG = 'breaking';

/** A confirmation link works this long, once. */
const CONFIRMATION_TTL_MS = 7 * 24 * 3600 * 1000;

interface SeedNewsletter {
  slug: string;
  name: string;
  description: string;
  cadence: NewsletterCadence;
  send_time: string | null;
  send_weekday: number | null;
  per_reader_time: number;
  content_rule: NewsletterContentRule;
  article_limit: number;
  position: number;
}

/** The three newsletters every site starts with (the seed's "نشراتنا البريدية المتنوعة"). */
const DEFAULT_NEWSLETTERS: SeedNewsletter[] = [
  {
    slug: DEFAULT_NEWSLETTER_SLUG,
    name: DEFAULT_NEWSLETTER_NAME,
    description: 'أهم أخبار اليوم في رسالة واحدة كل صباح، في السابعة بتوقيتك.',
    cadence: 'daily',
    send_time: '07:00',
    send_weekday: null,
    per_reader_time: 1,
    content_rule: 'section_latest',
    article_limit: 8,
    position: 1,
  },
  {
    slug: BREAKING_NEWSLETTER_SLUG,
    name: 'عاجل',
    description: 'الأخبار العاجلة لحظة نشرها، وليس أكثر من رسالة كل ساعة.',
    cadence: 'on_publish',
    send_time: null,
    send_weekday: null,
    per_reader_time: 0,
    content_rule: 'breaking',
    article_limit: 1,
    position: 2,
  },
  {
    slug: 'yours',
    name: 'نشرتك',
    description: 'مختارات الأسبوع بحسب ما تتابعه من أقسام وموضوعات، صباح كل جمعة.',
    cadence: 'weekly',
    send_time: '09:00',
    send_weekday: 5,
    per_reader_time: 1,
    content_rule: 'personalized',
    article_limit: 10,
    position: 3,
  },
];

/**
 * Adds the default newsletters that are missing (by slug); never changes one an editor has edited. Safe to run
 * at every start, from several processes.
 */
export async function ensureDefaultNewsletters(db: Kysely<Database>, sender: { name: string; address: string }, timeZone: string): Promise<void> {
  const now = new Date().toISOString();
  const repository = newsletterRepository(db);
  for (const newsletter of DEFAULT_NEWSLETTERS) {
    await repository.insertNewsletterIfMissing({
      id: randomUUID(),
      ...newsletter,
      time_zone: timeZone,
      section_id: null,
      sender_name: sender.name,
      sender_address: sender.address,
      reply_to: null,
      status: 'active',
      created_at: now,
      updated_at: now,
    });
  }
  await repository.markDefaultIfNone(DEFAULT_NEWSLETTER_SLUG);
}

const emailSchema = z
  .string()
  .trim()
  .toLowerCase()
  .max(254, 'email address is too long')
  .email('not an email address');

/** Normalizes an address for storage and lookups (trimmed, lower-cased); throws INVALID_INPUT naming the problem. */
export function normalizeEmail(input: string): string {
  const parsed = emailSchema.safeParse(input);
  if (!parsed.success) throw invalidInput(`email: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
  return parsed.data;
}

async function activeNewsletters(db: Kysely<Database>, slugs: string[]): Promise<NewsletterRow[]> {
  const active = await newsletterRepository(db).listNewsletters('active');
  const chosen = active.filter((newsletter) => slugs.includes(newsletter.slug));
  const unknown = slugs.filter((slug) => !chosen.some((newsletter) => newsletter.slug === slug));
  if (unknown.length) throw invalidInput(`newsletters: unknown or archived: ${unknown.join(', ')}`);
  if (!chosen.length) throw invalidInput('newsletters: choose at least one');
  return chosen;
}

/** One confirmation token confirms each newsletter of a signup; each subscription stores its own hash of it. */
const subscriptionTokenHash = (token: string, newsletterId: string) => hashToken(`${token}:${newsletterId}`);

/**
 * Public signup (double opt-in): records an unconfirmed subscription to each chosen newsletter and mails one
 * confirmation link. Says nothing about whether the address was already subscribed (the caller shows the same
 * page either way); an address already confirmed for a newsletter stays confirmed and gets no link for it.
 */
export async function requestSubscription(deps: NewsletterDeps, input: { email: string; newsletters: string[] }): Promise<void> {
  const email = normalizeEmail(input.email);
  const newsletters = await activeNewsletters(deps.db, input.newsletters);
  const now = new Date();
  const { token } = newConfirmationToken();
  const toConfirm = await deps.db.transaction().execute(async (trx) => {
    const repository = newsletterRepository(trx);
    const subscriber = await repository.upsertSubscriber({ id: randomUUID(), email, user_id: null, time_zone: null, created_at: now.toISOString(), updated_at: now.toISOString() });
    const pending: NewsletterRow[] = [];
    for (const newsletter of newsletters) {
      const existing = await repository.findSubscription(subscriber.id, newsletter.id);
      if (existing?.status === 'confirmed') continue;
      await repository.putSubscription({
        subscriber_id: subscriber.id,
        newsletter_id: newsletter.id,
        status: 'unconfirmed',
        source: 'signup_form',
        consented_at: now.toISOString(),
        confirm_token_hash: subscriptionTokenHash(token, newsletter.id),
        confirm_expires_at: new Date(now.getTime() + CONFIRMATION_TTL_MS).toISOString(),
        created_at: now.toISOString(),
        updated_at: now.toISOString(),
      });
      pending.push(newsletter);
    }
    return pending;
  });
  if (!toConfirm.length) return;
  const link = `${deps.siteUrl}/newsletters/confirm/${token}`;
  const message = confirmationEmail({ siteName: await loadSiteName(deps.db, deps.siteName), siteUrl: deps.siteUrl, newsletterNames: toConfirm.map((n) => n.name), link });
  await deps.mailer.send({ to: email, ...message });
}

/**
 * Confirms the subscriptions a confirmation token was made for. Single use: a second call finds nothing.
 * Returns the newsletters confirmed; throws NOT_FOUND for an unknown, used or expired token.
 */
export async function confirmSubscription(db: Kysely<Database>, token: string): Promise<NewsletterRow[]> {
  const now = new Date().toISOString();
  return db.transaction().execute(async (trx) => {
    const repository = newsletterRepository(trx);
    const confirmed: NewsletterRow[] = [];
    for (const newsletter of await repository.listNewsletters()) {
      if (await repository.confirmByHash(subscriptionTokenHash(token, newsletter.id), now)) confirmed.push(newsletter);
    }
    if (!confirmed.length) throw notFound('confirmation link');
    return confirmed;
  });
}

/** Who and what an unsubscribe token names, for the page that asks "unsubscribe?". */
export async function describeUnsubscribeToken(deps: Pick<NewsletterDeps, 'db' | 'secret'>, token: string) {
  const named = readUnsubscribeToken(deps.secret, token);
  const repository = newsletterRepository(deps.db);
  const newsletter = named && (await repository.findNewsletter(named.newsletterId));
  const subscriber = named && (await repository.findSubscriber(named.subscriberId));
  if (!named || !newsletter || !subscriber) throw notFound('unsubscribe link');
  const subscription = await repository.findSubscription(subscriber.id, newsletter.id);
  return { newsletter, email: subscriber.email, subscribed: subscription?.status !== 'unsubscribed' && subscription !== undefined };
}

/**
 * Unsubscribes the reader and newsletter the token names, at once (RFC 8058 one-click: no session, no CSRF
 * token; the HMAC is the proof). Idempotent: a second call changes nothing and succeeds.
 */
export async function unsubscribeWithToken(deps: Pick<NewsletterDeps, 'db' | 'secret'>, token: string, source: 'one_click' | 'page' | 'mailto'): Promise<NewsletterRow> {
  const named = readUnsubscribeToken(deps.secret, token);
  if (!named) throw notFound('unsubscribe link');
  const repository = newsletterRepository(deps.db);
  const newsletter = await repository.findNewsletter(named.newsletterId);
  if (!newsletter) throw notFound('unsubscribe link');
  await repository.unsubscribe(named.subscriberId, named.newsletterId, source, new Date().toISOString());
  return newsletter;
}

/** A signed-in reader, as the newsletters capability needs them. */
export interface AccountReader {
  userId: string;
  email: string;
}

async function subscriberForAccount(db: Kysely<Database>, reader: AccountReader) {
  const repository = newsletterRepository(db);
  const linked = await repository.findSubscriberByUser(reader.userId);
  if (linked) return linked;
  const now = new Date().toISOString();
  const subscriber = await repository.upsertSubscriber({ id: randomUUID(), email: normalizeEmail(reader.email), user_id: reader.userId, time_zone: null, created_at: now, updated_at: now });
  // The address may have signed up before the account existed: it is the same reader.
  if (subscriber.user_id === null) await repository.linkSubscriberToUser(subscriber.id, reader.userId, now);
  else if (subscriber.user_id !== reader.userId) throw new SahifaError('EMAIL_TAKEN', 'this address belongs to another account', 409);
  return subscriber;
}

/**
 * Subscribes a signed-in reader (account page, one-click prompt): confirmed at once, since the account holder
 * asked for it themselves. Idempotent.
 */
export async function subscribeAccount(db: Kysely<Database>, reader: AccountReader, newsletterSlug: string, source: 'account' | 'prompt'): Promise<NewsletterRow> {
  const [newsletter] = await activeNewsletters(db, [newsletterSlug]);
  return db.transaction().execute(async (trx) => {
    const subscriber = await subscriberForAccount(trx, reader);
    const repository = newsletterRepository(trx);
    const existing = await repository.findSubscription(subscriber.id, newsletter!.id);
    if (existing?.status === 'confirmed') return newsletter!;
    const now = new Date().toISOString();
    await repository.putSubscription({
      subscriber_id: subscriber.id,
      newsletter_id: newsletter!.id,
      status: 'confirmed',
      source,
      consented_at: now,
      confirmed_at: now,
      created_at: now,
      updated_at: now,
    });
    return newsletter!;
  });
}

/**
 * Sets the time zone a signed-in reader's daily and weekly newsletters arrive in ('' or null: the site's). The
 * zone must be one Intl knows; it is stored as Intl spells it. Throws INVALID_INPUT otherwise.
 */
export async function setAccountTimeZone(db: Kysely<Database>, reader: AccountReader, zone: string | null): Promise<string | null> {
  const canonical = zone ? canonicalTimeZone(zone) : null;
  if (zone && !canonical) throw invalidInput(`timeZone: not a time zone: ${zone.slice(0, 60)}`);
  await db.transaction().execute(async (trx) => {
    const subscriber = await subscriberForAccount(trx, reader);
    await newsletterRepository(trx).setSubscriberTimeZone(subscriber.id, canonical, new Date().toISOString());
  });
  return canonical;
}

/** The time zone a signed-in reader chose for their newsletters; null: the site's. */
export async function accountTimeZone(db: Kysely<Database>, userId: string): Promise<string | null> {
  return (await newsletterRepository(db).findSubscriberByUser(userId))?.time_zone ?? null;
}

/** Unsubscribes a signed-in reader from one newsletter (account page). Idempotent. */
export async function unsubscribeAccount(db: Kysely<Database>, userId: string, newsletterSlug: string): Promise<void> {
  const repository = newsletterRepository(db);
  const subscriber = await repository.findSubscriberByUser(userId);
  const newsletter = await repository.findNewsletterBySlug(newsletterSlug);
  if (!newsletter) throw invalidInput(`newsletters: unknown: ${newsletterSlug}`);
  if (subscriber) await repository.unsubscribe(subscriber.id, newsletter.id, 'account', new Date().toISOString());
}

/** Whether the reader receives any newsletter (the prompt's "مشترك"). */
export async function isAccountSubscribed(db: Kysely<Database>, userId: string): Promise<boolean> {
  const subscriber = await newsletterRepository(db).findSubscriberByUser(userId);
  return subscriber ? newsletterRepository(db).hasSubscriptionWithStatus(subscriber.id, ['confirmed']) : false;
}

/** Every active newsletter with the reader's state in it, for the account page. */
export async function accountNewsletters(db: Kysely<Database>, userId: string) {
  const repository = newsletterRepository(db);
  const subscriber = await repository.findSubscriberByUser(userId);
  const states = new Map((subscriber ? await repository.subscriptionsOf(subscriber.id) : []).map((row) => [row.newsletter_id, row.status]));
  return (await repository.listNewsletters('active')).map((newsletter) => ({ newsletter, status: states.get(newsletter.id) ?? null }));
}

/**
 * Imports a list of addresses that already consented elsewhere (moving from another service) as confirmed
 * subscribers of one newsletter, in one transaction; throws INVALID_INPUT naming the first bad address (line).
 */
export async function importSubscribers(db: Kysely<Database>, newsletterSlug: string, addresses: string[]): Promise<number> {
  const newsletter = await newsletterRepository(db).findNewsletterBySlug(newsletterSlug);
  if (!newsletter) throw invalidInput(`newsletters: unknown: ${newsletterSlug}`);
  const emails = new Set<string>();
  addresses.forEach((address, i) => {
    if (!address.trim()) return;
    const parsed = emailSchema.safeParse(address);
    if (!parsed.success) throw invalidInput(`line ${i + 1}: not an email address: ${address.slice(0, 80)}`);
    emails.add(parsed.data);
  });
  const now = new Date().toISOString();
  await db.transaction().execute((trx) => newsletterRepository(trx).bulkSubscribeConfirmed([...emails], newsletter.id, 'import', now, randomUUID));
  return emails.size;
}
