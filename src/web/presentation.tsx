import type { FastifyRequest } from 'fastify';
import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import type { ReaderPreferences } from '../accounts/reader.ts';
import { MESSAGES, type Messages } from './messages.ts';

/** What anonymous readers get, and what an account starts with (the defaults of the `users` columns). */
export const DEFAULT_PREFERENCES: ReaderPreferences = { digits: 'arab', dateStyle: 'both', language: 'ar' };

/**
 * How pages are written for one set of reader preferences: the interface language and its direction, the
 * messages in that language, numbers in the chosen digits, and dates in the chosen calendars.
 */
export interface Presentation {
  preferences: ReaderPreferences;
  lang: 'ar' | 'en';
  dir: 'rtl' | 'ltr';
  text: Messages;
  /** Attributes for Arabic content (headlines, article text) inside the page: empty when the page is Arabic anyway. */
  arabic: { lang?: 'ar'; dir?: 'rtl' };
  /** Attributes for interface text inside Arabic content (a date or label in an article): empty in Arabic. */
  chrome: { lang?: 'en'; dir?: 'ltr' };
  /** '' for the defaults; otherwise a short name of these preferences, e.g. for a page-cache key. */
  variant: string;
  count(value: number): string;
  /** "٢٥ نوفمبر ٢٠٢٦ م" / "25 November 2026" */
  gregorian(iso: string): string;
  /** "١٥ جمادى الآخرة ١٤٤٨ هـ" / "15 Jumada II 1448 AH" (Umm al-Qura, as Saudi publications use) */
  hijri(iso: string): string;
  /** "٢٥ نوفمبر ٢٠٢٦، ٩:٣٠ ص (UTC)": a moment, such as when a session was last seen. */
  dateTime(iso: string): string;
}

const DAY = { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' } as const;

function build(preferences: ReaderPreferences): Presentation {
  const { digits, dateStyle, language } = preferences;
  const base = language === 'ar' ? 'ar-EG' : 'en-GB';
  const numbers = new Intl.NumberFormat(`${base}-u-nu-${digits}`, { useGrouping: false });
  const gregorian = new Intl.DateTimeFormat(`${base}-u-nu-${digits}`, DAY);
  const hijri = new Intl.DateTimeFormat(`${language === 'ar' ? 'ar-SA' : 'en-GB'}-u-ca-islamic-umalqura-nu-${digits}`, DAY);
  const moment = new Intl.DateTimeFormat(`${base}-u-nu-${digits}`, { ...DAY, hour: 'numeric', minute: '2-digit' });
  const isDefault = digits === DEFAULT_PREFERENCES.digits && dateStyle === DEFAULT_PREFERENCES.dateStyle && language === DEFAULT_PREFERENCES.language;
  return {
    preferences,
    lang: language,
    dir: language === 'ar' ? 'rtl' : 'ltr',
    text: MESSAGES[language],
    arabic: language === 'ar' ? {} : { lang: 'ar', dir: 'rtl' },
    chrome: language === 'ar' ? {} : { lang: 'en', dir: 'ltr' },
    variant: isDefault ? '' : `${digits}.${dateStyle}.${language}`,
    count: (value) => numbers.format(value),
    gregorian: (iso) => `${gregorian.format(new Date(iso))}${language === 'ar' ? ' م' : ''}`,
    hijri: (iso) => hijri.format(new Date(iso)),
    dateTime: (iso) => `${moment.format(new Date(iso))} (UTC)`,
  };
}

// Twelve combinations, built once: Intl formatters are costly to create and cheap to reuse.
const ALL = new Map<string, Presentation>();
for (const digits of ['arab', 'latn'] as const) {
  for (const dateStyle of ['gregorian', 'hijri', 'both'] as const) {
    for (const language of ['ar', 'en'] as const) ALL.set(`${digits}.${dateStyle}.${language}`, build({ digits, dateStyle, language }));
  }
}

/** The presentation for these preferences (the defaults when there are none: anonymous readers). */
export function presentationFor(preferences: ReaderPreferences = DEFAULT_PREFERENCES): Presentation {
  return ALL.get(`${preferences.digits}.${preferences.dateStyle}.${preferences.language}`)!;
}

/** The presentation of the reader making this request. */
export function presentationOf(request: FastifyRequest): Presentation {
  return presentationFor(request.reader?.preferences);
}

/** Carries the presentation to every component of a page; `renderDocument` and reader slots provide it. */
export const PresentationContext = createContext<Presentation>(presentationFor());

export function usePresentation(): Presentation {
  return useContext(PresentationContext);
}
