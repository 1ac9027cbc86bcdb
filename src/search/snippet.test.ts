import { describe, expect, it } from 'vitest';
import { analyze } from '../arabic/analyzer.ts';
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

  it('picks the paragraph that analyzing every paragraph picks: the most matched words, the first on a tie', () => {
    const paragraphs = [
      'قال الوزير إن الحكومة ستعلن خطتها للموانئ غدا.',
      'وأكدت الحكومة أن الموانئ والمطارات تعمل، وأن حكومتها لن تغلق الميناء.',
      'The port of Jeddah and the Port Authority said ports reopen.',
      'وزارة النقل: حركة الحاويات في الموانئ ارتفعت، والحاويات تصل بانتظام إلى الميناء.',
      'لا شيء هنا عن ذلك.',
      'الحكومة الحكومة الحكومية؛ حكومات سابقة وحكومتان.',
      'Ports, PORTS and port: حكومة واحدة.',
    ];
    const words = [...new Set(analyze(paragraphs.join(' ')).map((token) => token.surface))];
    const queries = [...words, ...words.slice(0, 20).map((word, n) => `${word} ${words[(n * 7 + 3) % words.length]}`), '"حركة الحاويات"'];
    let compared = 0;
    for (const order of [paragraphs, [...paragraphs].reverse(), [...paragraphs.slice(3), ...paragraphs.slice(0, 3)]]) {
      for (const query of queries) {
        const parsed = parseSearchQuery(query);
        const keys = matchKeys(parsed.words, parsed.phrases);
        const hits = order.map((paragraph) => analyze(paragraph).filter((token) => keys.exact.has(token.exact) || keys.stem.has(token.stem)).length);
        const most = Math.max(...hits);
        const expected = most > 0 ? order[hits.indexOf(most)]! : order[0]!;
        expect(snippet(order, keys), `${query} in ${order.indexOf(paragraphs[0]!)}`).toEqual(snippet([expected], keys));
        compared++;
      }
    }
    expect(compared).toBeGreaterThan(150);
  });
});
