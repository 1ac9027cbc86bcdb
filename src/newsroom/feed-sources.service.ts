import { randomUUID } from 'node:crypto';
import type { Kysely, Transaction } from 'kysely';
import { z } from 'zod';
import { saveImportedArticle } from '../articles/article.service.ts';
import type { Database } from '../db/schema.ts';
import { parseFeedDocument } from '../ingest/feed.ts';
import type { ImportReport } from '../ingest/import.service.ts';
import { invalidFields, isSahifaError, notFound } from '../lib/errors.ts';
import { type Actor, audit } from './article-editing.service.ts';
import { recordImportRun } from './import-runs.service.ts';

/** The longest we wait for a feed, and the most we read of it. */
const FETCH_TIMEOUT_MS = 20_000;
const MAX_FEED_BYTES = 5 * 1024 * 1024;

export const feedSourceFormSchema = z.object({
  url: z
    .string()
    .trim()
    .refine((value) => /^https?:\/\/[^\s]+$/i.test(value), 'اكتب رابط الخلاصة كاملاً يبدأ بـ https://'),
  name: z.string().trim().min(1, 'اكتب اسم المصدر.').max(100, 'اجعل اسم المصدر أقصر من مئة حرف.'),
  sectionId: z.string().transform((value) => value || null),
  mode: z.enum(['review', 'publish'], { error: 'اختر: إلى المراجعة أو النشر مباشرة.' }),
  intervalMinutes: z.coerce
    .number({ error: 'اكتب عدد الدقائق رقماً.' })
    .int('اكتب عدد الدقائق رقماً صحيحاً.')
    .min(5, 'لا تقل الفترة عن خمس دقائق.')
    .max(1440, 'لا تزيد الفترة على يوم (١٤٤٠ دقيقة).'),
});

/** Called in the transaction that adds a source, to have the worker poll it (see jobs/poll-feed.job.ts). */
export type SchedulePoll = (trx: Transaction<Database>, sourceId: string) => Promise<void>;

/** Subscribes the site to a feed; the worker polls it now and then every `intervalMinutes`. */
export async function addFeedSource(db: Kysely<Database>, form: Record<string, unknown>, actor: Actor, schedulePoll: SchedulePoll, now = new Date()): Promise<string> {
  const parsed = feedSourceFormSchema.safeParse(form);
  if (!parsed.success) {
    const fields: Record<string, string> = {};
    for (const issue of parsed.error.issues) fields[String(issue.path[0])] ??= issue.message;
    throw invalidFields(fields);
  }
  const values = parsed.data;
  const id = randomUUID();
  await db.transaction().execute(async (trx) => {
    if (await trx.selectFrom('feed_sources').select('id').where('url', '=', values.url).executeTakeFirst()) {
      throw invalidFields({ url: 'الموقع مشترك في هذه الخلاصة من قبل.' });
    }
    if (values.sectionId && !(await trx.selectFrom('sections').select('id').where('id', '=', values.sectionId).executeTakeFirst())) {
      throw invalidFields({ sectionId: 'القسم المختار لم يعد موجوداً.' });
    }
    await trx
      .insertInto('feed_sources')
      .values({
        id,
        url: values.url,
        name: values.name,
        section_id: values.sectionId,
        mode: values.mode,
        interval_minutes: values.intervalMinutes,
        last_polled_at: null,
        last_error: null,
        created_at: now.toISOString(),
      })
      .execute();
    await schedulePoll(trx, id);
    await audit(trx, actor, now.toISOString(), { action: 'feed.add', subjectType: 'feed', subjectId: id, summary: `اشترك في خلاصة «${values.name}»` });
  });
  return id;
}

/** Unsubscribes; its articles stay, and its pending poll finds nothing to do. */
export async function removeFeedSource(db: Kysely<Database>, id: string, actor: Actor, now = new Date()): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const source = await trx.selectFrom('feed_sources').select('name').where('id', '=', id).executeTakeFirst();
    if (!source) throw notFound(`feed source ${id}`);
    await trx.deleteFrom('feed_sources').where('id', '=', id).execute();
    await audit(trx, actor, now.toISOString(), { action: 'feed.remove', subjectType: 'feed', subjectId: id, summary: `ألغى الاشتراك في خلاصة «${source.name}»` });
  });
}

export const listFeedSources = (db: Kysely<Database>) =>
  db
    .selectFrom('feed_sources')
    .leftJoin('sections', 'sections.id', 'feed_sources.section_id')
    .selectAll('feed_sources')
    .select('sections.name as section_name')
    .orderBy('feed_sources.name')
    .execute();

/**
 * Reads a source's feed once and imports its items: new ones into the source's section, as drafts for review or
 * published, as the source says; items seen before are updated in place. The run and its failures go to the
 * import queue. Returns null when the source no longer exists.
 */
export async function pollFeedSource(db: Kysely<Database>, id: string, now = new Date()): Promise<ImportReport | null> {
  const source = await db
    .selectFrom('feed_sources')
    .leftJoin('sections', 'sections.id', 'feed_sources.section_id')
    .selectAll('feed_sources')
    .select('sections.name as section_name')
    .where('feed_sources.id', '=', id)
    .executeTakeFirst();
  if (!source) return null;
  const report: ImportReport = { imported: [], failed: [] };
  try {
    const items = parseFeedDocument(await fetchFeed(source.url));
    items.forEach((item, index) => {
      if ('error' in item) report.failed.push({ file: `${source.url}#${index + 1}`, reason: item.error });
    });
    for (const item of items) {
      if (!('article' in item)) continue;
      const article = { ...item.article, sectionName: source.section_name ?? item.article.sectionName, sourceName: item.article.sourceName ?? source.name };
      try {
        const saved = await saveImportedArticle(db, article, now, source.mode === 'review' ? 'draft' : 'published');
        report.imported.push({ file: source.url, ...saved });
      } catch (error) {
        report.failed.push({ file: source.url, reason: error instanceof Error ? error.message : String(error) });
      }
    }
  } catch (error) {
    report.failed.push({ file: source.url, reason: isSahifaError(error) || error instanceof Error ? (error as Error).message : String(error) });
  }
  const finishedAt = new Date();
  await recordImportRun(db, { origin: 'feed', actorName: source.name, startedAt: now, finishedAt, report });
  const lastError = report.failed.length ? report.failed.map((failure) => failure.reason).join('؛ ') : null;
  await db.updateTable('feed_sources').set({ last_polled_at: finishedAt.toISOString(), last_error: lastError }).where('id', '=', id).execute();
  return report;
}

async function fetchFeed(url: string): Promise<string> {
  const response = await fetch(url, {
    signal: AbortSignal.timeout(FETCH_TIMEOUT_MS),
    headers: { accept: 'application/rss+xml, application/atom+xml, application/feed+json, application/xml, text/xml, */*' },
    redirect: 'follow',
  });
  if (!response.ok) throw new Error(`the feed answered HTTP ${response.status}`);
  const declared = Number(response.headers.get('content-length') ?? 0);
  if (declared > MAX_FEED_BYTES) throw new Error('the feed is larger than 5 MB');
  const body = Buffer.from(await response.arrayBuffer());
  if (body.length > MAX_FEED_BYTES) throw new Error('the feed is larger than 5 MB');
  return body.toString('utf8');
}
