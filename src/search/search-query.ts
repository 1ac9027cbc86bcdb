import { analyze, type Token } from '../arabic/analyzer.ts';
import { normalizeArabic } from '../arabic/normalize.ts';

/** One word of a query, analyzed as the index was. */
export interface QueryWord {
  exact: string;
  stem: string;
}

/** A reader's query, understood. Everything that could not be understood became plain words. */
export interface SearchQuery {
  words: QueryWord[];
  /** Each phrase is a list of exact forms that must appear in this order. */
  phrases: string[][];
  excluded: QueryWord[];
  section: string | null;
  tag: string | null;
  /** Inclusive day bounds, "YYYY-MM-DD". */
  from: string | null;
  to: string | null;
}

const PIECE = /(-?)"([^"]*)"|(\S+)/g;
const DAY = /^\d{4}-\d{2}-\d{2}$/;
const MONTH = /^\d{4}-\d{2}$/;

/**
 * Parses the query syntax: words, "exact phrase", -excluded, section:…, tag:…, from:YYYY-MM-DD, to:YYYY-MM-DD.
 * It never fails: an unbalanced quote is ignored, an unknown or malformed filter is read as words.
 */
export function parseSearchQuery(input: string): SearchQuery {
  const query: SearchQuery = { words: [], phrases: [], excluded: [], section: null, tag: null, from: null, to: null };
  const text = (input.split('"').length - 1) % 2 === 1 ? input.replace(/"/g, ' ') : input;
  for (const match of text.matchAll(PIECE)) {
    const [, minus, phrase, piece] = match;
    if (phrase !== undefined) {
      const tokens = analyze(phrase);
      if (minus) query.excluded.push(...tokens.map(wordOf));
      else if (tokens.length > 1) query.phrases.push(tokens.map((token) => token.exact));
      else query.words.push(...tokens.map(wordOf));
      continue;
    }
    readPiece(query, piece!);
  }
  return query;
}

function readPiece(query: SearchQuery, piece: string): void {
  const colon = piece.indexOf(':');
  if (colon > 0 && colon < piece.length - 1) {
    const key = piece.slice(0, colon).toLowerCase();
    const value = piece.slice(colon + 1);
    const day = normalizeArabic(value);
    if (key === 'section' || key === 'قسم') return void (query.section = value);
    if (key === 'tag' || key === 'وسم') return void (query.tag = value);
    if ((key === 'from' || key === 'من') && (DAY.test(day) || MONTH.test(day))) return void (query.from = day.length === 7 ? `${day}-01` : day);
    if ((key === 'to' || key === 'الى') && (DAY.test(day) || MONTH.test(day))) return void (query.to = day.length === 7 ? lastDayOf(day) : day);
  }
  if (piece.startsWith('-') && piece.length > 1) {
    query.excluded.push(...analyze(piece.slice(1)).map(wordOf));
    return;
  }
  query.words.push(...analyze(piece).map(wordOf));
}

function wordOf(token: Token): QueryWord {
  return { exact: token.exact, stem: token.stem };
}

function lastDayOf(month: string): string {
  const [year, monthNumber] = month.split('-').map(Number) as [number, number];
  const last = new Date(Date.UTC(year, monthNumber, 0)).getUTCDate();
  return `${month}-${String(last).padStart(2, '0')}`;
}

/** True when the query asks for something: a word or a phrase. Filters and exclusions alone match nothing. */
export function hasSearchTerms(query: SearchQuery): boolean {
  return query.words.length > 0 || query.phrases.length > 0;
}
