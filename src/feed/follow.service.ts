import type { Kysely } from 'kysely';
import type { Database, TargetKind } from '../db/schema.ts';
import { invalidInput } from '../lib/errors.ts';
import { savedRepository } from '../saved/saved.repository.ts';
import { followRepository } from './follow.repository.ts';
import { readingRepository } from './reading.repository.ts';
import { describeTargets, resolveTarget, type Target } from './targets.ts';

export type FollowKind = 'section' | 'tag' | 'author' | 'entity';
export type MuteKind = FollowKind | 'source' | 'article';

/** Onboarding asks for at least this many topics (or a skip). */
export const ONBOARDING_MINIMUM = 3;

/** Follows a section, tag, author or entity by slug; following twice changes nothing. */
export async function follow(db: Kysely<Database>, readerId: string, kind: FollowKind, slug: string, now = new Date()): Promise<Target> {
  const target = await resolveTarget(db, kind, slug);
  await followRepository(db).follow(readerId, target, now.toISOString());
  return target;
}

export async function unfollow(db: Kysely<Database>, readerId: string, kind: FollowKind, slug: string): Promise<Target> {
  const target = await resolveTarget(db, kind, slug);
  await followRepository(db).unfollow(readerId, target);
  return target;
}

/** "Fewer like this" or "hide" a target; reversible with `unmute`. */
export async function mute(db: Kysely<Database>, readerId: string, kind: MuteKind, slug: string, mode: 'fewer' | 'hide', now = new Date()) {
  const target = await resolveTarget(db, kind, slug);
  await followRepository(db).mute(readerId, target, mode, now.toISOString());
  return target;
}

export async function unmute(db: Kysely<Database>, readerId: string, kind: MuteKind, slug: string) {
  const target = await resolveTarget(db, kind, slug);
  await followRepository(db).unmute(readerId, target);
  return target;
}

/** What the reader follows and mutes, named, for the account page and the API. */
export async function readerSettings(db: Kysely<Database>, readerId: string) {
  const repo = followRepository(db);
  const [follows, mutes, preferences] = await Promise.all([repo.follows(readerId), repo.mutes(readerId), repo.preferences(readerId)]);
  const refs = [...follows, ...mutes].map((row) => ({ kind: row.target_kind, id: row.target_id }));
  const targets = await describeTargets(db, refs);
  return {
    follows: follows.flatMap((row) => targets.get(`${row.target_kind}:${row.target_id}`) ?? []),
    mutes: mutes.flatMap((row) => {
      const target = targets.get(`${row.target_kind}:${row.target_id}`);
      return target ? [{ target, mode: row.mode }] : [];
    }),
    view: preferences?.view ?? 'for-you',
    learnedSince: preferences?.learned_since ?? null,
    onboarded: Boolean(preferences?.onboarded_at),
  };
}

/** Whether the reader follows this target (for follow buttons). */
export async function isFollowing(db: Kysely<Database>, readerId: string, kind: TargetKind, id: string): Promise<boolean> {
  const follows = await followRepository(db).follows(readerId);
  return follows.some((row) => row.target_kind === kind && row.target_id === id);
}

/**
 * Topics to offer at onboarding: every section, then the most followed tags and authors, then the tags and the
 * people, places and organisations (entities) in the most articles, without repeats.
 */
export async function onboardingTopics(db: Kysely<Database>, limit = 24): Promise<Target[]> {
  const repo = followRepository(db);
  const [sections, tags, authors, usedTags, usedEntities] = await Promise.all([
    db.selectFrom('sections').select(['id', 'slug', 'name']).orderBy('position').orderBy('name').execute(),
    repo.mostFollowed('tag', limit),
    repo.mostFollowed('author', limit),
    repo.mostUsed('tag', 8),
    repo.mostUsed('entity', 12),
  ]);
  const named = await describeTargets(db, [
    ...tags.map((row) => ({ kind: 'tag' as const, id: row.target_id })),
    ...authors.map((row) => ({ kind: 'author' as const, id: row.target_id })),
  ]);
  const all: Target[] = [
    ...sections.map((row) => ({ kind: 'section' as const, ...row })),
    ...tags.flatMap((row) => named.get(`tag:${row.target_id}`) ?? []),
    ...authors.flatMap((row) => named.get(`author:${row.target_id}`) ?? []),
    ...usedTags.map(({ id, slug, name }) => ({ kind: 'tag' as const, id, slug, name })),
    ...usedEntities.map(({ id, slug, name }) => ({ kind: 'entity' as const, id, slug, name })),
  ];
  const unique = [...new Map(all.map((target) => [`${target.kind}:${target.id}`, target])).values()];
  return unique.slice(0, limit);
}

/**
 * Finishes onboarding: follows every picked topic, in one transaction, or none when one is unknown. At least
 * ONBOARDING_MINIMUM picks, unless the reader skips (`picks` empty and `skip`).
 */
export async function completeOnboarding(
  db: Kysely<Database>,
  readerId: string,
  picks: { kind: FollowKind; slug: string }[],
  options: { skip?: boolean; now?: Date } = {},
): Promise<void> {
  const now = (options.now ?? new Date()).toISOString();
  const unique = [...new Map(picks.map((pick) => [`${pick.kind}:${pick.slug}`, pick])).values()];
  if (!options.skip && unique.length < ONBOARDING_MINIMUM) {
    throw invalidInput(`pick at least ${ONBOARDING_MINIMUM} topics (got ${unique.length}), or skip`);
  }
  await db.transaction().execute(async (trx) => {
    for (const pick of unique) {
      const target = await resolveTarget(trx, pick.kind, pick.slug);
      await followRepository(trx).follow(readerId, target, now);
    }
    await followRepository(trx).setPreferences(readerId, { onboarded_at: now });
  });
}

/** "لك" (ranked) or "الأحدث" (newest first) as the reader's default view. */
export const setView = (db: Kysely<Database>, readerId: string, view: 'for-you' | 'latest') => followRepository(db).setPreferences(readerId, { view });

/** Forgets what was learned from reads and saves so far; follows and mutes stay. */
export const resetLearning = (db: Kysely<Database>, readerId: string, now = new Date()) =>
  followRepository(db).setPreferences(readerId, { learned_since: now.toISOString() });

/** What the reader read, one row per article, newest first. */
export const readingHistory = (db: Kysely<Database>, readerId: string, limit: number) => readingRepository(db).history(readerId, { limit });

/** Deletes the reader's reading history (and so what was learned from it). */
export const clearHistory = (db: Kysely<Database>, readerId: string) => readingRepository(db).clearHistory(readerId);

/** Everything this capability keeps about a reader, as plain JSON, for the account's data export. */
export async function exportReaderActivity(db: Kysely<Database>, readerId: string) {
  const [settings, history, saved] = await Promise.all([
    readerSettings(db, readerId),
    readingRepository(db).history(readerId, { limit: 100_000 }),
    savedRepository(db).list(readerId, { limit: 100_000 }),
  ]);
  return {
    follows: settings.follows.map((target) => ({ kind: target.kind, slug: target.slug, name: target.name })),
    mutes: settings.mutes.map(({ target, mode }) => ({ kind: target.kind, slug: target.slug, name: target.name, mode })),
    view: settings.view,
    learnedSince: settings.learnedSince,
    readingHistory: history.map((item) => ({ slug: item.slug, title: item.title, lastReadAt: item.last_read_at, paragraph: item.paragraph })),
    savedArticles: saved.map((item) => ({ slug: item.slug, title: item.title, savedAt: item.saved_at })),
  };
}

/** Deletes everything this capability keeps about a reader; accounts call it when an account is deleted. */
export async function forgetReader(db: Kysely<Database>, readerId: string): Promise<void> {
  const forget = async (trx: Kysely<Database>) => {
    await followRepository(trx).removeAll(readerId);
    await readingRepository(trx).clearHistory(readerId);
    await savedRepository(trx).removeAll(readerId);
  };
  // Account deletion calls this inside its own transaction, which Kysely cannot nest.
  if (db.isTransaction) return forget(db);
  await db.transaction().execute(forget);
}
