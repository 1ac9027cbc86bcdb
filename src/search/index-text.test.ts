import { afterAll, describe, expect, it } from 'vitest';
import { AnalysisThread, claimForHelper, indexedText, startAnalysis } from './index-text.ts';

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
    expect([...first!, ...second!]).toEqual(articles.map(indexedText));
  });

  it('leaves a chunk that was claimed elsewhere first', async () => {
    const claimed = new Int32Array(new SharedArrayBuffer(4));
    const free = new Int32Array(new SharedArrayBuffer(4));
    expect(claimForHelper(claimed)).toBe(true);
    expect(await thread.analyze(articles.slice(0, 5), claimed)).toBeNull();
    expect(await thread.analyze(articles.slice(0, 5), free)).toEqual(articles.slice(0, 5).map(indexedText));
  });
});

describe('startAnalysis', () => {
  it('gives the same texts in order whether this thread takes over every chunk or the analysis thread does them all', async () => {
    const expected = articles.map(indexedText);
    // Asked at once: the analysis thread has started at most a chunk, this thread analyzes the rest.
    expect(await startAnalysis(articles).texts()).toEqual(expected);
    // Asked later: the analysis thread has done them all.
    const analysis = startAnalysis(articles);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(await analysis.texts()).toEqual(expected);
  });
});
