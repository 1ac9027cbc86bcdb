import { normalizeArabic } from '../arabic/normalize.ts';

/** A word or a punctuation mark of a block of text, with its normalized form and where it stands. */
export interface TextToken {
  surface: string;
  /** normalizeArabic(surface); for Latin words, lower case. Empty for punctuation. */
  norm: string;
  start: number;
  end: number;
  kind: 'arabic' | 'latin' | 'number' | 'punct';
}

// Words are letters and marks (tatweel is a letter: "بـ" is one word); punctuation that matters to names and
// quotes is kept as tokens of its own; anything else (spaces, #, _) separates words.
const TOKEN = /[\p{L}\p{M}]+|\p{N}+|[«»"“”()[\]،,.؛;:!?؟\-–—]/gu;
const ARABIC = /[\u0600-\u06FF]/;
const NUMBER = /^\p{N}+$/u;
/** A word of plain Arabic letters that normalization leaves as it is (no hamza seat, taa marbuta, marks…). */
const ALREADY_NORMAL = /^[ءابتثجحخدذرزسشصضطظعغفقكلمنهوي]+$/;

/** Splits one block of text into words and punctuation. */
export function textTokens(text: string): TextToken[] {
  const tokens: TextToken[] = [];
  for (const match of text.matchAll(TOKEN)) {
    const surface = match[0];
    const start = match.index;
    const kind = ARABIC.test(surface) ? 'arabic' : NUMBER.test(surface) ? 'number' : /\p{L}/u.test(surface) ? 'latin' : 'punct';
    const norm = kind === 'punct' ? '' : ALREADY_NORMAL.test(surface) ? surface : normalizeArabic(surface);
    tokens.push({ surface, norm, start, end: start + surface.length, kind });
  }
  return tokens;
}

/**
 * The forms a normalized Arabic word may stand for once its proclitics are removed, the word itself first:
 * و/ف (and), then ب/ل/ك (in, for, like), with لل read as ل + ال ("للعراق" → "العراق").
 */
export function cliticForms(word: string): string[] {
  const forms = [word];
  const bases = [word];
  if ((word.startsWith('و') || word.startsWith('ف')) && word.length >= 4) bases.push(word.slice(1));
  for (const base of bases) {
    if (base !== word) forms.push(base);
    if (base.startsWith('لل') && base.length >= 4) forms.push(`ال${base.slice(2)}`);
    else if ((base.startsWith('ب') || base.startsWith('ل') || base.startsWith('ك')) && base.length >= 4) forms.push(base.slice(1));
  }
  return forms;
}

/** The word without its article: "الكاظمي" → "كاظمي". */
export function withoutArticle(word: string): string {
  return word.startsWith('ال') && word.length > 3 ? word.slice(2) : word;
}
