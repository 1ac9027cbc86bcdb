import { describe, expect, it } from 'vitest';
import { formatCount } from './numbers.ts';
import { presentationFor } from './presentation.tsx';

describe('presentation: dates and numbers in the reader’s digits, calendars and language', () => {
  const defaults = presentationFor();

  it('writes a date in the Gregorian and the Umm al-Qura calendars with Arabic-Indic digits by default', () => {
    expect(defaults.gregorian('2026-11-25T06:00:00.000Z')).toBe('٢٥ نوفمبر ٢٠٢٦ م');
    expect(defaults.hijri('2026-11-25T06:00:00.000Z')).toBe('١٥ جمادى الآخرة ١٤٤٨ هـ');
    expect(defaults.variant).toBe('');
  });

  it('takes the day in the site’s zone (Asia/Riyadh until an admin sets another), whatever the server’s zone', () => {
    expect(defaults.timeZone).toBe('Asia/Riyadh');
    expect(defaults.gregorian('2026-11-25T20:59:59.000Z')).toBe('٢٥ نوفمبر ٢٠٢٦ م');
    expect(defaults.gregorian('2026-11-25T21:00:00.000Z')).toBe('٢٦ نوفمبر ٢٠٢٦ م');
    const casablanca = presentationFor(undefined, 'Africa/Casablanca');
    expect(casablanca.gregorian('2026-11-25T22:30:00.000Z')).toBe('٢٥ نوفمبر ٢٠٢٦ م');
    expect(casablanca.hijri('2026-11-25T22:30:00.000Z')).toBe('١٥ جمادى الآخرة ١٤٤٨ هـ');
    expect(defaults.hijri('2026-11-25T22:30:00.000Z')).toBe('١٦ جمادى الآخرة ١٤٤٨ هـ');
    expect(presentationFor(undefined, 'Africa/Casablanca')).toBe(casablanca);
  });

  it('writes a moment with its time in the zone and names the zone', () => {
    expect(defaults.dateTime('2026-11-25T22:30:00.000Z')).toBe('٢٦ نوفمبر ٢٠٢٦ في ١:٣٠ ص غرينتش+٣');
    expect(presentationFor({ digits: 'latn', dateStyle: 'both', language: 'en' }, 'UTC').dateTime('2026-11-25T22:30:00.000Z')).toBe('25 November 2026 at 22:30 UTC');
  });

  it('writes counts without grouping separators', () => {
    expect(formatCount(12345)).toBe('١٢٣٤٥');
    expect(defaults.count(12345)).toBe('١٢٣٤٥');
  });

  it('writes Western digits, and English month names in the English interface', () => {
    const western = presentationFor({ digits: 'latn', dateStyle: 'both', language: 'ar' });
    expect(western.count(2026)).toBe('2026');
    expect(western.hijri('2026-11-25T06:00:00.000Z')).toBe('15 جمادى الآخرة 1448 هـ');
    const english = presentationFor({ digits: 'latn', dateStyle: 'hijri', language: 'en' });
    expect(english.gregorian('2026-11-25T06:00:00.000Z')).toBe('25 November 2026');
    expect(english.hijri('2026-11-25T06:00:00.000Z')).toBe('15 Jumada II 1448 AH');
    expect([english.lang, english.dir, english.variant]).toEqual(['en', 'ltr', 'latn.hijri.en']);
    expect(english.arabic).toEqual({ lang: 'ar', dir: 'rtl' });
  });
});
