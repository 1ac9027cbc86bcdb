import type { ArticleListItem } from './article.repository.ts';
import { articlePath } from './slug.ts';

export interface FeedChannel {
  title: string;
  /** Who publishes the feed: Atom requires an author, and list rows do not carry the articles' own. */
  publisher: string;
  /** What the feed is about (the site's description); the title when there is none. */
  description: string;
  /** Absolute URL of the page the feed mirrors (the site or a section). */
  pageUrl: string;
  /** Absolute URL of this feed itself. */
  feedUrl: string;
  siteUrl: string;
  items: ArticleListItem[];
}

/** Characters XML 1.0 forbids even when escaped; an imported text carrying one would make the whole feed unreadable. */
const NOT_XML = /[^\u0009\u000A\u000D\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;

const escapeXml = (text: string) =>
  text.replace(NOT_XML, '').replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

const articleUrl = (channel: FeedChannel, item: ArticleListItem) => `${channel.siteUrl}${articlePath(item.slug)}`;
const paragraphsOf = (item: ArticleListItem) => JSON.parse(item.paragraphs) as string[];
const htmlBody = (item: ArticleListItem) => paragraphsOf(item).map((p) => `<p>${escapeXml(p)}</p>`).join('');
const summary = (item: ArticleListItem) => item.subtitle ?? paragraphsOf(item)[0] ?? '';
const newest = (channel: FeedChannel) => channel.items[0]?.updated_at ?? new Date(0).toISOString();

/** RSS 2.0 with the full text in content:encoded. */
export function rssDocument(channel: FeedChannel): string {
  const items = channel.items.map((item) => {
    const url = articleUrl(channel, item);
    return `<item><title>${escapeXml(item.title)}</title><link>${escapeXml(url)}</link><guid isPermaLink="true">${escapeXml(url)}</guid>${
      item.published_at ? `<pubDate>${new Date(item.published_at).toUTCString()}</pubDate>` : ''
    }${item.section_name ? `<category>${escapeXml(item.section_name)}</category>` : ''}<description>${escapeXml(summary(item))}</description><content:encoded>${escapeXml(htmlBody(item))}</content:encoded></item>`;
  });
  return `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom" xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel><title>${escapeXml(channel.title)}</title><link>${escapeXml(channel.pageUrl)}</link><description>${escapeXml(channel.description || channel.title)}</description><language>ar</language><lastBuildDate>${new Date(newest(channel)).toUTCString()}</lastBuildDate><atom:link href="${escapeXml(channel.feedUrl)}" rel="self" type="application/rss+xml"/>${items.join('')}</channel></rss>`;
}

/** Atom 1.0. */
export function atomDocument(channel: FeedChannel): string {
  const entries = channel.items.map((item) => {
    const url = articleUrl(channel, item);
    return `<entry><title>${escapeXml(item.title)}</title><link rel="alternate" href="${escapeXml(url)}"/><id>${escapeXml(url)}</id><updated>${item.updated_at}</updated>${
      item.published_at ? `<published>${item.published_at}</published>` : ''
    }${item.section_name ? `<category term="${escapeXml(item.section_name)}"/>` : ''}<summary>${escapeXml(summary(item))}</summary><content type="html">${escapeXml(htmlBody(item))}</content></entry>`;
  });
  return `<?xml version="1.0" encoding="UTF-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="ar"><title>${escapeXml(channel.title)}</title>${channel.description ? `<subtitle>${escapeXml(channel.description)}</subtitle>` : ''}<id>${escapeXml(channel.pageUrl)}</id><link rel="alternate" href="${escapeXml(channel.pageUrl)}"/><link rel="self" href="${escapeXml(channel.feedUrl)}"/><author><name>${escapeXml(channel.publisher)}</name></author><updated>${newest(channel)}</updated>${entries.join('')}</feed>`;
}

/** JSON Feed 1.1. */
export function jsonFeedDocument(channel: FeedChannel) {
  return {
    version: 'https://jsonfeed.org/version/1.1',
    title: channel.title,
    description: channel.description || undefined,
    home_page_url: channel.pageUrl,
    feed_url: channel.feedUrl,
    language: 'ar',
    authors: [{ name: channel.publisher }],
    items: channel.items.map((item) => ({
      id: articleUrl(channel, item),
      url: articleUrl(channel, item),
      title: item.title,
      summary: summary(item),
      content_html: htmlBody(item),
      date_published: item.published_at ?? undefined,
      date_modified: item.updated_at,
      tags: item.section_name ? [item.section_name] : undefined,
    })),
  };
}

/** A sitemap (urlset): absolute, percent-encoded URLs with their last change when known. */
export function sitemapDocument(siteUrl: string, paths: { path: string; lastModified?: string }[]): string {
  const urls = paths.map(
    (entry) => `<url><loc>${escapeXml(`${siteUrl}${entry.path}`)}</loc>${entry.lastModified ? `<lastmod>${entry.lastModified}</lastmod>` : ''}</url>`,
  );
  return `<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">${urls.join('')}</urlset>`;
}

/** A sitemap index pointing at the sitemap files, for sites with more URLs than one file may hold. */
export function sitemapIndexDocument(siteUrl: string, paths: string[]): string {
  const sitemaps = paths.map((path) => `<sitemap><loc>${escapeXml(`${siteUrl}${path}`)}</loc></sitemap>`);
  return `<?xml version="1.0" encoding="UTF-8"?>
<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">${sitemaps.join('')}</sitemapindex>`;
}
