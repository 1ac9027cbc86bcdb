import { describe, expect, it } from 'vitest';
import { dueOccasion, localTime } from './schedule.ts';

describe('newsletter schedule', () => {
  const daily = { cadence: 'daily' as const, send_time: '07:00', send_weekday: null };
  const weekly = { cadence: 'weekly' as const, send_time: '09:00', send_weekday: 5 };

  it('reads the local date, time and weekday in a zone', () => {
    // 2026-11-26 22:30 UTC is already Friday 01:30 in Riyadh (UTC+3).
    expect(localTime(new Date('2026-11-26T22:30:00Z'), 'Asia/Riyadh')).toEqual({ date: '2026-11-27', minutes: 90, weekday: 5 });
    expect(localTime(new Date('2026-11-26T22:30:00Z'), 'America/New_York')).toEqual({ date: '2026-11-26', minutes: 17 * 60 + 30, weekday: 4 });
  });

  it('makes a daily issue due from its local time, once per local date, and not more than six hours late', () => {
    expect(dueOccasion(daily, 'Asia/Riyadh', new Date('2026-11-25T03:59:00Z'))).toBeNull(); // 06:59 in Riyadh
    expect(dueOccasion(daily, 'Asia/Riyadh', new Date('2026-11-25T04:00:00Z'))).toBe('2026-11-25'); // 07:00
    expect(dueOccasion(daily, 'Asia/Riyadh', new Date('2026-11-25T09:59:00Z'))).toBe('2026-11-25'); // 12:59
    expect(dueOccasion(daily, 'Asia/Riyadh', new Date('2026-11-25T10:00:00Z'))).toBeNull(); // 13:00: too late
    // The same instant is 07:00 in Riyadh but 05:00 in Cairo: each reader's own morning.
    expect(dueOccasion(daily, 'Africa/Cairo', new Date('2026-11-25T04:00:00Z'))).toBeNull();
    expect(dueOccasion(daily, 'Africa/Cairo', new Date('2026-11-25T05:00:00Z'))).toBe('2026-11-25');
  });

  it('makes a weekly issue due only on its weekday', () => {
    expect(dueOccasion(weekly, 'Asia/Riyadh', new Date('2026-11-27T06:00:00Z'))).toBe('2026-11-27'); // Friday 09:00
    expect(dueOccasion(weekly, 'Asia/Riyadh', new Date('2026-11-26T06:00:00Z'))).toBeNull(); // Thursday
  });

  it('never schedules manual or on-publish newsletters', () => {
    expect(dueOccasion({ cadence: 'manual', send_time: '07:00', send_weekday: null }, 'UTC', new Date('2026-11-25T08:00:00Z'))).toBeNull();
    expect(dueOccasion({ cadence: 'on_publish', send_time: null, send_weekday: null }, 'UTC', new Date('2026-11-25T08:00:00Z'))).toBeNull();
  });
});
