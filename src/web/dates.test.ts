import { describe, expect, it } from 'vitest';
import { formatGregorian, formatHijri } from './dates.ts';
import { formatCount } from './numbers.ts';

describe('dates and numbers in Arabic', () => {
  it('writes a date in the Gregorian and the Umm al-Qura calendars with Arabic-Indic digits', () => {
    expect(formatGregorian('2026-11-25T06:00:00.000Z')).toBe('٢٥ نوفمبر ٢٠٢٦ م');
    expect(formatHijri('2026-11-25T06:00:00.000Z')).toBe('١٥ جمادى الآخرة ١٤٤٨ هـ');
  });

  it('takes the day in UTC, whatever the server time zone', () => {
    expect(formatGregorian('2026-11-25T23:59:59.000Z')).toBe('٢٥ نوفمبر ٢٠٢٦ م');
  });

  it('writes counts without grouping separators', () => {
    expect(formatCount(2)).toBe('٢');
    expect(formatCount(12345)).toBe('١٢٣٤٥');
  });
});
