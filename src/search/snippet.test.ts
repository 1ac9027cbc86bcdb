import { describe, expect, it } from 'vitest';
import { parseSearchQuery } from './search-query.ts';
import { matchKeys, snippet } from './snippet.ts';

const marked = (paragraphs: string[], query: string) => {
  const parsed = parseSearchQuery(query);
  return snippet(paragraphs, matchKeys(parsed.words, parsed.phrases)).filter((segment) => segment.match).map((segment) => segment.text);
};

describe('snippet', () => {
  it('finds the paragraph holding the word whatever its hamza, tashkeel, clitics or digits', () => {
    const paragraphs = ['الطقس معتدل اليوم في معظم المناطق.', 'أعلنَت الحكومةُ الأمريكيّة قرارها بعد ٣١ يوماً.'];
    expect(marked(paragraphs, 'امريكية')).toEqual(['الأمريكيّة']);
    expect(marked(paragraphs, 'حكومه')).toEqual(['الحكومةُ']);
    expect(marked(paragraphs, '31')).toEqual(['٣١']);
  });

  it('finds Latin words through their accents and case', () => {
    expect(marked(['نص عربي فقط.', 'Le Café de la Straße, Paris.'], 'cafe strasse')).toEqual(['Café', 'Straße']);
  });

  it('prefers the paragraph with the most matched words', () => {
    expect(marked(['النفط في السوق.', 'أسعار النفط ترتفع، والنفط الخام يقود السوق.'], 'النفط')).toEqual(['النفط', 'والنفط']);
  });
});
