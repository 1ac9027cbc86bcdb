import fs from 'node:fs';
import path from 'node:path';
import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { decodePage } from './decode.ts';
import { parseFeedDocument } from './feed.ts';
import { parseHtmlPage } from './html-page.ts';
import { detectFormat } from './import.service.ts';

const fixture = (name: string) => fs.readFileSync(path.join(import.meta.dirname, 'fixtures', name), 'utf8');

describe('parseHtmlPage', () => {
  it('extracts the article, its metadata and no site chrome', () => {
    const article = parseHtmlPage(fixture('article-page.html'));
    expect(article.title).toBe('سوق الكتب المستعملة يعود إلى الساحة القديمة');
    expect(article.paragraphs).toHaveLength(3);
    expect(article.paragraphs[0]).toMatch(/^عاد سوق الكتب المستعملة/);
    expect(article.sourceUrl).toBe('https://city-paper.example/culture/used-books-market');
    expect(article.sourceName).toBe('جريدة المدينة');
    expect(article.publishedAt).toBe('2026-11-20T06:30:00.000Z');
    expect(article.sectionName).toBe('ثقافة');
    expect(article.tags).toEqual(['كتب', 'أسواق']);
    expect(JSON.stringify(article)).not.toMatch(/جميع الحقوق|تابعنا|شارك المقال|الرئيسية/);
  });

  it('rejects a page with no article', () => {
    expect(() => parseHtmlPage('<html><body><nav>الرئيسية</nav></body></html>')).toThrow(/no (article|body|title)/);
  });
});

describe('parseFeedDocument', () => {
  it('reads Atom entries: categories become section and tags; an entry without a title is reported, not fatal', () => {
    const [clinic, untitled] = parseFeedDocument(fixture('news.atom'));
    expect(clinic).toEqual({
      article: expect.objectContaining({
        title: 'افتتاح عيادة متنقلة في القرى الجبلية',
        subtitle: 'العيادة تزور عشر قرى كل أسبوع',
        sectionName: 'صحة',
        tags: ['قرى'],
        authors: ['عمر زيدان'],
        sourceName: 'نشرة الوادي',
        sourceUrl: 'https://valley.example/health/mobile-clinic',
        publishedAt: '2026-11-22T08:00:00.000Z',
      }),
    });
    expect('article' in clinic! && clinic.article.paragraphs).toHaveLength(2);
    expect(untitled).toEqual({ error: 'item 2 has no title' });
  });

  it('reads JSON Feed items', () => {
    const [item] = parseFeedDocument(fixture('news.json'));
    expect(item).toEqual({
      article: expect.objectContaining({
        title: 'بدء موسم الصيد بعد شهرين من التوقف',
        sectionName: 'اقتصاد',
        tags: ['صيد'],
        authors: ['ريم ناصر'],
        sourceUrl: 'https://coast.example/sea/fishing-season',
      }),
    });
  });

  it('reads the RSS demo feed: twelve stories with sections, authors and dates', () => {
    const items = parseFeedDocument(fs.readFileSync(path.resolve(import.meta.dirname, '../../demo/sahifa-demo.rss.xml'), 'utf8'));
    expect(items).toHaveLength(12);
    const sections = new Set(items.map((item) => ('article' in item ? item.article.sectionName : null)));
    expect([...sections].sort()).toEqual(['اقتصاد', 'تقنية', 'ثقافة', 'رياضة', 'سياسة']);
    for (const item of items) {
      if (!('article' in item)) throw new Error(item.error);
      expect(item.article.authors).toHaveLength(1);
      expect(item.article.publishedAt).toMatch(/^2026-11-/);
      expect(item.article.paragraphs.length).toBeGreaterThanOrEqual(3);
    }
  });

  it('rejects a malformed feed with its reason', () => {
    expect(() => parseFeedDocument(fixture('broken.rss'))).toThrow(/not a readable RSS, Atom or JSON feed/);
    expect(() => parseFeedDocument('{"version": "https://jsonfeed.org/version/1.1", "title": "x", "items": []}')).toThrow(/no items/);
  });
});

describe('decodePage', () => {
  const arabic = 'وزير المالية يعلن موازنة العام المقبل\nأعلن الوزير تفاصيل الموازنة أمام البرلمان.';

  it('reads UTF-8, with or without a byte-order mark, and UTF-16', () => {
    expect(decodePage(Buffer.from(arabic))).toBe(arabic);
    expect(decodePage(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(arabic)]))).toBe(arabic);
    expect(decodePage(Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(arabic, 'utf16le')]))).toBe(arabic);
  });

  it('detects and decodes Windows-1256, the legacy Arabic code page', () => {
    expect(decodePage(iconv.encode(arabic, 'windows-1256'))).toBe(arabic);
  });

  it('rejects empty, blank, binary and unknown-encoding files with the reason', () => {
    expect(() => decodePage(Buffer.alloc(0))).toThrow('the file is empty');
    expect(() => decodePage(Buffer.from('  \n\t '))).toThrow('only whitespace');
    expect(() => decodePage(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]))).toThrow(/binary/);
    expect(() => decodePage(iconv.encode('Grüße aus Köln, schöne Straße', 'latin1'))).toThrow(/unknown encoding/);
  });
});

describe('detectFormat', () => {
  it.each([
    ['page.txt', 'عنوان\nنص', 'text'],
    ['page.html', '<!DOCTYPE html><html></html>', 'html'],
    ['noext', '<html lang="ar">', 'html'],
    ['feed.xml', '<?xml version="1.0"?>\n<rss version="2.0">', 'feed'],
    ['feed', '<?xml version="1.0"?><!-- c --><feed xmlns="http://www.w3.org/2005/Atom">', 'feed'],
    ['feed.json', '{"version":"https://jsonfeed.org/version/1.1"}', 'feed'],
    ['broken.rss', 'not xml at all', 'feed'],
  ])('%s → %s', (file, text, format) => {
    expect(detectFormat(file, text)).toBe(format);
  });
});
