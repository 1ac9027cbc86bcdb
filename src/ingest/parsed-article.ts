/** What every importer produces from a page or feed item, before it is stored. */
export interface ParsedArticle {
  title: string;
  subtitle: string | null;
  paragraphs: string[];
  relatedHeadlines: RelatedHeadline[];
  sectionName: string | null;
  tags: string[];
  authors: string[];
  sourceName: string | null;
  sourceUrl: string | null;
  /** ISO-8601; null when the page does not say. */
  publishedAt: string | null;
  language: string;
}

export interface RelatedHeadline {
  headline: string;
  url: string | null;
}

/** A parsed article with nothing in it, for importers to fill in. */
export function emptyArticle(): ParsedArticle {
  return {
    title: '',
    subtitle: null,
    paragraphs: [],
    relatedHeadlines: [],
    sectionName: null,
    tags: [],
    authors: [],
    sourceName: null,
    sourceUrl: null,
    publishedAt: null,
    language: 'ar',
  };
}

/** Names (authors, tags) whitespace-collapsed, without empty ones or repeats, in their first order. */
export function uniqueNames(names: string[]): string[] {
  return [...new Set(names.map((name) => name.replace(/\s+/g, ' ').trim()).filter(Boolean))];
}
