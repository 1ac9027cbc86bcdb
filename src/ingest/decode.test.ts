import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { decodePage, MAX_FILE_BYTES } from './decode.ts';

const arabic = 'وزير المالية يعلن موازنة العام المقبل\nأعلن الوزير تفاصيل الموازنة أمام البرلمان.';

describe('decodePage', () => {
  it('reads UTF-8 with or without a byte-order mark, and UTF-16 in either byte order', () => {
    expect(decodePage(Buffer.from(arabic))).toBe(arabic);
    expect(decodePage(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(arabic)]))).toBe(arabic);
    expect(decodePage(Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(arabic, 'utf16le')]))).toBe(arabic);
    const bigEndian = Buffer.from(arabic, 'utf16le').swap16();
    expect(decodePage(Buffer.concat([Buffer.from([0xfe, 0xff]), bigEndian]))).toBe(arabic);
  });

  it('detects and decodes Windows-1256, the legacy Arabic code page', () => {
    expect(decodePage(iconv.encode(arabic, 'windows-1256'))).toBe(arabic);
  });

  it('rejects empty, blank, binary, oversized and non-Arabic legacy files with the reason', () => {
    expect(() => decodePage(Buffer.alloc(0))).toThrow('the file is empty');
    expect(() => decodePage(Buffer.from('  \n\t '))).toThrow('only whitespace');
    expect(() => decodePage(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]))).toThrow(/binary/);
    expect(() => decodePage(Buffer.alloc(MAX_FILE_BYTES + 1, 0x61))).toThrow(/limit/);
    expect(() => decodePage(iconv.encode('Grüße aus Köln, schöne Straße', 'latin1'))).toThrow(/unknown encoding/);
  });
});
