// Normalization rules (see ../shared/arabic-analysis.md). The same function runs at index and at query time.

/**
 * Invisible controls: zero-width space, (non-)joiners and marks, the word joiner, bidi embeddings and isolates, the
 * byte order mark. A character class body, shared with the analyzer's word characters: inside a word they are part
 * of it, and normalization removes them.
 */
export const INVISIBLE_CONTROLS = '\\u200B-\\u200F\\u061C\\u202A-\\u202E\\u2060\\u2066-\\u2069\\uFEFF';

/** Harakat, tanwin, shadda, sukun, superscript alef, Quranic marks, tatweel, and the invisible controls. */
const IGNORABLE = new RegExp(`[\\u064B-\\u065F\\u0670\\u0610-\\u061A\\u06D6-\\u06ED\\u0640${INVISIBLE_CONTROLS}]`, 'g');

const LETTER_FOLDS: Record<string, string> = {
  'أ': 'ا', 'إ': 'ا', 'آ': 'ا', 'ٱ': 'ا',
  'ى': 'ي', 'ی': 'ي', 'ے': 'ي', 'ئ': 'ي',
  'ة': 'ه', 'ۀ': 'ه', 'ہ': 'ه',
  'ک': 'ك',
  'ؤ': 'و',
};
const FOLDABLE = /[أإآٱىیےئةۀہکؤ]/g;

/** Arabic-Indic (U+0660–0669) and Eastern Arabic-Indic (U+06F0–06F9) digits. */
const EASTERN_DIGITS = /[\u0660-\u0669\u06F0-\u06F9]/g;

/** Removes marks and controls only: the text still reads the same, letters untouched. */
export function stripDiacritics(text: string): string {
  return text.replace(IGNORABLE, '');
}

/**
 * Folds text to its matching key: NFKC, no diacritics or controls, one form per letter family, Western digits,
 * lower-case Latin. Not for display.
 */
export function normalizeArabic(text: string): string {
  return text
    .normalize('NFKC')
    .replace(IGNORABLE, '')
    .replace(FOLDABLE, (letter) => LETTER_FOLDS[letter] ?? letter)
    .replace(EASTERN_DIGITS, (digit) => String(digit.charCodeAt(0) & 0xf))
    .toLowerCase();
}
