import { parseHTML } from 'linkedom';
import { isKnownChrome } from './site-chrome.ts';

/** Elements that end the paragraph before them and start a new one. */
const BLOCK_TAGS = new Set([
  'ADDRESS', 'ARTICLE', 'ASIDE', 'BLOCKQUOTE', 'BODY', 'DD', 'DIV', 'DL', 'DT', 'FIELDSET', 'FIGCAPTION', 'FIGURE',
  'FOOTER', 'FORM', 'H1', 'H2', 'H3', 'H4', 'H5', 'H6', 'HEADER', 'HR', 'LI', 'MAIN', 'OL', 'P', 'PRE',
  'SECTION', 'TABLE', 'TD', 'TH', 'TR', 'UL',
]);
/** Elements whose text is never prose (menus, scripts, form controls). */
const SKIPPED_TAGS = new Set(['NAV', 'SCRIPT', 'STYLE', 'NOSCRIPT', 'TEMPLATE', 'SVG', 'BUTTON', 'SELECT', 'TEXTAREA', 'IFRAME']);
const ELEMENT_NODE = 1;
const TEXT_NODE = 3;
const LOOKS_LIKE_HTML = /<\/?[a-z][\w-]*(\s[^>]*)?\/?>/i;

interface DomNode {
  nodeType: number;
  nodeName: string;
  nodeValue: string | null;
  childNodes: ArrayLike<DomNode>;
}

/**
 * The readable paragraphs of a body that may be HTML or plain text (feeds carry both): HTML goes through
 * htmlToParagraphs, plain text through textToParagraphs.
 */
export function bodyToParagraphs(body: string): string[] {
  return LOOKS_LIKE_HTML.test(body) ? htmlToParagraphs(body) : textToParagraphs(body);
}

/**
 * The readable paragraphs of an HTML fragment: each block element's own text, text between blocks, and text
 * separated by <br>, whitespace collapsed, with empty lines and site chrome dropped. Walking the tree once
 * (rather than reading the text of selected elements) keeps loose text and never reads a text twice.
 */
export function htmlToParagraphs(html: string): string[] {
  const { document } = parseHTML(`<!doctype html><html><body>${html}</body></html>`);
  const paragraphs: string[] = [];
  let current = '';
  const flush = () => {
    const text = collapse(current);
    if (text && !isKnownChrome(text)) paragraphs.push(text);
    current = '';
  };
  const walk = (node: DomNode) => {
    if (node.nodeType === TEXT_NODE) {
      current += node.nodeValue ?? '';
      return;
    }
    if (node.nodeType !== ELEMENT_NODE || SKIPPED_TAGS.has(node.nodeName)) return;
    if (node.nodeName === 'BR') return flush();
    const block = BLOCK_TAGS.has(node.nodeName);
    if (block) flush();
    for (let i = 0; i < node.childNodes.length; i++) walk(node.childNodes[i]!);
    if (block) flush();
  };
  walk(document.body as unknown as DomNode);
  return paragraphs;
}

/**
 * Paragraphs of plain text: blank lines separate paragraphs when the text has any; otherwise every line is one
 * (feeds and pages that do not leave blank lines put one paragraph per line).
 */
export function textToParagraphs(text: string): string[] {
  const separator = /\n[ \t\r]*\n/.test(text) ? /\n[ \t\r]*\n/ : /\r?\n|\r/;
  return text
    .split(separator)
    .map(collapse)
    .filter((paragraph) => paragraph && !isKnownChrome(paragraph));
}

/** Text with every run of whitespace (line breaks, tabs, non-breaking spaces) made one space, trimmed. */
export function collapse(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}
