import { describe, expect, it } from 'vitest';
import { articlePath, slugify } from './slug.ts';

describe('slugify', () => {
  it.each([
    ['العراق يعلن انسحاب أول قوة أميركية بموجب «اتفاق واشنطن»', 'العراق-يعلن-انسحاب-أول-قوة-أميركية-بموجب-اتفاق-واشنطن'],
    ['مُحَمَّدٌ يَكتُبُ', 'محمد-يكتب'],
    ['الاقتـــصاد العالمي', 'الاقتصاد-العالمي'],
    ['Apple تطلق iPhone 17', 'apple-تطلق-iphone-17'],
    ['نمو ٣٪ في الربع الأول', 'نمو-٣-في-الربع-الأول'],
    ['«»؟!', 'article'],
  ])('%s → %s', (title, slug) => {
    expect(slugify(title)).toBe(slug);
  });

  it('keeps slugs to ten words and eighty characters', () => {
    const long = 'كلمة '.repeat(40);
    expect(slugify(long).split('-')).toHaveLength(10);
    expect(slugify('ا'.repeat(200)).length).toBeLessThanOrEqual(80);
  });

  it('percent-encodes the path so it is valid on the wire and decodes back to Arabic', () => {
    const path = articlePath('العراق-يعلن');
    expect(path).toMatch(/^\/article\/(%[0-9A-F]{2}|-)+$/);
    expect(decodeURIComponent(path)).toBe('/article/العراق-يعلن');
  });
});
