import path from 'node:path';

export type PageFormat = 'text' | 'html' | 'feed';

/** What may precede a document's root element: BOM, XML declaration, comments, processing instructions, doctype. */
const PROLOG = /^(\uFEFF|\s+|<\?[\s\S]*?\?>|<!--[\s\S]*?-->)*/;
const FEED_EXTENSIONS = new Set(['.rss', '.atom', '.xml', '.json', '.rdf']);
const HTML_EXTENSIONS = new Set(['.html', '.htm', '.xhtml']);

/**
 * Tells a feed from an HTML page from plain text by how the file begins; the extension only decides when the
 * content does not (a broken .rss file is still a feed, reported with its parse error rather than read as text).
 */
export function detectFormat(file: string, text: string): PageFormat {
  const head = text.slice(0, 4096).replace(PROLOG, '').toLowerCase();
  if (head.startsWith('{')) return 'feed';
  if (/^<(rss|feed|rdf:rdf)[\s>]/.test(head)) return 'feed';
  if (/^<(!doctype html|html|head|body|article|main|div|meta|title)[\s>]/.test(head)) return 'html';
  const extension = path.extname(file).toLowerCase();
  if (FEED_EXTENSIONS.has(extension) || /^\uFEFF?\s*<\?xml/.test(text)) return 'feed';
  if (HTML_EXTENSIONS.has(extension)) return 'html';
  return 'text';
}
