import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { isSahifaError } from '../lib/errors.ts';
import { parseHtmlPage } from './html-page.ts';

const fixture = (name: string) => fs.readFileSync(path.join(import.meta.dirname, 'fixtures', name), 'utf8');
const paragraph = (topic: string) =>
  `<p>${topic} في تقرير نشرته الجهات المختصة صباح اليوم، وقال المسؤولون إن العمل سيستمر خلال الأسابيع المقبلة في كل المناطق المعنية.</p>`;

describe('parseHtmlPage', () => {
  it('extracts the article and its OpenGraph metadata, without the site chrome around it', () => {
    const article = parseHtmlPage(fixture('article-page.html'));
    expect(article).toMatchObject({
      title: 'سوق الكتب المستعملة يعود إلى الساحة القديمة',
      subtitle: null,
      authors: ['نادية فرح'],
      sourceUrl: 'https://city-paper.example/culture/used-books-market',
      sourceName: 'جريدة المدينة',
      publishedAt: '2026-11-20T06:30:00.000Z',
      sectionName: 'ثقافة',
      tags: ['كتب', 'أسواق'],
      language: 'ar',
    });
    expect(article.paragraphs).toHaveLength(3);
    expect(article.paragraphs[0]).toMatch(/^عاد سوق الكتب المستعملة/);
    expect(JSON.stringify(article)).not.toMatch(/جميع الحقوق|تابعنا|شارك المقال|الرئيسية|بقلم/);
  });

  it('falls back to JSON-LD and keywords, skips the logo <h1>, resolves a relative canonical link and keeps related links apart', () => {
    const article = parseHtmlPage(fixture('article-page-jsonld.html'));
    expect(article).toMatchObject({
      title: 'مزارعو الوادي يجربون الري بالتنقيط لأول مرة هذا الموسم',
      authors: ['منى الخطيب'],
      sourceName: 'صحيفة الريف',
      sourceUrl: 'https://rural.example/agriculture/drip-irrigation',
      publishedAt: '2026-11-19T07:00:00.000Z',
      sectionName: 'زراعة',
      tags: ['زراعة', 'مياه', 'ري'],
    });
    // The <br><br> inside the second paragraph separates two paragraphs.
    expect(article.paragraphs).toHaveLength(4);
    expect(article.paragraphs[2]).toMatch(/^لكن بعضهم يشكو/);
    expect(article.relatedHeadlines).toEqual([
      { headline: 'مسح جديد لآبار المياه في قرى الوادي', url: 'https://rural.example/agriculture/wells-survey' },
      { headline: 'أسعار البذور تستقر بعد موسم صعب', url: 'https://rural.example/economy/seed-prices' },
    ]);
    expect(article.paragraphs.join(' ')).not.toMatch(/اقرأ أيضاً|مسح جديد لآبار|صحيفة الريف/);
  });

  it('strips the site name from a <title> when there is no og:title or heading, dates the story by the <time> in the article, splits a byline of several names', () => {
    const html = `<html lang="ar"><head><title>وزارة الصحة تطلق حملة تطعيم في المدارس الابتدائية | نشرة الصباح</title>
      <meta property="og:site_name" content="نشرة الصباح"><meta name="author" content="كتب: علي حسن، دينا سالم"></head>
      <body><header><time datetime="2026-11-30">اليوم</time></header>
      <article><time datetime="2026-11-18T10:00:00+02:00">١٨ نوفمبر</time>${paragraph('أطلقت وزارة الصحة حملة تطعيم')}${paragraph('وتشمل الحملة كل المدارس')}</article></body></html>`;
    const article = parseHtmlPage(html);
    expect(article.title).toBe('وزارة الصحة تطلق حملة تطعيم في المدارس الابتدائية');
    expect(article.authors).toEqual(['علي حسن', 'دينا سالم']);
    expect(article.paragraphs).toHaveLength(2);
    expect(article.publishedAt).toBe('2026-11-18T08:00:00.000Z');
    expect(article.sourceUrl).toBeNull();
  });

  it('prefers the <h1> when og:title is the same headline with a site suffix og:site_name does not spell the same way', () => {
    const html = `<html><head><meta property="og:title" content="انطلاق موسم قطاف الزيتون في القرى الشمالية - جريدة المدينة اليومية">
      <meta property="og:site_name" content="المدينة"></head>
      <body><article><h1>انطلاق موسم قطاف الزيتون في القرى الشمالية</h1>${paragraph('بدأ موسم القطاف')}${paragraph('ويتوقع المزارعون')}</article></body></html>`;
    expect(parseHtmlPage(html).title).toBe('انطلاق موسم قطاف الزيتون في القرى الشمالية');
  });

  it.each([
    ['a page of menus only', '<html><body><nav>الرئيسية</nav></body></html>', /no (article|body)/],
    ['a page without any title', `<html><body><div>${paragraph('نص بلا عنوان')}${paragraph('وفقرة ثانية')}</div></body></html>`, /no title/],
    ['a page whose only text is site chrome', '<html><head><title>ع</title></head><body><p>جميع الحقوق محفوظة</p></body></html>', /no body paragraphs/],
  ])('rejects %s with the reason', (_name, html, reason) => {
    try {
      parseHtmlPage(html);
      expect.unreachable();
    } catch (error) {
      expect(isSahifaError(error, 'IMPORT_REJECTED')).toBe(true);
      expect((error as Error).message).toMatch(reason);
    }
  });
});
