import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { isSahifaError } from '../lib/errors.ts';
import { chromeKey } from './site-chrome.ts';
import { parseTextPage } from './text-page.ts';

export const SEED_PATH = path.resolve(import.meta.dirname, '../../../shared/seeds/000_1cf7490bba804225.txt');

describe('parseTextPage', () => {
  it('reads the seed page: repeated line as title, covered headline as subtitle, five paragraphs, no chrome', () => {
    const article = parseTextPage(fs.readFileSync(SEED_PATH, 'utf8'));
    expect(article.title).toBe('العراق يعلن انسحاب أول قوة أميركية بموجب «اتفاق واشنطن»');
    expect(article.subtitle).toBe('«قاصم الجبارين» تتبنى استهداف 3 أرتال للتحالف');
    expect(article.paragraphs).toHaveLength(5);
    expect(article.paragraphs[0]).toMatch(/^بعد ساعات من ترحيب رسمي عراقي/);
    expect(article.paragraphs[4]).toMatch(/^في غضون ذلك/);
    expect(article.relatedHeadlines).toEqual([]);
    const everything = JSON.stringify(article);
    expect(everything).not.toContain('لم تشترك بعد');
    expect(everything).not.toContain('انشئ حساباً');
  });

  it('keeps a headline the body does not cover as a related headline', () => {
    const page = [
      'وزير المالية يعلن موازنة العام المقبل',
      'أعلن وزير المالية اليوم تفاصيل موازنة العام المقبل أمام البرلمان، وقال إن الإنفاق على التعليم والصحة سيرتفع بنسبة ملحوظة مقارنة بالعام الحالي.',
      'وأضاف الوزير أن العجز سيتراجع تدريجياً خلال السنوات الثلاث المقبلة بفضل إصلاحات ضريبية وافق عليها البرلمان الشهر الماضي بعد نقاش طويل.',
      'وزير المالية يعلن موازنة العام المقبل',
      'منتخب الشباب يتأهل إلى نهائي البطولة القارية',
    ].join('\n');
    const article = parseTextPage(page);
    expect(article.title).toBe('وزير المالية يعلن موازنة العام المقبل');
    expect(article.subtitle).toBeNull();
    expect(article.relatedHeadlines).toEqual([{ headline: 'منتخب الشباب يتأهل إلى نهائي البطولة القارية', url: null }]);
    expect(article.paragraphs).toHaveLength(2);
  });

  it('recognizes a subtitle whose words the body has with clitics, other case or in Latin script', () => {
    const page = [
      'افتتاح مختبر جديد للروبوتات في الجامعة',
      'شركة Robotica تمول مختبر الجامعة',
      'أعلنت الجامعة أمس افتتاح مختبر للروبوتات تموله شركة ROBÓTICA المحلية، ويضم المختبر عشرين جهازاً حديثاً للطلاب والباحثين في كليات الهندسة.',
      'وقال رئيس الجامعة إن تمويل الشركة للمختبر يمتد خمس سنوات، وإن الطلاب سيبدأون العمل فيه مع بداية الفصل الدراسي المقبل دون رسوم إضافية.',
    ].join('\n');
    expect(parseTextPage(page).subtitle).toBe('شركة Robotica تمول مختبر الجامعة');
  });

  it('drops lines the batch marks as chrome', () => {
    const page = 'عنوان الخبر القصير\nنص الخبر الطويل الذي يشرح ما حدث بالتفصيل في المدينة أمس، ويذكر الشهود والمسؤولين وما قالوه عن الحادثة وعن الخطوات التالية.\nالقائمة الرئيسية للموقع';
    const article = parseTextPage(page, new Set([chromeKey('القائمة الرئيسية للموقع')]));
    expect(article.relatedHeadlines).toEqual([]);
  });

  it('rejects a page with no body, naming the reason', () => {
    expect(() => parseTextPage('عنوان\nعنوان آخر')).toThrowError(/no body paragraphs/);
  });

  it('rejects a gigantic line instead of storing it', () => {
    try {
      parseTextPage(`عنوان\n${'ا'.repeat(200_001)}`);
      expect.unreachable();
    } catch (error) {
      expect(isSahifaError(error, 'IMPORT_REJECTED')).toBe(true);
      expect((error as Error).message).toMatch(/line 2 is 200001 characters long/);
    }
  });
});
