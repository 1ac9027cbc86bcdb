import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { type FeedItemResult, parseFeedDocument } from './feed.ts';

const fixture = (name: string) => fs.readFileSync(path.join(import.meta.dirname, 'fixtures', name), 'utf8');
const articles = (results: FeedItemResult[]) =>
  results.map((result) => {
    if ('error' in result) throw new Error(result.error);
    return result.article;
  });

describe('parseFeedDocument', () => {
  it('reads RSS 2.0 items: content:encoded or description, dc:creator or author, first category as section', () => {
    const [footbridge, festival, empty, library] = parseFeedDocument(fixture('news.rss'));
    expect(footbridge).toEqual({
      article: expect.objectContaining({
        title: 'افتتاح جسر المشاة فوق الطريق السريع',
        subtitle: 'الجسر يربط الحي الشرقي بالسوق',
        paragraphs: [
          'افتتحت البلدية صباح الاثنين جسراً للمشاة فوق الطريق السريع، بعد أشهر من مطالبات السكان بممر آمن.',
          'ويبلغ طول الجسر ستين متراً، وزُوّد بمصعدين لكبار السن وذوي الإعاقة.',
        ],
        sectionName: 'محليات',
        tags: ['طرق', 'سلامة'],
        authors: ['سلمى يوسف'],
        sourceName: 'أخبار البلدة',
        sourceUrl: 'https://town.example/city/footbridge',
        publishedAt: '2026-11-23T03:45:00.000Z',
      }),
    });
    // No <link>: the permalink guid identifies it; "<br><br>" separates paragraphs; RSS <author> is "email (Name)".
    expect(festival).toEqual({
      article: expect.objectContaining({
        sourceUrl: 'https://town.example/culture/olive-festival',
        paragraphs: [expect.stringMatching(/^يعود مهرجان الزيتون/), expect.stringMatching(/^ويشارك فيه/)],
        authors: ['هشام عبد الله'],
        sectionName: 'ثقافة',
        tags: [],
      }),
    });
    expect(empty).toEqual({ error: 'item 3 «خبر بلا نص» has no body' });
    // A plain-text description without blank lines has one paragraph per line.
    expect(library).toEqual({ article: expect.objectContaining({ paragraphs: [expect.stringMatching(/^تمدد/), expect.stringMatching(/^وتخصص/)] }) });
  });

  it('reads Atom entries; an entry without a title is reported, not fatal', () => {
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

  it('reads JSON Feed items, and plain content_text split on blank lines', () => {
    const [item] = parseFeedDocument(fixture('news.json'));
    expect(item).toEqual({
      article: expect.objectContaining({
        title: 'بدء موسم الصيد بعد شهرين من التوقف',
        sectionName: 'اقتصاد',
        tags: ['صيد'],
        authors: ['ريم ناصر'],
        sourceName: 'موجز الساحل',
        sourceUrl: 'https://coast.example/sea/fishing-season',
        publishedAt: '2026-11-21T05:00:00.000Z',
      }),
    });
    const text = JSON.stringify({
      version: 'https://jsonfeed.org/version/1',
      title: 'نص',
      items: [{ id: '1', title: 'عنوان', author: { name: 'كاتب' }, content_text: 'فقرة أولى\nتكملة السطر.\n\nفقرة ثانية < ثالثة.' }],
    });
    expect(articles(parseFeedDocument(text))[0]).toMatchObject({ paragraphs: ['فقرة أولى تكملة السطر.', 'فقرة ثانية < ثالثة.'], authors: ['كاتب'] });
  });

  it('reads the demo feed: twelve stories in five sections, each with an author, a date, tags and a stable link', () => {
    const items = articles(parseFeedDocument(fs.readFileSync(path.resolve(import.meta.dirname, '../../demo/sahifa-demo.rss.xml'), 'utf8')));
    expect(items).toHaveLength(12);
    expect([...new Set(items.map((item) => item.sectionName))].sort()).toEqual(['اقتصاد', 'تقنية', 'ثقافة', 'رياضة', 'سياسة']);
    expect(items.map((item) => item.sourceUrl)).toEqual(items.map((_, index) => `https://sahifa.example/demo/${index + 1}`));
    for (const item of items) {
      expect(item.authors).toHaveLength(1);
      expect(item.publishedAt).toMatch(/^2026-11-/);
      expect(item.tags.length).toBeGreaterThan(0);
      expect(item.paragraphs.length).toBeGreaterThanOrEqual(3);
      expect(item.paragraphs.length).toBeLessThanOrEqual(5);
    }
  });

  it.each([
    ['malformed XML', fixture('broken.rss'), 'malformed XML (Unexpected end of description)'],
    ['malformed JSON', '{"version": "https://jsonfeed.org/version/1.1", "items": [', /^malformed JSON \(/],
    ['JSON that is not a JSON Feed', '{"title": "x"}', /^not a JSON Feed/],
    ['XML that is not a feed', '<?xml version="1.0"?><catalog><book/></catalog>', /^not an RSS, Atom or JSON feed/],
    ['a feed without items', '{"version": "https://jsonfeed.org/version/1.1", "title": "x", "items": []}', 'the feed has no items'],
  ])('rejects %s with its reason', (_name, text, reason) => {
    expect(() => parseFeedDocument(text)).toThrow(reason);
  });
});
