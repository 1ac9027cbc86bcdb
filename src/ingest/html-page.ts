import { Readability } from '@mozilla/readability';
import { parseHTML } from 'linkedom';
import { importRejected } from '../lib/errors.ts';
import { isoDate } from './feed.ts';
import { collapse, htmlToParagraphs } from './html-paragraphs.ts';
import { emptyArticle, type ParsedArticle, type RelatedHeadline, uniqueNames } from './parsed-article.ts';
import { chromeKey } from './site-chrome.ts';

type HtmlDocument = ReturnType<typeof parseHTML>['document'];
type HtmlElement = NonNullable<ReturnType<HtmlDocument['querySelector']>>;

/** "بقلم فلان", "كتب: فلان", "By Name": the words before the name are not part of it. */
const BYLINE_PREFIX = /^(بقلم|كتب|كتبت|إعداد|اعداد|تقرير|by)\s*[:：\-–]?\s*/i;
/** Headings of a "related stories" block, on the normalized text (see chromeKey). */
const RELATED_HEADING = /^(اقرا ايضا|اقرا المزيد|اخبار ذات صله|مواضيع ذات صله|مقالات ذات صله|ذات صله|related)/;
const MAX_RELATED = 10;
/** Article types of schema.org whose JSON-LD describes the page's story. */
const ARTICLE_TYPE = /Article|BlogPosting|Report/;

interface JsonLdArticle {
  headline?: string;
  datePublished?: string;
  authors: string[];
  section?: string;
  keywords: string[];
  publisher?: string;
}

/**
 * Reads a saved HTML article page: Readability finds the article among the site's menus and footers; the page's
 * own metadata (OpenGraph, article:*, JSON-LD) gives the title, canonical URL, date, section and tags.
 */
export function parseHtmlPage(html: string): ParsedArticle {
  const { document } = parseHTML(html);
  const meta = (selector: string) => collapse(document.querySelector(selector)?.getAttribute('content') ?? '') || null;
  const jsonLd = readJsonLd(document);
  const siteName = meta('meta[property="og:site_name"]') ?? jsonLd.publisher ?? null;
  const sourceUrl = canonicalUrl(document.querySelector('link[rel="canonical"]')?.getAttribute('href'), meta('meta[property="og:url"]'));
  const headline = chooseHeadline(
    withoutSiteName(meta('meta[property="og:title"]') ?? '', siteName),
    articleHeading(document, siteName),
    jsonLd.headline,
  );
  const publishedAt = isoDate(
    meta('meta[property="article:published_time"]') ??
      jsonLd.datePublished ??
      meta('meta[itemprop="datePublished"]') ??
      // A <time> inside the article dates the story; elsewhere it may be today's date in the site's header.
      (document.querySelector('article time[datetime]') ?? document.querySelector('time[datetime]'))?.getAttribute('datetime'),
  );
  const tags = document.querySelectorAll('meta[property="article:tag"]').length
    ? [...document.querySelectorAll('meta[property="article:tag"]')].map((element) => element.getAttribute('content') ?? '')
    : [...(meta('meta[name="keywords"]')?.split(/[,،]/) ?? []), ...jsonLd.keywords];
  const related = relatedHeadlines(document, sourceUrl);
  const dates = [...document.querySelectorAll('time')].map((element) => element.textContent ?? '');

  // Readability rewrites the document it reads, so everything above is taken first.
  const readable = new Readability(document as unknown as Document, { charThreshold: 100 }).parse();
  if (!readable?.content) throw importRejected('no article found in the HTML page');
  const title = headline || withoutSiteName(collapse(readable.title ?? ''), siteName);
  const authors = readable.byline ? splitByline(readable.byline) : jsonLd.authors;
  // The headline, byline, dates and related links are shown apart from the body when Readability keeps them in it.
  const notBody = new Set([title, readable.byline ?? '', ...dates, ...related.map((item) => item.headline)].map(chromeKey));
  const paragraphs = htmlToParagraphs(readable.content).filter((text) => !notBody.has(chromeKey(text)));
  if (paragraphs.length === 0) throw importRejected('the HTML page has no body paragraphs (only menus, links or site chrome)');
  if (!title) throw importRejected('the HTML page has no title (no og:title, <h1> or <title>)');

  const article = emptyArticle();
  article.title = title;
  article.paragraphs = paragraphs;
  article.relatedHeadlines = related;
  article.sectionName = meta('meta[property="article:section"]') ?? jsonLd.section ?? null;
  article.tags = uniqueNames(tags);
  article.authors = uniqueNames(authors);
  article.sourceName = siteName ?? (collapse(readable.siteName ?? '') || null);
  article.sourceUrl = sourceUrl;
  article.publishedAt = publishedAt;
  article.language = (document.documentElement.getAttribute('lang') ?? '').slice(0, 2).toLowerCase() || 'ar';
  return article;
}

/**
 * og:title, else the article's <h1>, else JSON-LD's headline. When og:title is the <h1> plus a suffix in
 * another spelling of the site's name ("… - جريدة المدينة" for og:site_name "المدينة"), the <h1> is the headline.
 */
function chooseHeadline(ogTitle: string, heading: string | null, jsonLdHeadline: string | undefined): string | null {
  const suffix = heading && ogTitle.startsWith(heading) ? ogTitle.slice(heading.length) : '';
  if (/^\s*[|\-–—:]/.test(suffix)) return heading;
  return ogTitle || heading || jsonLdHeadline || null;
}

/** The story's <h1>: the one inside the article, else the first that is not the site's logo. */
function articleHeading(document: HtmlDocument, siteName: string | null): string | null {
  const candidates = [...document.querySelectorAll('article h1, main h1'), ...document.querySelectorAll('h1')];
  for (const element of candidates) {
    const text = collapse(element.textContent ?? '');
    if (text && text !== siteName && !element.closest('header, nav')) return text;
  }
  return null;
}

/** "Headline | Site" or "Headline - Site" → "Headline". */
function withoutSiteName(title: string, siteName: string | null): string {
  if (siteName) {
    for (const separator of [' | ', ' - ', ' — ', ' – ', ' :: ']) {
      if (title.endsWith(`${separator}${siteName}`)) return title.slice(0, -(separator.length + siteName.length));
    }
  }
  return title;
}

/** The canonical link made absolute (against og:url); a relative link with nothing to resolve it against is no identity. */
function canonicalUrl(href: string | null | undefined, ogUrl: string | null): string | null {
  for (const candidate of [href, ogUrl]) {
    if (!candidate?.trim()) continue;
    try {
      return new URL(candidate.trim(), ogUrl ?? undefined).href;
    } catch {
      // Not absolute and no base: try the next candidate.
    }
  }
  return null;
}

/** "بقلم ليلى منصور وكريم الحداد" stays one name; "ليلى منصور، كريم الحداد" is two. */
function splitByline(byline: string): string[] {
  return collapse(byline)
    .replace(BYLINE_PREFIX, '')
    .split(/\s*[،,]\s*/);
}

/**
 * The links of a "related stories" block (a heading such as «اقرأ أيضاً» and the links beside it), with their
 * URLs made absolute. Only headings are scanned, so a large page costs no more than its few headings.
 */
function relatedHeadlines(document: HtmlDocument, base: string | null): RelatedHeadline[] {
  for (const heading of document.querySelectorAll('h2, h3, h4, h5')) {
    if (!RELATED_HEADING.test(chromeKey(heading.textContent ?? ''))) continue;
    const list = heading.nextElementSibling?.matches('ul, ol, div') ? heading.nextElementSibling : heading.parentElement;
    const items = [...(list?.querySelectorAll('a[href]') ?? [])].map((link) => relatedItem(link, base)).filter((item) => item !== null);
    if (items.length) return items.slice(0, MAX_RELATED);
  }
  return [];
}

function relatedItem(link: HtmlElement, base: string | null): RelatedHeadline | null {
  const headline = collapse(link.textContent ?? '');
  // Headlines have a few words; "المزيد" or a bare date is a link, not a headline.
  if (headline.split(' ').length < 3) return null;
  const href = link.getAttribute('href') ?? '';
  let url: string | null = null;
  try {
    url = new URL(href, base ?? undefined).href;
  } catch {
    url = null;
  }
  return { headline, url };
}

/** The page's schema.org article, looked for through arrays and @graph; broken JSON-LD is skipped. */
function readJsonLd(document: HtmlDocument): JsonLdArticle {
  for (const script of document.querySelectorAll('script[type="application/ld+json"]')) {
    let data: unknown;
    try {
      data = JSON.parse(script.textContent ?? '');
    } catch {
      continue; // Broken JSON-LD is common on real sites; the page is still readable without it.
    }
    const article = flatten(data).find((item) => ARTICLE_TYPE.test(String(item['@type'] ?? '')));
    if (!article) continue;
    const names = (value: unknown) =>
      (Array.isArray(value) ? value : value ? [value] : []).map((entry) => collapse(typeof entry === 'string' ? entry : String(entry?.name ?? '')));
    const keywords = article.keywords;
    return {
      headline: typeof article.headline === 'string' ? collapse(article.headline) : undefined,
      datePublished: typeof article.datePublished === 'string' ? article.datePublished : undefined,
      authors: names(article.author).filter(Boolean),
      section: typeof article.articleSection === 'string' ? collapse(article.articleSection) : undefined,
      keywords: typeof keywords === 'string' ? keywords.split(/[,،]/) : Array.isArray(keywords) ? keywords.map(String) : [],
      publisher: names(article.publisher)[0] || undefined,
    };
  }
  return { authors: [], keywords: [] };
}

function flatten(data: unknown): Record<string, any>[] {
  if (Array.isArray(data)) return data.flatMap(flatten);
  if (!data || typeof data !== 'object') return [];
  const item = data as Record<string, any>;
  return [item, ...flatten(item['@graph'])];
}
