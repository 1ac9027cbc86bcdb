import { Lexer, type Token, type Tokens } from 'marked';
import type { ComponentChildren } from 'preact';

/**
 * Article bodies written in the newsroom are Markdown: headings, quotes, lists, links, images, emphasis. They are
 * parsed by marked's lexer and rendered here as preact elements, never as HTML strings, so every text is escaped
 * and raw HTML in a body shows as the text it is. The article page and the editor's preview both use
 * `MarkdownBody`, so the preview is exactly what readers get.
 */

/** Images uploaded in the newsroom: `/media/<id>` names the image; its variants are `/media/<id>/<width>.<format>`. */
const MEDIA_URL = /^\/media\/([0-9a-f-]{36})(?:\/.*)?$/;
/** Widths every uploaded image is stored at (newsroom/media.service.ts makes them). */
export const MEDIA_WIDTHS = [480, 960, 1600] as const;
export const MEDIA_FORMATS = ['avif', 'webp', 'jpeg'] as const;

export function parseMarkdown(markdown: string): Token[] {
  return new Lexer({ gfm: true, breaks: false }).lex(markdown);
}

/** The body of an article written in Markdown, as the article page shows it. */
export function MarkdownBody({ markdown }: { markdown: string }) {
  return <>{blocks(parseMarkdown(markdown))}</>;
}

/**
 * The plain text of each block, in reading order: what search, excerpts, feeds and the JSON API use as the
 * article's paragraphs. Images contribute their caption, not their address.
 */
export function markdownParagraphs(markdown: string): string[] {
  const out: string[] = [];
  const visit = (tokens: Token[]) => {
    for (const token of tokens) {
      if (token.type === 'blockquote') visit((token as Tokens.Blockquote).tokens);
      else if (token.type === 'list') for (const item of (token as Tokens.List).items) visit(item.tokens);
      else if (token.type !== 'space' && token.type !== 'hr') {
        const text = plainText([token]).replace(/\s+/g, ' ').trim();
        if (text) out.push(text);
      }
    }
  };
  visit(parseMarkdown(markdown));
  return out;
}

function plainText(tokens: Token[]): string {
  return tokens
    .map((token) => {
      if (token.type === 'image') return (token as Tokens.Image).title ?? '';
      if (token.type === 'br') return ' ';
      if ('tokens' in token && Array.isArray(token.tokens) && token.type !== 'codespan') return plainText(token.tokens);
      if (token.type === 'list') return (token as Tokens.List).items.map((item) => plainText(item.tokens)).join(' ');
      return decodeEntities('text' in token && typeof token.text === 'string' ? token.text : '');
    })
    .join('');
}

function blocks(tokens: Token[]): ComponentChildren[] {
  return tokens.map((token) => block(token));
}

function block(token: Token): ComponentChildren {
  switch (token.type) {
    case 'space':
      return null;
    case 'heading': {
      const heading = token as Tokens.Heading;
      // The article's title is its h1; body headings start at h2.
      const Tag = heading.depth <= 2 ? 'h2' : heading.depth === 3 ? 'h3' : 'h4';
      return <Tag>{inline(heading.tokens)}</Tag>;
    }
    case 'paragraph': {
      const paragraph = token as Tokens.Paragraph;
      const only = paragraph.tokens.filter((t) => !(t.type === 'text' && !t.raw.trim()));
      if (only.length === 1 && only[0]!.type === 'image') return <Figure image={only[0] as Tokens.Image} />;
      return <p>{inline(paragraph.tokens)}</p>;
    }
    case 'blockquote':
      return <blockquote>{blocks((token as Tokens.Blockquote).tokens)}</blockquote>;
    case 'list': {
      const list = token as Tokens.List;
      const items = list.items.map((item) => <li>{item.tokens.map((t) => (t.type === 'text' ? inlineOf(t) : block(t)))}</li>);
      if (!list.ordered) return <ul>{items}</ul>;
      const start = typeof list.start === 'number' && list.start !== 1 ? list.start : undefined;
      return <ol start={start}>{items}</ol>;
    }
    case 'hr':
      return <hr />;
    case 'code':
      return (
        <pre dir="auto">
          <code>{(token as Tokens.Code).text}</code>
        </pre>
      );
    case 'table': {
      const table = token as Tokens.Table;
      return (
        <table>
          <thead>
            <tr>
              {table.header.map((cell) => (
                <th scope="col">{inline(cell.tokens)}</th>
              ))}
            </tr>
          </thead>
          <tbody>
            {table.rows.map((row) => (
              <tr>
                {row.map((cell) => (
                  <td>{inline(cell.tokens)}</td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      );
    }
    default:
      // Raw HTML blocks and anything else: shown as the text the editor typed, never interpreted.
      return token.raw.trim() ? <p>{token.raw.trim()}</p> : null;
  }
}

function inlineOf(token: Token): ComponentChildren {
  return 'tokens' in token && Array.isArray(token.tokens) ? inline(token.tokens) : decodeEntities((token as Tokens.Text).text);
}

function inline(tokens: Token[]): ComponentChildren[] {
  return tokens.map((token): ComponentChildren => {
    switch (token.type) {
      case 'text':
        return inlineOf(token);
      case 'escape':
        return (token as Tokens.Escape).text;
      case 'strong':
        return <strong>{inline((token as Tokens.Strong).tokens)}</strong>;
      case 'em':
        return <em>{inline((token as Tokens.Em).tokens)}</em>;
      case 'del':
        return <del>{inline((token as Tokens.Del).tokens)}</del>;
      case 'codespan':
        return <code>{decodeEntities((token as Tokens.Codespan).text)}</code>;
      case 'br':
        return <br />;
      case 'link': {
        const link = token as Tokens.Link;
        const href = safeHref(link.href);
        return href ? <a href={href}>{inline(link.tokens)}</a> : inline(link.tokens);
      }
      case 'image':
        return <Picture image={token as Tokens.Image} />;
      default:
        return token.raw;
    }
  });
}

function Figure({ image }: { image: Tokens.Image }) {
  return (
    <figure>
      <Picture image={image} />
      {image.title ? <figcaption>{image.title}</figcaption> : null}
    </figure>
  );
}

/** Newsroom images as AVIF/WebP/JPEG at every stored width; other images only when their address is safe. */
function Picture({ image }: { image: Tokens.Image }) {
  const alt = decodeEntities(image.text);
  const media = MEDIA_URL.exec(image.href);
  if (!media) {
    const src = safeHref(image.href);
    return src ? <img src={src} alt={alt} loading="lazy" decoding="async" /> : <>{alt}</>;
  }
  const base = `/media/${media[1]}`;
  const srcset = (format: string) => MEDIA_WIDTHS.map((width) => `${base}/${width}.${format} ${width}w`).join(', ');
  const sizes = '(max-width: 48rem) 100vw, 48rem';
  return (
    <picture>
      <source type="image/avif" srcset={srcset('avif')} sizes={sizes} />
      <source type="image/webp" srcset={srcset('webp')} sizes={sizes} />
      <img src={`${base}/960.jpeg`} srcset={srcset('jpeg')} sizes={sizes} alt={alt} loading="lazy" decoding="async" />
    </picture>
  );
}

/** Only web, mail and same-site addresses become links: a `javascript:` link in a body must not run. */
export function safeHref(href: string): string | null {
  const value = href.trim();
  if (/^(https?:|mailto:)/i.test(value)) return value;
  if (value.startsWith('/') && !value.startsWith('//')) return value;
  if (value.startsWith('#')) return value;
  return null;
}

const NAMED: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: '\u00a0' };

/** Markdown allows HTML entities in text ("&amp;"); readers should see the character. */
function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#[0-9]+|[a-z]+);/gi, (whole, name: string) => {
    if (name[0] === '#') {
      const code = name[1] === 'x' || name[1] === 'X' ? Number.parseInt(name.slice(2), 16) : Number.parseInt(name.slice(1), 10);
      return Number.isFinite(code) && code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
    }
    return NAMED[name.toLowerCase()] ?? whole;
  });
}
