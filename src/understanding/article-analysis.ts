import { analyze } from '../arabic/analyzer.ts';
import type { ArticleEntity, Mention } from './entity.ts';
import { extractEntities, type Gazetteer, defaultGazetteer } from './entity-extraction.ts';
import { bandKeys, minHash } from './minhash.ts';
import { type AttributedQuote, attributeQuotes } from './quote-attribution.ts';

/** Everything understanding reads from one article's text, before any database is involved. */
export interface ArticleAnalysis {
  entities: ArticleEntity[];
  mentions: Mention[];
  quotes: AttributedQuote[];
  /** MinHash of the article's word 3-grams: near 1 for the same text, whatever the feed it came from. */
  shingleSignature: Uint32Array;
  /**
   * Content stems of its lead (title and first two paragraphs), sorted: what articles about the same event share
   * even when written differently. Compared exactly (Jaccard) with each candidate: a 64-position MinHash cannot
   * tell 0.06 from 0.12, the range where stories are told apart.
   */
  leadTerms: string[];
  /** MinHash of the lead terms, whose bands find candidates. */
  leadSignature: Uint32Array;
}

/** Word n-grams compared for near-duplicates. */
const SHINGLE_WORDS = 3;
/** Paragraphs after the title that make an article's lead. */
const LEAD_PARAGRAPHS = 2;

/** Reads an article: entities, quotes and the two signatures clustering compares. Pure and synchronous. */
export function analyzeArticle(title: string, paragraphs: string[], gazetteer: Gazetteer = defaultGazetteer): ArticleAnalysis {
  const { entities, mentions } = extractEntities(title, paragraphs, gazetteer);
  const quotes = attributeQuotes(paragraphs, mentions);
  const bodyTokens = analyze(paragraphs.join('\n'));
  const shingles = new Set<string>();
  for (let i = 0; i + SHINGLE_WORDS <= bodyTokens.length; i++) {
    shingles.add(bodyTokens.slice(i, i + SHINGLE_WORDS).map((token) => token.exact).join(' '));
  }
  if (shingles.size === 0 && bodyTokens.length) shingles.add(bodyTokens.map((token) => token.exact).join(' '));
  const lead = new Set([...analyze(title), ...analyze(paragraphs.slice(0, LEAD_PARAGRAPHS).join('\n'))].map((token) => token.stem));
  const leadTerms = [...lead].sort();
  return { entities, mentions, quotes, shingleSignature: minHash(shingles), leadTerms, leadSignature: minHash(leadTerms) };
}

/** Bands of the shingle signature (16 × 4): shared by near-duplicates (Jaccard ≳ 0.5). */
export const duplicateBands = (signature: Uint32Array) => bandKeys(signature, 16, 4).map((key) => `d${key}`);

/** Bands of the lead signature (32 × 2): shared by articles with much of their lead in common (Jaccard ≳ 0.2). */
export const topicBands = (signature: Uint32Array) => bandKeys(signature, 32, 2).map((key) => `w${key}`);

/** Exact Jaccard similarity of two sorted term lists. */
export function termSimilarity(a: readonly string[], b: readonly string[]): number {
  let shared = 0;
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    if (a[i] === b[j]) {
      shared++;
      i++;
      j++;
    } else if (a[i]! < b[j]!) i++;
    else j++;
  }
  const union = a.length + b.length - shared;
  return union ? shared / union : 0;
}
