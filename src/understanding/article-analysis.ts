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
  /** MinHash of its content stems: what articles about the same event share even when written differently. */
  wordSignature: Uint32Array;
}

/** Word n-grams compared for near-duplicates. */
const SHINGLE_WORDS = 3;

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
  const words = new Set([...analyze(title), ...bodyTokens].map((token) => token.stem));
  return { entities, mentions, quotes, shingleSignature: minHash(shingles), wordSignature: minHash(words) };
}

/** Bands of the shingle signature (16 × 4): shared by near-duplicates (Jaccard ≳ 0.5). */
export const duplicateBands = (signature: Uint32Array) => bandKeys(signature, 16, 4).map((key) => `d${key}`);

/** Bands of the word signature (32 × 2): shared by articles with much vocabulary in common (Jaccard ≳ 0.2). */
export const topicBands = (signature: Uint32Array) => bandKeys(signature, 32, 2).map((key) => `w${key}`);
