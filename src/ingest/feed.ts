import { parseFeed } from 'feedsmith';
import { importRejected } from '../lib/errors.ts';
import { collapse, htmlToParagraphs } from './html-paragraphs.ts';
import { emptyArticle, type ParsedArticle } from './parsed-article.ts';

/** An item of a feed: the article, or why it could not be read (naming the item). */
export type FeedItemResult = { article: ParsedArticle } | { error: string };

interface ItemFields {
  title: string;
  link: string | null;
  html: string;
  /** A summary given beside the full content: the article's subtitle when it is not just its first lines. */
  summary: string;
  publishedAt: string | undefined;
  authors: string[];
  categories: string[];
}

const SUBTITLE_MAX_WORDS = 30;

type Text = string | { value?: string } | undefined;
const textOf = (value: Text): string => collapse(typeof value === 'string' ? value : (value?.value ?? ''));

/**
 * Reads an RSS 2.0, Atom or JSON Feed document: every item becomes an article. The first category is the
 * section and the others are tags; the item's link is its canonical URL, so re-importing a feed updates items
 * in place instead of duplicating them.
 */
export function parseFeedDocument(text: string): FeedItemResult[] {
  let parsed: ReturnType<typeof parseFeed>;
  try {
    parsed = parseFeed(text);
  } catch (error) {
    throw importRejected(`not a readable RSS, Atom or JSON feed (${error instanceof Error ? error.message : String(error)})`);
  }
  const { sourceName, items } = itemsOf(parsed);
  if (items.length === 0) throw importRejected('the feed has no items');
  return items.map((item, index) => toArticle(item, index, sourceName));
}

function itemsOf(parsed: ReturnType<typeof parseFeed>): { sourceName: string | null; items: ItemFields[] } {
  switch (parsed.format) {
    case 'rss':
    case 'rdf': {
      const feed = parsed.feed as any;
      return {
        sourceName: textOf(feed.title) || null,
        items: (feed.items ?? []).map((item: any) => ({
          title: textOf(item.title),
          link: item.link ?? (item.guid?.isPermaLink !== false ? item.guid?.value : null) ?? null,
          html: item.content?.encoded ?? item.description ?? '',
          summary: item.content?.encoded ? (item.description ?? '') : '',
          publishedAt: item.pubDate ?? item.dc?.date ?? item.dc?.dates?.[0],
          authors: rssAuthors(item),
          categories: (item.categories ?? []).map((c: any) => textOf(c.name ?? c)),
        })),
      };
    }
    case 'atom': {
      const feed = parsed.feed as any;
      return {
        sourceName: textOf(feed.title) || null,
        items: (feed.entries ?? []).map((entry: any) => ({
          title: textOf(entry.title),
          link: (entry.links ?? []).find((l: any) => !l.rel || l.rel === 'alternate')?.href ?? entry.id ?? null,
          html: (entry.content?.value ?? entry.content) || (entry.summary?.value ?? entry.summary) || '',
          summary: entry.content ? (entry.summary?.value ?? entry.summary ?? '') : '',
          publishedAt: entry.published ?? entry.updated,
          authors: (entry.authors ?? []).map((a: any) => a.name),
          categories: (entry.categories ?? []).map((c: any) => textOf(c.label ?? c.term)),
        })),
      };
    }
    case 'json': {
      const feed = parsed.feed as any;
      return {
        sourceName: textOf(feed.title) || null,
        items: (feed.items ?? []).map((item: any) => ({
          title: textOf(item.title),
          link: item.url ?? null,
          html: item.content_html ?? (item.content_text ? escapeText(item.content_text) : (item.summary ?? '')),
          summary: item.content_html || item.content_text ? (item.summary ?? '') : '',
          publishedAt: item.date_published ?? item.date_modified,
          authors: (item.authors ?? (item.author ? [item.author] : [])).map((a: any) => a.name),
          categories: item.tags ?? [],
        })),
      };
    }
  }
  return { sourceName: null, items: [] };
}

/** dc:creator names the writer; RSS's own <author> is "email (Name)". */
function rssAuthors(item: any): string[] {
  const creators: string[] = item.dc?.creators ?? (item.dc?.creator ? [item.dc.creator] : []);
  if (creators.length) return creators;
  return (item.authors ?? []).map((author: any) => {
    const text = String(author.name ?? author);
    return /\(([^)]+)\)/.exec(text)?.[1] ?? text;
  });
}

/** Plain text as paragraphs for htmlToParagraphs: blank lines separate paragraphs. */
function escapeText(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;');
}

function toArticle(item: ItemFields, index: number, sourceName: string | null): FeedItemResult {
  const name = item.title ? `item ${index + 1} «${item.title}»` : `item ${index + 1}`;
  if (!item.title) return { error: `${name} has no title` };
  const paragraphs = htmlToParagraphs(item.html);
  if (paragraphs.length === 0) return { error: `${name} has no body` };
  const [section, ...tags] = item.categories.filter(Boolean);
  const summary = htmlToParagraphs(item.summary).join(' ');
  const isTeaser = summary && summary.split(' ').length <= SUBTITLE_MAX_WORDS && !paragraphs[0]!.startsWith(summary.replace(/…$/, ''));
  const article = emptyArticle();
  Object.assign(article, {
    title: item.title,
    subtitle: isTeaser ? summary : null,
    paragraphs,
    sectionName: section ?? null,
    tags,
    authors: item.authors.map(collapse).filter(Boolean),
    sourceName,
    sourceUrl: item.link,
    publishedAt: isoDate(item.publishedAt),
  });
  return { article };
}

/** ISO-8601 for any date a feed writes (RFC 822, RFC 3339), or null when it cannot be read. */
export function isoDate(value: string | undefined): string | null {
  if (!value) return null;
  const time = Date.parse(value);
  return Number.isNaN(time) ? null : new Date(time).toISOString();
}
