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
 * The passage that best shows why an article matched: the paragraph with the most matched words (the first of
 * them on a tie), cut to about `maxWords` words around its first match, with the matched surface words marked.
 */
export function snippet(paragraphs: string[], keys: MatchKeys, maxWords = 36): TextSegment[] {
  const forms = [...keys.exact, ...keys.stem];
  // Analyzing paragraphs was most of a search's own time. How often the forms occur in a paragraph bounds its
  // matched words from above, and costs much less: paragraphs are analyzed from the highest bound down, until no
  // paragraph left could beat the best one found.
  const candidates = paragraphs
    .map((paragraph, index) => ({ paragraph, index, bound: occurrences(paragraph, forms) }))
    .filter((candidate) => candidate.bound > 0)
    .sort((a, b) => b.bound - a.bound || a.index - b.index);
  let best = { paragraph: paragraphs[0] ?? '', index: 0, hits: 0, firstHit: 0 };
  for (const { paragraph, index, bound } of candidates) {
    if (bound < best.hits || (bound === best.hits && index > best.index)) break;
    const hits = analyze(paragraph).filter((token) => keys.exact.has(token.exact) || keys.stem.has(token.stem));
    if (hits.length > best.hits || (hits.length > 0 && hits.length === best.hits && index < best.index)) {
      best = { paragraph, index, hits: hits.length, firstHit: hits[0]!.start };
    }
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
 * How many times exact forms and stems occur in a text: never fewer than the text's words that have one of them. A
 * word's exact form is its normalized surface (Latin words folded further), and its stem a piece of that, so each
 * matched word holds an occurrence in the whole text normalized (Arabic forms) or normalized and folded (Latin
 * forms), and two words' occurrences never overlap.
 */
function occurrences(text: string, forms: string[]): number {
  const normalized = normalizeArabic(text);
  const folded = forms.every((form) => ARABIC.test(form)) ? normalized : foldLatin(normalized);
  let count = 0;
  for (const form of forms) {
    const searched = ARABIC.test(form) ? normalized : folded;
    for (let at = searched.indexOf(form); at !== -1; at = searched.indexOf(form, at + form.length)) count++;
  }
  return count;
}
