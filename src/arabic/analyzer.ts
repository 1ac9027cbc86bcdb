import { normalizeArabic } from './normalize.ts';
import { lightStem } from './stem.ts';
import { STOPWORDS } from './stopwords.ts';

/** One indexable word: where it stands in the text, its exact (normalized) form and its light stem. */
export interface Token {
  /** The word as written, diacritics and all: what a snippet highlights. */
  surface: string;
  /** Normalized form: matches the same word whatever its hamza, tashkeel or digits. Ranked above stem matches. */
  exact: string;
  /** Light stem of the normalized form: matches the word with its clitics and endings. */
  stem: string;
  start: number;
  end: number;
}

/**
 * Words are runs of letters, marks and digits; zero-width joiners and non-joiners inside a word are part of it
 * (they are removed by normalization, not treated as spaces).
 */
const WORD = /[\p{L}\p{M}\p{N}\u200B-\u200F\u061C\u202A-\u202E\u2066-\u2069]+/gu;
/** What separates words once a ligature such as ﷺ has been expanded by NFKC. */
const SEPARATOR = /[^\p{L}\p{N}]+/u;
const ARABIC = /[\u0600-\u06FF]/;
const MARKS = /\p{M}/gu;

/**
 * Turns text into tokens: normalize (see normalize.ts), drop stopwords, then stem Arabic words (Light10 with
 * protected names) and case-fold Latin words (lower case, accents removed). Numbers are kept as Western digits.
 * The same function runs when indexing and when querying.
 */
export function analyze(text: string): Token[] {
  const tokens: Token[] = [];
  for (const match of text.matchAll(WORD)) {
    const surface = match[0];
    for (const exact of foldWord(surface).split(SEPARATOR)) {
      if (!exact || STOPWORDS.has(exact)) continue;
      const stem = ARABIC.test(exact) ? lightStem(exact) : exact;
      tokens.push({ surface, exact, stem, start: match.index, end: match.index + surface.length });
    }
  }
  return tokens;
}

/** The exact form of one word; Latin words are case-folded and lose their accents (Café → cafe, Straße → strasse). */
export function foldWord(word: string): string {
  const normalized = normalizeArabic(word);
  if (ARABIC.test(normalized)) return normalized;
  return normalized.normalize('NFKD').replace(MARKS, '').replace(/ß/g, 'ss').replace(/ς/g, 'σ');
}
