import { describe, expect, it } from 'vitest';
import { MESSAGES } from '../web/messages.ts';
import { hasSearchTerms, parseSearchQuery } from './search-query.ts';

describe('parseSearchQuery', () => {
  it('reads the date filters of the Arabic search help as a reader copies them, bidi isolates and word joiners included', () => {
    const filters = MESSAGES.ar.searchHelp.split(' ').filter((piece) => piece.startsWith('من:') || piece.startsWith('الى:'));
    const query = parseSearchQuery(`النفط ${filters.join(' ').replace(/[،.]/g, '')}`);
    expect([query.from, query.to]).toEqual(['2026-11-01', '2026-11-30']);
    expect(query.words).toEqual([{ exact: 'النفط', stem: 'نفط' }]);
  });

  it('reads words, phrases, exclusions and filters', () => {
    const query = parseSearchQuery('الانسحاب "التحالف الدولي" -داعش section:سياسة tag:العراق from:2026-11-01 to:2026-11');
    expect(query.words).toEqual([{ exact: 'الانسحاب', stem: 'انسحاب' }]);
    expect(query.phrases).toEqual([['التحالف', 'الدولي']]);
    expect(query.excluded).toEqual([{ exact: 'داعش', stem: 'داعش' }]);
    expect(query.section).toBe('سياسة');
    expect(query.tag).toBe('العراق');
    expect(query.from).toBe('2026-11-01');
    expect(query.to).toBe('2026-11-30');
  });

  it('accepts Arabic filter names and Arabic-Indic digits in dates', () => {
    const query = parseSearchQuery('قسم:رياضة من:٢٠٢٦-١١-٠٢');
    expect(query.section).toBe('رياضة');
    expect(query.from).toBe('2026-11-02');
    expect(hasSearchTerms(query)).toBe(false);
  });

  it('never fails on bad syntax: it degrades to words', () => {
    expect(parseSearchQuery('"انسحاب القوات').words.map((w) => w.stem)).toEqual(['انسحاب', 'قو']);
    expect(parseSearchQuery('from:yesterday').words.map((w) => w.exact)).toEqual(['from', 'yesterday']);
    expect(parseSearchQuery('- -- :: section:').words.map((w) => w.exact)).toEqual(['section']);
    expect(parseSearchQuery('').words).toEqual([]);
  });

  it('drops stopwords, and a one-word phrase is a word', () => {
    const query = parseSearchQuery('في "العراق"');
    expect(query.words).toEqual([{ exact: 'العراق', stem: 'عراق' }]);
    expect(query.phrases).toEqual([]);
  });
});
