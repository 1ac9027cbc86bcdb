import { diffArrays } from 'diff';
import type { ArticleField, EditableArticle } from './article-content.ts';

export interface DiffPart {
  kind: 'same' | 'added' | 'removed';
  text: string;
}

export interface FieldDiff {
  field: ArticleField;
  label: string;
  parts: DiffPart[];
}

/** Field names as the newsroom shows them, in the form's order. */
export const FIELD_LABELS: Record<ArticleField, string> = {
  title: 'العنوان',
  subtitle: 'العنوان الفرعي',
  body: 'النص',
  sectionId: 'القسم',
  tags: 'الوسوم',
  authors: 'الكتّاب',
  related: 'مقالات ذات صلة',
  sourceName: 'اسم المصدر',
  sourceUrl: 'رابط المصدر',
  breaking: 'عاجل',
};

/**
 * What changed between two versions of an article, word by word, field by field; unchanged fields are left out.
 * Words are compared as written (with their tashkeel), since a changed vowel mark is a change an editor made.
 */
export function diffArticles(before: EditableArticle, after: EditableArticle, sectionName: (id: string | null) => string): FieldDiff[] {
  const asText = (article: EditableArticle): Record<ArticleField, string> => ({
    title: article.title,
    subtitle: article.subtitle ?? '',
    body: article.body,
    sectionId: sectionName(article.sectionId),
    tags: article.tags.join('، '),
    authors: article.authors.join('، '),
    related: article.related.join('\n'),
    sourceName: article.sourceName ?? '',
    sourceUrl: article.sourceUrl ?? '',
    breaking: article.breaking ? 'نعم' : 'لا',
  });
  const old = asText(before);
  const now = asText(after);
  const diffs: FieldDiff[] = [];
  for (const field of Object.keys(FIELD_LABELS) as ArticleField[]) {
    if (old[field] === now[field]) continue;
    const parts = diffArrays(words(old[field]), words(now[field])).map(
      (change): DiffPart => ({ kind: change.added ? 'added' : change.removed ? 'removed' : 'same', text: change.value.join('') }),
    );
    diffs.push({ field, label: FIELD_LABELS[field], parts });
  }
  return diffs;
}

/**
 * Words and the spaces between them. jsdiff's own word splitter knows Latin letters only and cuts Arabic words
 * into pieces; whitespace is where Arabic words end.
 */
function words(text: string): string[] {
  return text.split(/(\s+)/).filter(Boolean);
}
