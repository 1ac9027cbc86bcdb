import { afterAll, describe, expect, it } from 'vitest';
import { AnalysisThread, indexedText, indexedTexts } from './index-text.ts';

const articles = Array.from({ length: 60 }, (_, i) => ({
  title: `الرئيس يستقبل وفد الكويت رقم ${i}`,
  subtitle: i % 2 ? 'أكّد الوزراءُ أنّ المفاوضات مستمرة' : null,
  paragraphs: [`وقال المتحدث باسم الحكومة إن الاجتماع الـ${i} ناقش الانسحاب من المعاهدة.`, 'Café talks in Straße ٣١'],
}));

describe('indexedText', () => {
  it('joins the exact forms and the stems of title and body word by word', () => {
    const text = indexedText({ title: 'والمفاوضات مستمرة', subtitle: null, paragraphs: ['الانسحاب من الكويت'] });
    expect(text).toEqual({ titleExact: 'والمفاوضات مستمره', titleStem: 'مفاوض مستمر', bodyExact: 'الانسحاب الكويت', bodyStem: 'انسحاب كويت' });
  });
});

describe('the analysis thread', () => {
  const thread = new AnalysisThread();
  afterAll(() => thread.close());

  it('gives exactly what the same analysis gives on this thread, in order, for requests made together', async () => {
    const [first, second] = await Promise.all([thread.analyze(articles.slice(0, 30)), thread.analyze(articles.slice(30))]);
    expect([...first, ...second]).toEqual(articles.map(indexedText));
  });

  it('is what indexedTexts uses for a large group, with the same answer', async () => {
    expect(await indexedTexts(articles)).toEqual(articles.map(indexedText));
  });
});
