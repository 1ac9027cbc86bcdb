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
  const kept: string[] = [];
  for (const line of lines) {
    if (!line) continue;
    const key = chromeKey(line);
    if (isKnownChromeKey(key) || batchChrome.has(key)) continue;
    const seen = occurrences.get(key) ?? 0;
    occurrences.set(key, seen + 1);
    if (seen === 0) kept.push(line);
  }

  const paragraphs = kept.filter((line) => !looksLikeHeadline(line));
  const headlines = kept.filter(looksLikeHeadline);
  if (paragraphs.length === 0) throw importRejected('no body paragraphs found (every line is short or site chrome)');

  const repeated = headlines.find((line) => (occurrences.get(chromeKey(line)) ?? 0) > 1);
  const title = repeated ?? headlines[0];
  if (!title) throw importRejected('no headline found: the page has no short line to use as its title');

  const bodyStems = new Set(paragraphs.flatMap(contentStems));
  const article = emptyArticle();
  article.title = title;
  article.paragraphs = paragraphs;
  for (const headline of headlines) {
    if (headline === title) continue;
    if (article.subtitle === null && coverage(headline, bodyStems) >= SUBTITLE_COVERAGE) {
      article.subtitle = headline;
    } else {
      article.relatedHeadlines.push({ headline, url: null });
    }
  }
  return article;
}

function looksLikeHeadline(line: string): boolean {
  const wordCount = line.split(' ').length;
  return wordCount <= HEADLINE_MAX_WORDS && !/[.:…،,]$/.test(line);
}

function coverage(headline: string, bodyStems: ReadonlySet<string>): number {
  const stems = contentStems(headline);
  if (stems.length === 0) return 0;
  return stems.filter((stem) => bodyStems.has(stem)).length / stems.length;
}
