import { Readability } from '@mozilla/readability';
import { parseHTML } from 'linkedom';
import { importRejected } from '../lib/errors.ts';
import { isoDate } from './feed.ts';
import { collapse, htmlToParagraphs } from './html-paragraphs.ts';
import { emptyArticle, type ParsedArticle } from './parsed-article.ts';

/**
 * Reads a saved HTML article page: Readability finds the article among the site's menus and footers; the page's
 * own metadata (OpenGraph, article:* and JSON-LD) gives the canonical URL, date, section and tags.
 */
export function parseHtmlPage(html: string): ParsedArticle {
  const { document } = parseHTML(html);
  const meta = (selector: string) => collapse(document.querySelector(selector)?.getAttribute('content') ?? '') || null;
  const jsonLd = readJsonLd(document);
  const siteName = meta('meta[property="og:site_name"]');
  const canonical =
    document.querySelector('link[rel="canonical"]')?.getAttribute('href') ?? meta('meta[property="og:url"]');
  const publishedAt = isoDate(
    meta('meta[property="article:published_time"]') ??
      document.querySelector('time[datetime]')?.getAttribute('datetime') ??
      jsonLd.datePublished ??
      undefined,
  );
  const headline = collapse(document.querySelector('h1')?.textContent ?? '') || meta('meta[property="og:title"]');

  // Readability changes the document it reads, so the metadata above is taken first.
  const readable = new Readability(document as unknown as Document, { charThreshold: 100 }).parse();
  if (!readable?.content) throw importRejected('no article found in the HTML page');
  const paragraphs = htmlToParagraphs(readable.content).filter((text) => text !== headline);
  const title = headline ?? withoutSiteName(collapse(readable.title ?? ''), siteName);
  if (!title) throw importRejected('the HTML page has no title');
  if (paragraphs.length === 0) throw importRejected('the HTML page has no body paragraphs');

  const article = emptyArticle();
  Object.assign(article, {
    title,
    subtitle: null,
    paragraphs,
    sectionName: meta('meta[property="article:section"]'),
    tags: [...document.querySelectorAll('meta[property="article:tag"]')]
      .map((element) => collapse(element.getAttribute('content') ?? ''))
      .filter(Boolean),
    authors: readable.byline ? [collapse(readable.byline)] : jsonLd.authors,
    sourceName: siteName ?? readable.siteName ?? null,
    sourceUrl: canonical ? collapse(canonical) : null,
    publishedAt,
    language: (document.documentElement.getAttribute('lang') ?? 'ar').slice(0, 2) || 'ar',
  });
  return article;
}

/** "Headline | Site" or "Headline - Site" → "Headline". */
function withoutSiteName(title: string, siteName: string | null): string {
  if (siteName) {
    for (const separator of [' | ', ' - ', ' — ', ' – ']) {
      if (title.endsWith(`${separator}${siteName}`)) return title.slice(0, -(separator.length + siteName.length));
    }
  }
  return title;
}

function readJsonLd(document: ReturnType<typeof parseHTML>['document']): { datePublished?: string; authors: string[] } {
  for (const script of document.querySelectorAll('script[type="application/ld+json"]')) {
    try {
      const data = JSON.parse(script.textContent ?? '');
      const item = Array.isArray(data) ? data[0] : data;
      const author = item?.author;
      const authors = (Array.isArray(author) ? author : author ? [author] : []).map((a: any) => collapse(a?.name ?? String(a)));
      return { datePublished: item?.datePublished, authors };
    } catch {
      // Broken JSON-LD is common on real sites; the page is still readable without it.
    }
  }
  return { authors: [] };
}
