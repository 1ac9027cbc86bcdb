import iconv from 'iconv-lite';
import { importRejected } from '../lib/errors.ts';

/** Larger files are not news pages; refusing them keeps one bad file from exhausting memory. */
export const MAX_FILE_BYTES = 20 * 1024 * 1024;

const ARABIC_LETTER = /[\u0621-\u064A]/g;

/**
 * Turns a file's bytes into text. UTF-8 (with or without BOM) and UTF-16 with a BOM are read as such;
 * anything that is not valid UTF-8 is tried as Windows-1256, the legacy Arabic code page many Arabic sites
 * still serve, and accepted only if it then reads as Arabic.
 */
export function decodePage(bytes: Uint8Array): string {
  if (bytes.length === 0) throw importRejected('the file is empty');
  if (bytes.length > MAX_FILE_BYTES) throw importRejected(`the file is ${bytes.length} bytes (limit ${MAX_FILE_BYTES})`);
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return new TextDecoder('utf-16le').decode(bytes);
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return new TextDecoder('utf-16be').decode(bytes);
  if (looksBinary(bytes)) throw importRejected('the file is binary, not a text, HTML or feed page');

  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    text = iconv.decode(Buffer.from(bytes), 'windows-1256');
    if (arabicShare(text) < 0.3) {
      throw importRejected('the file is neither UTF-8 nor Windows-1256 Arabic text (unknown encoding)');
    }
  }
  if (!text.trim()) throw importRejected('the file holds only whitespace');
  return text;
}

/** NUL bytes and other control characters do not occur in text pages. */
function looksBinary(bytes: Uint8Array): boolean {
  const sample = bytes.subarray(0, 8192);
  let control = 0;
  for (const byte of sample) {
    if (byte === 0) return true;
    if (byte < 9 || (byte > 13 && byte < 32)) control++;
  }
  return control / sample.length > 0.02;
}

/** Share of Arabic letters among the letters of a text. */
function arabicShare(text: string): number {
  const letters = text.match(/\p{L}/gu)?.length ?? 0;
  if (letters === 0) return 0;
  return (text.match(ARABIC_LETTER)?.length ?? 0) / letters;
}
