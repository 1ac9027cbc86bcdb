import { contentStems } from '../arabic/tokenize.ts';
import { importRejected } from '../lib/errors.ts';
import { emptyArticle, type ParsedArticle } from './parsed-article.ts';
import { chromeKey, isKnownChromeKey, pageLines } from './site-chrome.ts';

/** A paragraph longer than this is not prose but a broken or hostile file. */
export const MAX_LINE_CHARACTERS = 100_000;
/** Headlines are short; a line with more words is body text. */
const HEADLINE_MAX_WORDS = 18;
/** Share of a headline's content words the body must contain for the headline to be this story's subtitle. */
const SUBTITLE_COVERAGE = 0.6;
const NON_ARABIC_LETTER = /(?![\u0600-\u06FF])\p{L}/u;

/**
 * Reads a plain-text scraped page: body paragraphs, the headline (the line the page repeats, or its first
 * short line), a subtitle (a short line whose subject the body covers) and related headlines (short lines it
 * does not cover). Site chrome and repeated lines are dropped. `batchChrome` holds keys of lines that recur
 * across the pages of one batch.
 */
export function parseTextPage(text: string, batchChrome: ReadonlySet<string> = new Set()): ParsedArticle {
  const lines = pageLines(text).map((line) => line.replace(/\s+/g, ' ').trim());
  const tooLong = lines.findIndex((line) => line.length > MAX_LINE_CHARACTERS);
  if (tooLong >= 0) {
    throw importRejected(`line ${tooLong + 1} is ${lines[tooLong]!.length} characters long (limit ${MAX_LINE_CHARACTERS})`);
  }

  const occurrences = new Map<string, number>();
  const kept: { line: string; key: string; headline: boolean }[] = [];
  for (const line of lines) {
    if (!line) continue;
    const key = chromeKey(line);
    if (isKnownChromeKey(key) || batchChrome.has(key)) continue;
    const seen = occurrences.get(key) ?? 0;
    occurrences.set(key, seen + 1);
    if (seen === 0) kept.push({ line, key, headline: looksLikeHeadline(line) });
  }

  const body = kept.filter((entry) => !entry.headline);
  const headlines = kept.filter((entry) => entry.headline);
  if (body.length === 0) throw importRejected('no body paragraphs found (every line is short or site chrome)');

  const repeated = headlines.find((entry) => occurrences.get(entry.key)! > 1);
  const title = (repeated ?? headlines[0])?.line;
  if (!title) throw importRejected('no headline found: the page has no short line to use as its title');

  const others = headlines.filter((entry) => entry.line !== title).map((entry) => entry.line);
  const headlineStems = new Map(others.map((headline) => [headline, contentStems(headline)]));
  // The keys are the normalized lines: what stemsFoundIn needs, without normalizing the body again.
  const bodyStems = stemsFoundIn(body.map((entry) => entry.key), new Set([...headlineStems.values()].flat()));
  const paragraphs = body.map((entry) => entry.line);
  const article = emptyArticle();
  article.title = title;
  article.paragraphs = paragraphs;
  for (const headline of others) {
    if (article.subtitle === null && coverage(headlineStems.get(headline)!, bodyStems) >= SUBTITLE_COVERAGE) {
      article.subtitle = headline;
    } else {
      article.relatedHeadlines.push({ headline, url: null });
    }
  }
  return article;
}

/** A short line not ending like a sentence. Spaces are counted only up to the limit: body lines are long. */
function looksLikeHeadline(line: string): boolean {
  if (/[.:…،,]$/.test(line)) return false;
  let spaces = 0;
  for (let at = line.indexOf(' '); at !== -1; at = line.indexOf(' ', at + 1)) {
    if (++spaces >= HEADLINE_MAX_WORDS) return false;
  }
  return true;
}

function coverage(stems: string[], bodyStems: ReadonlySet<string>): number {
  if (stems.length === 0) return 0;
  return stems.filter((stem) => bodyStems.has(stem)).length / stems.length;
}

/**
 * Which of the wanted stems the body's words have. Stemming every word of the body is the costliest step of
 * reading a page, so only the words that could have one are stemmed: the words around each place a wanted stem
 * occurs in the normalized body (an Arabic light stem is always part of its normalized word), and every word in
 * another script (whose stem is case- and accent-folded, so not always part of it).
 */
function stemsFoundIn(normalizedLines: string[], wanted: ReadonlySet<string>): Set<string> {
  const found = new Set<string>();
  if (wanted.size === 0) return found;
  const body = normalizedLines.join(' ');
  const candidates = new Set<string>();
  if (NON_ARABIC_LETTER.test(body)) {
    for (const word of body.split(' ')) if (NON_ARABIC_LETTER.test(word)) candidates.add(word);
  }
  for (const stem of wanted) {
    for (let at = body.indexOf(stem); at !== -1; at = body.indexOf(stem, at + stem.length)) {
      const start = body.lastIndexOf(' ', at) + 1;
      const end = body.indexOf(' ', at + stem.length);
      candidates.add(body.slice(start, end === -1 ? body.length : end));
    }
  }
  for (const word of candidates) {
    for (const stem of contentStems(word)) if (wanted.has(stem)) found.add(stem);
  }
  return found;
}
