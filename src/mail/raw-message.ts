import { randomBytes } from 'node:crypto';
import type { MailMessage } from './mailer.ts';

// A text + HTML message built directly as bytes, in the shape nodemailer gives it (multipart/alternative, the text
// part then the HTML part, both UTF-8 in base64; non-ASCII header text as encoded words), for the bulk path
// (bulk-mailer.ts): no MIME tree, no streams, one buffer per message.

/** Parts are separated by this; base64 lines and header lines can never contain it (no '-' in either alphabet). */
const BOUNDARY = `--_sahifa-${randomBytes(8).toString('hex')}`;
const CRLF = '\r\n';

/** `text`, as an RFC 2047 encoded word (several, folded, when long) if it is not plain printable ASCII. */
export function encodedWords(text: string): string {
  if (/^[\x20-\x7e]*$/.test(text)) return text;
  // Whole characters per word, at most 42 bytes of UTF-8 each: every encoded word stays within 75 characters.
  const words: string[] = [];
  let word = '';
  for (const character of text) {
    if (Buffer.byteLength(word + character) > 42) {
      words.push(word);
      word = '';
    }
    word += character;
  }
  words.push(word);
  return words.map((part) => `=?UTF-8?B?${Buffer.from(part).toString('base64')}?=`).join(`${CRLF} `);
}

/** `"Name" <address>` (or a bare address) with a non-ASCII name encoded. */
function addressHeader(address: string): string {
  const named = /^\s*"?(.*?)"?\s*<([^>]+)>\s*$/.exec(address);
  if (!named) return address.trim();
  const [, name = '', email] = named;
  if (!name) return `<${email}>`;
  return /^[\x20-\x7e]*$/.test(name) ? `"${name.replace(/["\\]/g, '')}" <${email}>` : `${encodedWords(name)} <${email}>`;
}

/** Base64 in lines of 76 characters, each ending in CRLF (RFC 2045). */
function base64Lines(text: string): Buffer {
  const encoded = Buffer.from(Buffer.from(text).toString('base64'), 'latin1');
  const lines = Math.ceil(encoded.length / 76);
  const out = Buffer.allocUnsafe(encoded.length + lines * 2);
  let at = 0;
  for (let start = 0; start < encoded.length; start += 76) {
    at += encoded.copy(out, at, start, Math.min(start + 76, encoded.length));
    out[at++] = 13;
    out[at++] = 10;
  }
  return out.subarray(0, at);
}

/** The date as RFC 5322 writes it, e.g. `Mon, 30 Nov 2026 01:54:23 +0000`. */
export function messageDate(date: Date): string {
  return date.toUTCString().replace(/GMT$/, '+0000');
}

/**
 * The bytes of `message` (CRLF line ends), From, Message-ID and Date as given. Both parts are always base64:
 * `textEncoding` is not looked at.
 */
export function rawMessage(message: MailMessage & { from: string; messageId: string }, date: string): Buffer {
  const to = Array.isArray(message.to) ? message.to : [message.to];
  const lines = [`From: ${addressHeader(message.from)}`, `To: ${to.map(addressHeader).join(', ')}`];
  if (message.replyTo) lines.push(`Reply-To: ${addressHeader(message.replyTo)}`);
  lines.push(`Subject: ${encodedWords(message.subject)}`, `Message-ID: ${message.messageId}`, `Date: ${date}`, 'MIME-Version: 1.0');
  for (const [name, value] of Object.entries(message.headers ?? {})) {
    // A prepared value goes as written (never folded), so a DKIM signature over it survives.
    lines.push(`${name}: ${typeof value === 'string' ? encodedWords(value) : value.value}`);
  }
  lines.push(`Content-Type: multipart/alternative;${CRLF} boundary="${BOUNDARY}"`, '', `--${BOUNDARY}`);
  lines.push('Content-Type: text/plain; charset=utf-8', 'Content-Transfer-Encoding: base64', '', '');
  const head = Buffer.from(lines.join(CRLF));
  const between = Buffer.from([`--${BOUNDARY}`, 'Content-Type: text/html; charset=utf-8', 'Content-Transfer-Encoding: base64', '', ''].join(CRLF));
  const end = Buffer.from(`--${BOUNDARY}--${CRLF}`);
  return Buffer.concat([head, base64Lines(message.text), between, base64Lines(message.html), end]);
}
