import type { ParsedArticle } from '../src/ingest/parsed-article.ts';
import { emptyArticle } from '../src/ingest/parsed-article.ts';

let counter = 0;

/** A valid article with our own short Arabic text; override what a test cares about. */
export function buildArticle(overrides: Partial<ParsedArticle> = {}): ParsedArticle {
  counter++;
  return {
    ...emptyArticle(),
    title: `افتتاح مكتبة عامة جديدة في المدينة رقم ${counter}`,
    paragraphs: [
      'افتتحت البلدية صباح اليوم مكتبة عامة جديدة تضم آلاف الكتب وقاعات للقراءة والدراسة.',
      'وقال مدير المكتبة إن الأبواب ستبقى مفتوحة حتى المساء طوال أيام الأسبوع.',
    ],
    sectionName: 'ثقافة',
    authors: ['سلمى حداد'],
    tags: ['مكتبات'],
    publishedAt: '2026-11-20T08:00:00.000Z',
    ...overrides,
  };
}
