import { parseHTML } from 'linkedom';
import { isKnownChrome } from './site-chrome.ts';

const BLOCKS = 'p, h2, h3, h4, li, blockquote, pre';

/**
 * The readable paragraphs of an HTML fragment: the text of each block element (whitespace collapsed), with
 * empty blocks and site chrome dropped. Text outside any block (a plain-text body) is split on blank lines.
 */
export function htmlToParagraphs(html: string): string[] {
  const { document } = parseHTML(`<!doctype html><html><body>${html}</body></html>`);
  const blocks = [...document.querySelectorAll(BLOCKS)].filter((element) => !element.querySelector(BLOCKS));
  const texts = blocks.length
    ? blocks.map((element) => element.textContent ?? '')
    : (document.body.textContent ?? '').split(/\n\s*\n|\r\n\s*\r\n/);
  return texts.map(collapse).filter((text) => text && !isKnownChrome(text));
}

export function collapse(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}
