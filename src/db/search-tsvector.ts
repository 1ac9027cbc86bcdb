import type { IndexedText, IndexMatch, IndexTerm } from './search-index.ts';

// The text forms PostgreSQL's index (search-index-postgres.ts) reads: tsqueries for a reader's query, and the
// tsvectors written from the analyzer's tokens.

/** A word as a tsquery or tsvector lexeme: quoted, so PostgreSQL takes it as it is. */
const postgresLexeme = (text: string) => `'${text.replace(/\\/g, '\\\\').replace(/'/g, "''")}'`;

/** The tsquery for a match: each term by exact form (title or body, weights A/C) or stem, phrases by exact forms. */
export function postgresTsquery(match: IndexMatch): string {
  // A stem may match at any weight: where a word's exact form equals its stem, PostgreSQL keeps one entry per
  // position (the exact one), so restricting stems to B/D would miss it.
  const term = (t: IndexTerm) => `(${postgresLexeme(t.exact)}:AC | ${postgresLexeme(t.stem)})`;
  const parts = [
    ...match.terms.map(term),
    ...match.phrases.map((phrase) => `(${phrase.map((word) => `${postgresLexeme(word)}:AC`).join(' <-> ')})`),
    ...match.excluded.map((t) => `!${term(t)}`),
  ];
  return parts.join(' & ');
}

/**
 * The tsquery that finds the same documents as postgresTsquery, for counting them: each term by its stem, with no
 * weight. A document holding a term's exact form holds its stem too (see sqliteCountExpression), and a tsquery
 * without weights or phrases is answered by the GIN index alone: with weights, PostgreSQL read (detoasted) every
 * matching document's tsvector again to check them.
 */
export function postgresCountTsquery(match: IndexMatch): string {
  const stems = (terms: IndexTerm[]) => terms.map((t) => postgresLexeme(t.stem));
  const parts = [
    ...stems(match.terms),
    ...match.phrases.map((phrase) => `(${phrase.map((word) => `${postgresLexeme(word)}:AC`).join(' <-> ')})`),
    ...(match.excluded.length ? [`!(${stems(match.excluded).join(' | ')})`] : []),
  ];
  return parts.join(' & ');
}

/** The tsquery for the headlines holding every term and phrase (title weights A, and B for stems); exclusions not included. */
export function postgresHeadlineTsquery(match: IndexMatch): string {
  const parts = [
    ...match.terms.map((t) => `(${postgresLexeme(t.exact)}:A | ${postgresLexeme(t.stem)}:AB)`),
    ...match.phrases.map((phrase) => `(${phrase.map((word) => `${postgresLexeme(word)}:A`).join(' <-> ')})`),
  ];
  return parts.join(' & ');
}

/** tsvector positions stop at 16383; later words share the last position (they still match, phrases aside). */
const MAX_POSITION = 16383;

/**
 * Builds the tsvector text form ('word':1A,5C …) directly from the analyzer's tokens: title words first, body
 * words after a gap, exact forms weighted A (title) / C (body), stems B / D at the same positions.
 */
export function tsvectorLiteral(text: IndexedText): string {
  const positions = new Map<string, string[]>();
  const add = (words: string[], weight: string, offset: number) =>
    words.forEach((word, index) => {
      const position = Math.min(offset + index + 1, MAX_POSITION);
      const list = positions.get(word) ?? [];
      list.push(`${position}${weight}`);
      positions.set(word, list);
    });
  const words = (joined: string) => (joined ? joined.split(' ') : []);
  const titleExact = words(text.titleExact);
  add(titleExact, 'A', 0);
  add(words(text.titleStem), 'B', 0);
  const bodyOffset = titleExact.length + 1;
  add(words(text.bodyExact), 'C', bodyOffset);
  add(words(text.bodyStem), 'D', bodyOffset);
  return [...positions].map(([word, list]) => `${postgresLexeme(word)}:${list.join(',')}`).join(' ');
}

/** The headline alone as a tsvector: its words as the document holds them (exact forms A, stems B, same positions). */
export function headlineTsvectorLiteral(text: Pick<IndexedText, 'titleExact' | 'titleStem'>): string {
  return tsvectorLiteral({ ...text, bodyExact: '', bodyStem: '' });
}
