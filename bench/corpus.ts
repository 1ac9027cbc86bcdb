// The real corpus (../shared/data, never committed) and articles generated from it at run time.
import fs from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import zlib from 'node:zlib';
import { isoDate } from '../src/ingest/feed.ts';
import { emptyArticle, type ParsedArticle } from '../src/ingest/parsed-article.ts';

export const corpusPath = path.resolve(import.meta.dirname, '../../shared/data/ant-multisource.jsonl.gz');

const SECTION_NAMES: Record<string, string> = {
  internationalNews: 'دولي',
  middleEast: 'الشرق الأوسط',
  sport: 'رياضة',
  economy: 'اقتصاد',
  technology: 'تقنية',
  culture: 'ثقافة',
};

/** Every corpus record as the article the importer would produce from it. */
export async function readCorpus(): Promise<ParsedArticle[]> {
  if (!fs.existsSync(corpusPath)) throw new Error(`corpus not found at ${corpusPath} (see ../shared/data/README.md)`);
  const articles: ParsedArticle[] = [];
  const lines = readline.createInterface({ input: fs.createReadStream(corpusPath).pipe(zlib.createGunzip()) });
  for await (const line of lines) {
    const record = JSON.parse(line) as { url: string; cat: string; title: string; time: string; author: string; text: string };
    const paragraphs = record.text.split(/\n+/).map((p) => p.replace(/\s+/g, ' ').trim()).filter(Boolean);
    if (!record.title?.trim() || paragraphs.length === 0) continue;
    articles.push({
      ...emptyArticle(),
      title: record.title.trim(),
      paragraphs,
      sectionName: SECTION_NAMES[record.cat] ?? record.cat,
      authors: record.author?.trim() ? [record.author.trim()] : [],
      sourceUrl: record.url,
      publishedAt: isoDate(record.time),
    });
  }
  return articles;
}

/** A deterministic pseudo-random generator: every run builds the same articles and queries. */
export function seededRandom(seed: number): () => number {
  let state = seed;
  return () => (state = (state * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
}

/** `count` new articles recombined from the corpus: a real title with a number, 3–6 real paragraphs drawn at random. */
export function* recombined(corpus: ParsedArticle[], count: number): Generator<ParsedArticle> {
  const random = seededRandom(42);
  const paragraphs = corpus.flatMap((article) => article.paragraphs);
  const start = Date.UTC(2019, 0, 1);
  for (let i = 0; i < count; i++) {
    const base = corpus[i % corpus.length]!;
    yield {
      ...base,
      title: `${base.title} (${i + 1})`,
      paragraphs: Array.from({ length: 3 + Math.floor(random() * 4) }, () => paragraphs[Math.floor(random() * paragraphs.length)]!),
      sourceUrl: `https://generated.invalid/${i + 1}`,
      publishedAt: new Date(start + Math.floor(random() * 7 * 365 * 86_400_000)).toISOString(),
    };
  }
}
