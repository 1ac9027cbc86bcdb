import type { Kysely, Transaction } from 'kysely';
import type { Database, FeedPreferencesTable, TargetKind } from '../db/schema.ts';

type Executor = Kysely<Database> | Transaction<Database>;

export interface TargetRef {
  kind: TargetKind;
  id: string;
}

/** All SQL for follows, mutes ("fewer like this", "hide") and feed preferences. */
export function followRepository(db: Executor) {
  return {
    follow: (readerId: string, target: TargetRef, at: string) =>
      db
        .insertInto('follows')
        .values({ reader_id: readerId, target_kind: target.kind, target_id: target.id, created_at: at })
        .onConflict((oc) => oc.columns(['reader_id', 'target_kind', 'target_id']).doNothing())
        .execute(),

    async unfollow(readerId: string, target: TargetRef): Promise<boolean> {
      const result = await db
        .deleteFrom('follows')
        .where('reader_id', '=', readerId)
        .where('target_kind', '=', target.kind)
        .where('target_id', '=', target.id)
        .executeTakeFirst();
      return Number(result.numDeletedRows) > 0;
    },

    follows: (readerId: string) =>
      db.selectFrom('follows').select(['target_kind', 'target_id', 'created_at']).where('reader_id', '=', readerId).orderBy('created_at').execute(),

    /** A mute replaces an earlier one on the same target (fewer → hide or back). */
    mute: (readerId: string, target: TargetRef, mode: 'fewer' | 'hide', at: string) =>
      db
        .insertInto('feed_mutes')
        .values({ reader_id: readerId, target_kind: target.kind, target_id: target.id, mode, created_at: at })
        .onConflict((oc) => oc.columns(['reader_id', 'target_kind', 'target_id']).doUpdateSet({ mode, created_at: at }))
        .execute(),

    async unmute(readerId: string, target: TargetRef): Promise<boolean> {
      const result = await db
        .deleteFrom('feed_mutes')
        .where('reader_id', '=', readerId)
        .where('target_kind', '=', target.kind)
        .where('target_id', '=', target.id)
        .executeTakeFirst();
      return Number(result.numDeletedRows) > 0;
    },

    mutes: (readerId: string) =>
      db
        .selectFrom('feed_mutes')
        .select(['target_kind', 'target_id', 'mode', 'created_at'])
        .where('reader_id', '=', readerId)
        .orderBy('created_at', 'desc')
        .execute(),

    preferences: (readerId: string) =>
      db.selectFrom('feed_preferences').selectAll().where('reader_id', '=', readerId).executeTakeFirst(),

    setPreferences: (readerId: string, changes: Partial<Omit<FeedPreferencesTable, 'reader_id'>>) =>
      db
        .insertInto('feed_preferences')
        .values({ reader_id: readerId, view: 'for-you', learned_since: null, onboarded_at: null, ...changes })
        .onConflict((oc) => oc.column('reader_id').doUpdateSet(changes))
        .execute(),

    /** The most followed targets of one kind, for onboarding suggestions. */
    mostFollowed: (kind: TargetKind, limit: number) =>
      db
        .selectFrom('follows')
        .select(['target_id', (eb) => eb.fn.countAll<string | number>().as('followers')])
        .where('target_kind', '=', kind)
        .groupBy('target_id')
        .orderBy('followers', 'desc')
        .limit(limit)
        .execute(),

    /** Tags or entities carried by the most articles, for onboarding when few readers follow anything yet. */
    mostUsed: (kind: 'tag' | 'entity', limit: number) =>
      kind === 'tag'
        ? db
            .selectFrom('article_tags')
            .innerJoin('tags', 'tags.id', 'article_tags.tag_id')
            .select(['tags.id', 'tags.slug', 'tags.name', (eb) => eb.fn.countAll<string | number>().as('articles')])
            .groupBy(['tags.id', 'tags.slug', 'tags.name'])
            .orderBy('articles', 'desc')
            .limit(limit)
            .execute()
        : db
            .selectFrom('article_entities')
            .innerJoin('entities', 'entities.id', 'article_entities.entity_id')
            .select(['entities.id', 'entities.slug', 'entities.name', (eb) => eb.fn.countAll<string | number>().as('articles')])
            .groupBy(['entities.id', 'entities.slug', 'entities.name'])
            .orderBy('articles', 'desc')
            .limit(limit)
            .execute(),

    async removeAll(readerId: string) {
      await db.deleteFrom('follows').where('reader_id', '=', readerId).execute();
      await db.deleteFrom('feed_mutes').where('reader_id', '=', readerId).execute();
      await db.deleteFrom('feed_preferences').where('reader_id', '=', readerId).execute();
    },
  };
}

export type FollowRepository = ReturnType<typeof followRepository>;
