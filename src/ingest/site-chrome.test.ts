import { describe, expect, it } from 'vitest';
import { isKnownChrome, recurringLines } from './site-chrome.ts';

describe('isKnownChrome', () => {
  it.each([
    'لم تشترك بعد',
    'انشئ حساباً خاصاً بك',
    'تسجيل الدخول',
    'اشترك في النشرة',
    'شارك المقال',
    'اقرأ أيضاً:',
    'جميع الحقوق محفوظة ٢٠٢٦',
    'تابعونا على فيسبوك',
    'الرئيسية',
    'أخبار ذات صلة',
    'طباعة',
  ])('«%s» is site chrome, whatever its hamza, taa marbuta and tanwin', (line) => {
    expect(isKnownChrome(line)).toBe(true);
  });

  it.each(['شارك آلاف المتظاهرين في المسيرة', 'الرئيسية الجديدة للحزب تعقد اجتماعها الأول'])('«%s» is news', (line) => {
    expect(isKnownChrome(line)).toBe(false);
  });
});

describe('recurringLines', () => {
  it('marks a line found in at least three pages and a third of the batch, whatever its line breaks', () => {
    const pages = ['أ\r\nقائمة الموقع\r\nب', 'ج\rقائمة الموقع', 'د\nقائمة  الموقع ', 'هـ', 'و', 'ز'];
    expect([...recurringLines(pages)]).toEqual(['قايمه الموقع']);
    expect(recurringLines(pages.slice(0, 2)).size).toBe(0);
  });
});
