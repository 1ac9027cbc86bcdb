import type { Kysely } from 'kysely';
import { z } from 'zod';
import { pageCacheRepository } from '../articles/page-cache.repository.ts';
import type { Database } from '../db/schema.ts';
import { invalidFields } from '../lib/errors.ts';
import { DEFAULT_TIME_ZONE } from '../web/site-time-zone.ts';
import { type Actor, audit } from './article-editing.service.ts';


export interface SiteSettings {
  siteName: string;
  description: string;
  timeZone: string;
  footerText: string;
  /** An uploaded image's id. */
  logoMediaId: string | null;
}

const isTimeZone = (value: string) => {
  try {
    new Intl.DateTimeFormat('en', { timeZone: value });
    return true;
  } catch {
    return false;
  }
};

/** The settings form; errors are Arabic sentences keyed by field. */
export const settingsFormSchema = z.object({
  siteName: z.string().trim().min(1, 'اكتب اسم الموقع.').max(100, 'اجعل اسم الموقع أقصر من مئة حرف.'),
  description: z.string().trim().max(300, 'اجعل الوصف أقصر من ٣٠٠ حرف.'),
  timeZone: z.string().trim().refine(isTimeZone, 'اكتب منطقة زمنية معروفة مثل Asia/Riyadh أو Africa/Cairo.'),
  footerText: z.string().trim().max(500, 'اجعل نص التذييل أقصر من ٥٠٠ حرف.'),
  logoMediaId: z
    .string()
    .trim()
    .transform((value) => value || null),
});

/** The `site_settings` row that says when an admin last saved the settings (ISO), beside the settings' own rows. */
const CHANGED_AT = 'changedAt';

async function storedSettings(db: Kysely<Database>): Promise<Record<string, string | undefined>> {
  const rows = await db.selectFrom('site_settings').select(['key', 'value']).execute();
  return Object.fromEntries(rows.map((row) => [row.key, row.value]));
}

/** The site's settings: stored values over the defaults (the configured site name). */
export async function getSettings(db: Kysely<Database>, defaults: { siteName: string }): Promise<SiteSettings> {
  return settingsFrom(await storedSettings(db), defaults);
}

function settingsFrom(stored: Record<string, string | undefined>, defaults: { siteName: string }): SiteSettings {
  return {
    siteName: stored.siteName ?? defaults.siteName,
    description: stored.description ?? '',
    timeZone: stored.timeZone ?? DEFAULT_TIME_ZONE,
    footerText: stored.footerText ?? '',
    logoMediaId: stored.logoMediaId || null,
  };
}

/** The site's logo as pages show it: an uploaded image, with its alt text and size. */
export interface SiteLogo {
  mediaId: string;
  width: number;
  height: number;
}

/** What readers see of the settings: on every page, in feeds, in emails and in structured data, and the zone of their dates. */
export interface SiteIdentity {
  siteName: string;
  description: string;
  footerText: string;
  logo: SiteLogo | null;
  /** Readers' dates fall on this zone's calendar days. */
  timeZone: string;
  /** When an admin last saved the settings (ISO), null before then: every page that shows them changed then. */
  changedAt: string | null;
}

/**
 * The site's public identity from its settings, the configured name standing in until an admin sets one. Read
 * whenever a page, feed or email is made: rendered pages are cached, and saving the settings empties that cache.
 */
export async function getSiteIdentity(db: Kysely<Database>, defaults: { siteName: string }): Promise<SiteIdentity> {
  const stored = await storedSettings(db);
  const settings = settingsFrom(stored, defaults);
  const logo = settings.logoMediaId
    ? await db.selectFrom('media').select(['id', 'width', 'height']).where('id', '=', settings.logoMediaId).executeTakeFirst()
    : undefined;
  return {
    siteName: settings.siteName,
    description: settings.description,
    footerText: settings.footerText,
    logo: logo ? { mediaId: logo.id, width: logo.width, height: logo.height } : null,
    timeZone: settings.timeZone,
    changedAt: stored[CHANGED_AT] ?? null,
  };
}

/**
 * Validates and stores the settings form in one transaction, with an audit entry. Every page shows the settings,
 * so the page cache is invalidated in the same transaction.
 */
export async function saveSettings(db: Kysely<Database>, form: Record<string, unknown>, actor: Actor, now = new Date()): Promise<SiteSettings> {
  const parsed = settingsFormSchema.safeParse(form);
  if (!parsed.success) {
    const fields: Record<string, string> = {};
    for (const issue of parsed.error.issues) fields[String(issue.path[0])] ??= issue.message;
    throw invalidFields(fields);
  }
  const settings = parsed.data;
  await db.transaction().execute(async (trx) => {
    if (settings.logoMediaId) {
      const logo = await trx.selectFrom('media').select('id').where('id', '=', settings.logoMediaId).executeTakeFirst();
      if (!logo) throw invalidFields({ logoMediaId: 'لا توجد صورة بهذا المعرّف في مكتبة الصور.' });
    }
    for (const [key, value] of Object.entries({ ...settings, [CHANGED_AT]: now.toISOString() })) {
      await trx
        .insertInto('site_settings')
        .values({ key, value: value ?? '' })
        .onConflict((oc) => oc.column('key').doUpdateSet({ value: value ?? '' }))
        .execute();
    }
    await pageCacheRepository(trx).bumpGeneration();
    await audit(trx, actor, now.toISOString(), { action: 'settings.update', subjectType: 'settings', subjectId: null, summary: 'عدّل إعدادات الموقع' });
  });
  return settings;
}

/**
 * The UTC instant of a wall-clock time ("2026-11-25T14:30", as a datetime-local field sends it) in a time zone.
 * Null when the text is not such a time.
 */
export function zonedTimeToUtc(local: string, timeZone: string): Date | null {
  const match = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/.exec(local.trim());
  if (!match) return null;
  const [year = 0, month = 1, day = 1, hour = 0, minute = 0, second = 0] = match.slice(1).map((part) => Number(part ?? 0));
  const asUtc = Date.UTC(year, month - 1, day, hour, minute, second);
  if (Number.isNaN(asUtc)) return null;
  // The zone's offset at that moment; a second pass settles times next to a daylight-saving change.
  let guess = asUtc - offsetMs(asUtc, timeZone);
  guess = asUtc - offsetMs(guess, timeZone);
  return new Date(guess);
}

/** A UTC instant as the datetime-local value of that moment in a time zone. */
export function utcToZonedTime(date: Date, timeZone: string): string {
  const local = new Date(date.getTime() + offsetMs(date.getTime(), timeZone));
  return local.toISOString().slice(0, 16);
}

function offsetMs(utcMs: number, timeZone: string): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  }).formatToParts(new Date(utcMs));
  const get = (type: string) => Number(parts.find((part) => part.type === type)?.value);
  const wall = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'));
  return wall - Math.floor(utcMs / 1000) * 1000;
}
