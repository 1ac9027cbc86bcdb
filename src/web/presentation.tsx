import type { FastifyRequest } from 'fastify';
import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import type { ReaderPreferences } from '../accounts/reader.ts';
import { MESSAGES, type Messages } from './messages.ts';
import { DEFAULT_TIME_ZONE } from './site-time-zone.ts';

/** What anonymous readers get, and what an account starts with (the defaults of the `users` columns). */
export const DEFAULT_PREFERENCES: ReaderPreferences = { digits: 'arab', dateStyle: 'both', language: 'ar' };

/**
 * How pages are written for one set of reader preferences: the interface language and its direction, the
 * messages in that language, numbers in the chosen digits, and dates in the chosen calendars, on the calendar
 * day of the site's time zone (an article published at 22:30 UTC is dated the next day in Riyadh).
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
  /** The IANA zone whose calendar days and clock dates are written in: the site's, from its settings. */
  timeZone: string;
  /** '' for the defaults; otherwise a short name of these preferences, e.g. for a page-cache key. */
  variant: string;
  count(value: number): string;
  /** "٢٥ نوفمبر ٢٠٢٦ م" / "25 November 2026" */
  gregorian(iso: string): string;
  /** "١٥ جمادى الآخرة ١٤٤٨ هـ" / "15 Jumada II 1448 AH" (Umm al-Qura, as Saudi publications use) */
  hijri(iso: string): string;
  /** "٢٥ نوفمبر ٢٠٢٦ في ١٢:٣٠ م غرينتش+٣": a moment, such as when a session was last seen, with its zone. */
  dateTime(iso: string): string;
}

function build(preferences: ReaderPreferences, timeZone: string): Presentation {
  const { digits, dateStyle, language } = preferences;
  const DAY = { day: 'numeric', month: 'long', year: 'numeric', timeZone } as const;
  const base = language === 'ar' ? 'ar-EG' : 'en-GB';
  const numbers = new Intl.NumberFormat(`${base}-u-nu-${digits}`, { useGrouping: false });
  const gregorian = new Intl.DateTimeFormat(`${base}-u-nu-${digits}`, DAY);
  const hijri = new Intl.DateTimeFormat(`${language === 'ar' ? 'ar-SA' : 'en-GB'}-u-ca-islamic-umalqura-nu-${digits}`, DAY);
  const moment = new Intl.DateTimeFormat(`${base}-u-nu-${digits}`, { ...DAY, hour: 'numeric', minute: '2-digit', timeZoneName: 'short' });
  const isDefault = digits === DEFAULT_PREFERENCES.digits && dateStyle === DEFAULT_PREFERENCES.dateStyle && language === DEFAULT_PREFERENCES.language;
  return {
    preferences,
    lang: language,
    dir: language === 'ar' ? 'rtl' : 'ltr',
    text: MESSAGES[language],
    arabic: language === 'ar' ? {} : { lang: 'ar', dir: 'rtl' },
    chrome: language === 'ar' ? {} : { lang: 'en', dir: 'ltr' },
    timeZone,
    // The zone is no part of the variant: saving the settings empties the page cache.
    variant: isDefault ? '' : `${digits}.${dateStyle}.${language}`,
    count: (value) => numbers.format(value),
    gregorian: (iso) => `${gregorian.format(new Date(iso))}${language === 'ar' ? ' م' : ''}`,
    hijri: (iso) => hijri.format(new Date(iso)),
    dateTime: (iso) => moment.format(new Date(iso)),
  };
}

// Built once per combination of preferences and zone (twelve per zone a site uses): Intl formatters are costly
// to create and cheap to reuse. A memo of values that never change, not state: every process builds the same.
const BUILT = new Map<string, Presentation>();

/**
 * The presentation for these preferences (the defaults when there are none: anonymous readers), with dates in
 * `timeZone` (the default site zone when none is given; `Layout` switches to the site's setting).
 */
export function presentationFor(preferences: ReaderPreferences = DEFAULT_PREFERENCES, timeZone = DEFAULT_TIME_ZONE): Presentation {
  const key = `${preferences.digits}.${preferences.dateStyle}.${preferences.language}@${timeZone}`;
  let presentation = BUILT.get(key);
  if (!presentation) {
    presentation = build({ digits: preferences.digits, dateStyle: preferences.dateStyle, language: preferences.language }, timeZone);
    BUILT.set(key, presentation);
  }
  return presentation;
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
