import type { NewsletterRow } from './newsletter.repository.ts';

/** A scheduled issue that is late by more than this is skipped: a morning digest is not sent at night. */
export const LATE_LIMIT_MINUTES = 6 * 60;

export interface LocalTime {
  /** YYYY-MM-DD in the zone. */
  date: string;
  /** Minutes since local midnight. */
  minutes: number;
  /** 0 = Sunday … 6 = Saturday. */
  weekday: number;
}

const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];

/** The wall-clock date, time and weekday at `instant` in an IANA zone. */
export function localTime(instant: Date, timeZone: string): LocalTime {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    weekday: 'short',
    hourCycle: 'h23',
  }).formatToParts(instant);
  const part = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  return {
    date: `${part('year')}-${part('month')}-${part('day')}`,
    minutes: Number(part('hour')) * 60 + Number(part('minute')),
    weekday: WEEKDAYS.indexOf(part('weekday')),
  };
}

/**
 * The issue of a daily or weekly newsletter due now in one zone, named by the local date (one per day and zone),
 * or null: not its day, not yet its time, or more than LATE_LIMIT_MINUTES late.
 */
export function dueOccasion(newsletter: Pick<NewsletterRow, 'cadence' | 'send_time' | 'send_weekday'>, timeZone: string, now: Date): string | null {
  if ((newsletter.cadence !== 'daily' && newsletter.cadence !== 'weekly') || !newsletter.send_time) return null;
  const [hours, minutes] = newsletter.send_time.split(':').map(Number);
  const at = (hours ?? 0) * 60 + (minutes ?? 0);
  const local = localTime(now, timeZone);
  if (newsletter.cadence === 'weekly' && local.weekday !== newsletter.send_weekday) return null;
  if (local.minutes < at || local.minutes >= at + LATE_LIMIT_MINUTES) return null;
  return local.date;
}

/**
 * The IANA zone as Intl spells it ("asia/riyadh" → "Asia/Riyadh"), or null when Intl does not know it. Zones are
 * stored spelled this way: readers of one zone share one issue, so two spellings would make two.
 */
export function canonicalTimeZone(value: string): string | null {
  try {
    return new Intl.DateTimeFormat('en', { timeZone: value }).resolvedOptions().timeZone;
  } catch {
    return null;
  }
}
