import { type AnyFeed, type AtomFeed, type JsonFeed, MalformedError, type RdfFeed, type RssFeed, parseFeed } from 'feedsmith';
import { importRejected } from '../lib/errors.ts';
import { bodyToParagraphs, collapse } from './html-paragraphs.ts';
import { emptyArticle, type ParsedArticle, uniqueNames } from './parsed-article.ts';

/** An item of a feed: the article, or why it could not be read (naming the item). */
export type FeedItemResult = { article: ParsedArticle } | { error: string };

/** What every feed format says about an item, in one shape. */
interface ItemFields {
  title: string;
  link: string | null;
  /** The item's body, HTML or plain text. */
  body: string;
  /** A summary given beside the full body: the article's subtitle when it is not just its first lines. */
  summary: string;
  publishedAt: string | undefined;
  authors: string[];
  categories: string[];
}

const SUBTITLE_MAX_WORDS = 30;

/**
 * Reads an RSS 2.0 (or RSS 1.0/RDF), Atom or JSON Feed document: every item becomes an article, or an error
 * naming the item when it has no title or no body. The first category is the section and the others are tags;
 * the item's link is its canonical URL, so re-importing a feed updates items in place instead of duplicating them.
 */
export function parseFeedDocument(text: string): FeedItemResult[] {
  const { sourceName, items } = itemsOf(readFeed(text));
  if (items.length === 0) throw importRejected('the feed has no items');
  return items.map((item, index) => toArticle(item, index, sourceName));
}

/** Parses the document, turning the parser's errors into a reason a person can act on. */
function readFeed(text: string): AnyFeed {
  const source = text.replace(/^\uFEFF/, '').trimStart();
  let input: unknown = source;
  if (source.startsWith('{') || source.startsWith('[')) {
    // Parsed here so that a syntax error is reported as such, not as an unrecognized format.
    try {
      input = JSON.parse(source);
    } catch (error) {
      throw importRejected(`malformed JSON (${reasonOf(error)})`);
    }
  }
  try {
    return parseFeed(input);
  } catch (error) {
    if (error instanceof MalformedError) throw importRejected(`malformed XML (${reasonOf(error.cause ?? error)})`);
    throw importRejected(
      typeof input === 'string'
        ? 'not an RSS, Atom or JSON feed (no <rss>, <feed> or <rdf:RDF> root element)'
        : 'not a JSON Feed (no "version": "https://jsonfeed.org/…" or no "items")',
    );
  }
}

function itemsOf(parsed: AnyFeed): { sourceName: string | null; items: ItemFields[] } {
  switch (parsed.format) {
    case 'rss':
      return { sourceName: collapse(parsed.feed.title ?? '') || null, items: (parsed.feed.items ?? []).map(rssItem) };
    case 'rdf':
      return { sourceName: collapse(parsed.feed.title ?? '') || null, items: (parsed.feed.items ?? []).map(rdfItem) };
    case 'atom':
      return { sourceName: collapse(parsed.feed.title?.value ?? '') || null, items: (parsed.feed.entries ?? []).map(atomEntry) };
    case 'json':
      return { sourceName: collapse(parsed.feed.title ?? '') || null, items: (parsed.feed.items ?? []).map(jsonItem) };
  }
}

function rssItem(item: RssFeed.Item<string>): ItemFields {
  // A guid is a permalink unless the feed says otherwise (RSS 2.0).
  const guidLink = item.guid && item.guid.isPermaLink !== false && /^https?:\/\//.test(item.guid.value ?? '') ? item.guid.value : null;
  return {
    title: collapse(item.title ?? ''),
    link: item.link ?? guidLink ?? null,
    body: item.content?.encoded || item.description || '',
    summary: item.content?.encoded ? (item.description ?? '') : '',
    publishedAt: item.pubDate ?? item.dc?.dates?.[0],
    authors: rssAuthors(item),
    categories: (item.categories ?? []).map((category) => category.name ?? ''),
  };
}

function rdfItem(item: RdfFeed.Item<string>): ItemFields {
  return {
    title: collapse(item.title ?? ''),
    link: item.link ?? null,
    body: item.content?.encoded || item.description || '',
    summary: item.content?.encoded ? (item.description ?? '') : '',
    publishedAt: item.dc?.dates?.[0],
    authors: item.dc?.creators ?? [],
    categories: item.dc?.subjects ?? [],
  };
}

function atomEntry(entry: AtomFeed.Entry<string>): ItemFields {
  const links = entry.links ?? [];
  const alternate = links.find((link) => !link.rel || link.rel === 'alternate') ?? links[0];
  const content = entry.content?.value ?? '';
  return {
    title: collapse(entry.title?.value ?? ''),
    link: alternate?.href ?? (/^https?:\/\//.test(entry.id ?? '') ? entry.id! : null),
    body: content || entry.summary?.value || '',
    summary: content ? (entry.summary?.value ?? '') : '',
    publishedAt: entry.published ?? entry.updated,
    authors: (entry.authors ?? []).map((author) => author.name ?? ''),
    categories: (entry.categories ?? []).map((category) => category.label || category.term || ''),
  };
}

function jsonItem(item: JsonFeed.Item<string>): ItemFields {
  const body = item.content_html || item.content_text || '';
  return {
    title: collapse(item.title ?? ''),
    link: item.url ?? item.external_url ?? null,
    body: body || item.summary || '',
    summary: body ? (item.summary ?? '') : '',
    publishedAt: item.date_published ?? item.date_modified,
    authors: (item.authors ?? []).map((author) => author.name ?? ''),
    categories: item.tags ?? [],
  };
}

/** dc:creator names the writer; RSS's own <author> is "email (Name)". */
function rssAuthors(item: RssFeed.Item<string>): string[] {
  if (item.dc?.creators?.length) return item.dc.creators;
  return (item.authors ?? []).map((author) => {
    const text = author.name ?? author.email ?? '';
    return /\(([^)]+)\)/.exec(text)?.[1] ?? text;
  });
}

function toArticle(item: ItemFields, index: number, sourceName: string | null): FeedItemResult {
  const name = item.title ? `item ${index + 1} «${item.title}»` : `item ${index + 1}`;
  if (!item.title) return { error: `${name} has no title` };
  const paragraphs = bodyToParagraphs(item.body);
  if (paragraphs.length === 0) return { error: `${name} has no body` };
  const [section, ...tags] = uniqueNames(item.categories);
  const article = emptyArticle();
  article.title = item.title;
  article.subtitle = teaser(item.summary, paragraphs);
  article.paragraphs = paragraphs;
  article.sectionName = section ?? null;
  article.tags = tags;
  article.authors = uniqueNames(item.authors);
  article.sourceName = sourceName;
  article.sourceUrl = item.link ? item.link.trim() : null;
  article.publishedAt = isoDate(item.publishedAt);
  return { article };
}

/** The summary, when it is a short standfirst rather than the opening of the body cut short. */
function teaser(summary: string, paragraphs: string[]): string | null {
  const text = bodyToParagraphs(summary).join(' ');
  if (!text || text.split(' ').length > SUBTITLE_MAX_WORDS) return null;
  return paragraphs[0]!.startsWith(text.replace(/(…|\.\.\.|\[…\])$/, '').trim()) ? null : text;
}

function reasonOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** ISO-8601 for any date a feed or page writes (RFC 822, RFC 3339), or null when it cannot be read. */
export function isoDate(value: string | undefined | null): string | null {
  if (!value) return null;
  const time = Date.parse(value.trim());
  return Number.isNaN(time) ? null : new Date(time).toISOString();
}
