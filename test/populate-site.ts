import type { Kysely } from 'kysely';
import { saveImportedArticle } from '../src/articles/article.service.ts';
import type { Database } from '../src/db/schema.ts';
import { buildArticle } from './build-article.ts';

/**
 * Fills a migrated database with a small site of our own text: articles in three sections with tags and
 * authors, a newsletter with subscribers in each subscription state, and a reader
 * account with a password hash. Returns how many articles it saved.
 */
export async function populateSite(db: Kysely<Database>, articles = 24): Promise<number> {
  const sections = ['سياسة', 'اقتصاد', 'رياضة'];
  for (let i = 0; i < articles; i++) {
    await saveImportedArticle(
      db,
      buildArticle({
        title: `تقرير رقم ${i + 1} عن مشروع المياه في المدينة`,
        sectionName: sections[i % sections.length]!,
        tags: [`وسم ${i % 4}`, 'مياه'],
        authors: [`كاتب ${i % 3}`],
        publishedAt: new Date(Date.UTC(2026, 10, 1 + (i % 24), 8)).toISOString(),
      }),
    );
  }
  const now = '2026-11-25T08:00:00.000Z';
  await db
    .insertInto('newsletters')
    .values({
      id: 'nl-morning', slug: 'morning', name: 'نشرة الصباح', description: 'أهم أخبار الصباح في رسالة واحدة',
      cadence: 'daily', send_time: '07:00', send_weekday: null, time_zone: 'Asia/Riyadh', per_reader_time: 0,
      content_rule: 'curated', section_id: null, article_limit: 8, sender_name: 'صحيفة', sender_address: 'news@example.com',
      reply_to: null, status: 'active', position: 0, created_at: now, updated_at: now,
    })
    .execute();
  const states = ['confirmed', 'unconfirmed', 'unsubscribed'] as const;
  for (let i = 0; i < 6; i++) {
    await db.insertInto('subscribers').values({ id: `sub-${i}`, email: `reader${i}@example.com`, user_id: null, time_zone: null, created_at: now, updated_at: now }).execute();
    await db
      .insertInto('subscriptions')
      .values({
        subscriber_id: `sub-${i}`, newsletter_id: 'nl-morning', status: states[i % 3]!, source: 'test',
        consented_at: now, confirmed_at: i % 3 === 0 ? now : null, unsubscribed_at: i % 3 === 2 ? now : null,
        unsubscribe_source: null, confirm_token_hash: null, confirm_expires_at: null, created_at: now, updated_at: now,
      })
      .execute();
  }
  await db
    .insertInto('users')
    .values({ id: 'user-1', email: 'reader0@example.com', email_verified_at: now, password_hash: '$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ$aGFzaGhhc2g', display_name: 'قارئة', created_at: now, updated_at: now })
    .execute();
  return articles;
}
