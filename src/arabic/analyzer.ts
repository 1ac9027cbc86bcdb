import { INVISIBLE_CONTROLS, normalizeArabic } from './normalize.ts';
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
const WORD_CHARACTER = new RegExp(`[\\p{L}\\p{M}\\p{N}${INVISIBLE_CONTROLS}]`, 'u');
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
  forEachWord(text, (surface, start, end) => {
    for (const { exact, stem } of analyzeWord(surface)) tokens.push({ surface, exact, stem, start, end });
  });
  return tokens;
}

/**
 * The same analysis as analyze(), as the two lists the search index stores: every token's exact form and its
 * stem, in text order. Indexing needs no positions or surfaces, and skipping them spares a few hundred objects
 * per article.
 */
export function analyzeForms(text: string): { exact: string[]; stem: string[] } {
  const exact: string[] = [];
  const stem: string[] = [];
  forEachWord(text, (surface) => {
    for (const forms of analyzeWord(surface)) {
      exact.push(forms.exact);
      stem.push(forms.stem);
    }
  });
  return { exact, stem };
}

function forEachWord(text: string, visit: (surface: string, start: number, end: number) => void): void {
  let position = 0;
  while (position < text.length) {
    while (position < text.length && !isWordCharacter(text, position)) position++;
    const start = position;
    while (position < text.length && isWordCharacter(text, position)) position++;
    if (position === start) break;
    visit(text.slice(start, position), start, position);
  }
}

/** For every UTF-16 code unit: 1 for a word character. Scanning with it is several times faster than a regex. */
const WORD_UNITS = new Uint8Array(0x10000);
for (let unit = 0; unit < 0x10000; unit++) WORD_UNITS[unit] = WORD_CHARACTER.test(String.fromCharCode(unit)) ? 1 : 0;

/** Whether the code unit at `index` belongs to a word; a surrogate pair counts as the character it encodes. */
function isWordCharacter(text: string, index: number): boolean {
  const unit = text.charCodeAt(index);
  if (unit >= 0xd800 && unit <= 0xdfff) {
    const codePoint = text.codePointAt(unit <= 0xdbff ? index : index - 1)!;
    return WORD_CHARACTER.test(String.fromCodePoint(codePoint));
  }
  return WORD_UNITS[unit] === 1;
}

type WordForms = readonly { exact: string; stem: string }[];

/**
 * Words already analyzed, by surface form. News vocabulary is small and repetitive (a few thousand words make
 * most of any text), so most words are looked up here instead of normalized and stemmed again: analysis runs for
 * every imported article and every query. Bounded: emptied when full.
 */
const analyzedWords = new Map<string, WordForms>();
const ANALYZED_WORDS_LIMIT = 200_000;

function analyzeWord(surface: string): WordForms {
  let forms = analyzedWords.get(surface);
  if (forms) return forms;
  forms = foldWord(surface)
    .split(SEPARATOR)
    .filter((exact) => exact && !STOPWORDS.has(exact))
    .map((exact) => ({ exact, stem: ARABIC.test(exact) ? lightStem(exact) : exact }));
  if (analyzedWords.size >= ANALYZED_WORDS_LIMIT) analyzedWords.clear();
  analyzedWords.set(surface, forms);
  return forms;
}

/** The exact form of one word; Latin words are case-folded and lose their accents (Café → cafe, Straße → strasse). */
export function foldWord(word: string): string {
  const normalized = normalizeArabic(word);
  if (ARABIC.test(normalized)) return normalized;
  return foldLatin(normalized);
}

/** What foldWord adds for Latin words to normalized text: accents removed, ß → ss, ς → σ (character by character). */
export function foldLatin(normalized: string): string {
  return normalized.normalize('NFKD').replace(MARKS, '').replace(/ß/g, 'ss').replace(/ς/g, 'σ');
}
