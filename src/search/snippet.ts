import { analyze, foldLatin } from '../arabic/analyzer.ts';
import { normalizeArabic } from '../arabic/normalize.ts';
import type { QueryWord } from './search-query.ts';

/** A piece of displayed text; `match` pieces are the words the reader searched for, as written in the article. */
export interface TextSegment {
  text: string;
  match: boolean;
}

export interface MatchKeys {
  exact: ReadonlySet<string>;
  stem: ReadonlySet<string>;
}

export function matchKeys(words: QueryWord[], phrases: string[][]): MatchKeys {
  return {
    exact: new Set([...words.map((word) => word.exact), ...phrases.flat()]),
    stem: new Set(words.map((word) => word.stem)),
  };
}

/** Splits a text into segments, marking each surface word whose exact form or stem the query asked for. */
export function highlight(text: string, keys: MatchKeys): TextSegment[] {
  const segments: TextSegment[] = [];
  let cursor = 0;
  for (const token of analyze(text)) {
    if (!keys.exact.has(token.exact) && !keys.stem.has(token.stem)) continue;
    if (token.start < cursor) continue;
    if (token.start > cursor) segments.push({ text: text.slice(cursor, token.start), match: false });
    segments.push({ text: token.surface, match: true });
    cursor = token.end;
  }
  if (cursor < text.length) segments.push({ text: text.slice(cursor), match: false });
  return segments;
}

/**
 * The passage that best shows why an article matched: the paragraph with the most matched words, cut to about
 * `maxWords` words around its first match, with the matched surface words marked.
 */
export function snippet(paragraphs: string[], keys: MatchKeys, maxWords = 36): TextSegment[] {
  let best = { paragraph: paragraphs[0] ?? '', hits: 0, firstHit: 0 };
  const forms = [...keys.exact, ...keys.stem];
  for (const paragraph of paragraphs) {
    if (!mayHold(paragraph, forms)) continue;
    const hits = analyze(paragraph).filter((token) => keys.exact.has(token.exact) || keys.stem.has(token.stem));
    if (hits.length > best.hits) best = { paragraph, hits: hits.length, firstHit: hits[0]!.start };
  }
  const words = best.paragraph.split(' ');
  const hitWord = best.paragraph.slice(0, best.firstHit).split(' ').length - 1;
  if (words.length <= maxWords) return highlight(best.paragraph, keys);
  const start = Math.max(0, Math.min(hitWord - Math.floor(maxWords / 3), words.length - maxWords));
  const passage = words.slice(start, start + maxWords).join(' ');
  const segments = highlight(passage, keys);
  if (start > 0) segments.unshift({ text: '… ', match: false });
  if (start + maxWords < words.length) segments.push({ text: ' …', match: false });
  return segments;
}

const ARABIC = /[\u0600-\u06FF]/;

/**
 * Whether a text may hold a word with one of these exact forms or stems: analyzing every paragraph of ten
 * articles was most of a search's own time, and most paragraphs hold none. A word's exact form is its normalized
 * surface (Latin words folded further), and its stem a piece of that, so each is a piece of the whole text
 * normalized (and folded), which is much cheaper to compute than the words. Never false for a text that holds one.
 */
function mayHold(text: string, forms: string[]): boolean {
  const normalized = normalizeArabic(text);
  if (forms.some((form) => normalized.includes(form))) return true;
  if (forms.every((form) => ARABIC.test(form))) return false;
  const folded = foldLatin(normalized);
  return forms.some((form) => folded.includes(form));
}
