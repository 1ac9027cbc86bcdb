import { z } from 'zod';

/**
 * What an editor writes: everything in the article form. A revision stores one of these as JSON, an autosave
 * stores what was typed so far, and the diff between two revisions compares two of these.
 */
export interface EditableArticle {
  title: string;
  subtitle: string | null;
  /** Markdown. */
  body: string;
  sectionId: string | null;
  tags: string[];
  authors: string[];
  /**
   * Related headlines, one per line: our own article (its slug or address), or "headline | https://…" for another
   * site's (the address may be left empty).
   */
  related: string[];
  sourceName: string | null;
  sourceUrl: string | null;
  breaking: boolean;
}

export type ArticleField = keyof EditableArticle;

const optionalText = (max: number, message: string) =>
  z
    .string()
    .trim()
    .max(max, message)
    .transform((value) => value || null);

/** Names separated by Arabic or Latin commas, whitespace-collapsed, without repeats. */
const nameList = (what: string) =>
  z
    .string()
    .transform((value) => [...new Set(value.split(/[,،\n]/).map((name) => name.replace(/\s+/g, ' ').trim()).filter(Boolean))])
    .refine((names) => names.length <= 30, `لا تضف أكثر من ثلاثين ${what}.`)
    .refine((names) => names.every((name) => name.length <= 100), `اجعل كل اسم في ${what} أقصر من مئة حرف.`);

/** The slug an editor's "related article" line names: a slug, an /article/ path or a full article address. */
export function relatedSlug(line: string): string {
  const value = line.trim();
  const match = /\/article\/([^/?#]+)/.exec(value);
  const slug = match ? match[1]! : value;
  try {
    return decodeURIComponent(slug);
  } catch {
    return slug;
  }
}

/** The article form, as posted (every field a string, checkboxes present only when ticked). */
export const articleFormSchema = z.object({
  title: z.string().trim().min(1, 'اكتب عنوان المقال.').max(300, 'اجعل العنوان أقصر من ٣٠٠ حرف.'),
  subtitle: optionalText(500, 'اجعل العنوان الفرعي أقصر من ٥٠٠ حرف.'),
  body: z
    .string()
    .transform((value) => value.replace(/\r\n?/g, '\n').trim())
    .pipe(z.string().min(1, 'اكتب نص المقال.').max(200_000, 'النص أطول من مئتي ألف حرف؛ قسّمه إلى أكثر من مقال.')),
  sectionId: z.string().transform((value) => value || null),
  tags: nameList('وسماً'),
  authors: nameList('كاتباً'),
  related: z
    .string()
    .transform((value) => [...new Set(value.split('\n').map((line) => line.replace(/\s+/g, ' ').trim()).filter(Boolean))])
    .refine((slugs) => slugs.length <= 10, 'لا تضف أكثر من عشرة مقالات ذات صلة.'),
  sourceName: optionalText(200, 'اجعل اسم المصدر أقصر من ٢٠٠ حرف.'),
  sourceUrl: z
    .string()
    .trim()
    .refine((value) => value === '' || /^https?:\/\/[^\s]+$/i.test(value), 'اكتب رابط المصدر كاملاً يبدأ بـ https://')
    .transform((value) => value || null),
  breaking: z
    .string()
    .optional()
    .transform((value) => value === 'on' || value === '1' || value === 'true'),
});

export type ArticleForm = z.input<typeof articleFormSchema>;

/** Empty form values, for a new article. */
export function emptyForm(): Record<ArticleField, string> {
  return { title: '', subtitle: '', body: '', sectionId: '', tags: '', authors: '', related: '', sourceName: '', sourceUrl: '', breaking: '' };
}

/** An article as the form shows it. */
export function toForm(article: EditableArticle): Record<ArticleField, string> {
  return {
    title: article.title,
    subtitle: article.subtitle ?? '',
    body: article.body,
    sectionId: article.sectionId ?? '',
    tags: article.tags.join('، '),
    authors: article.authors.join('، '),
    related: article.related.join('\n'),
    sourceName: article.sourceName ?? '',
    sourceUrl: article.sourceUrl ?? '',
    breaking: article.breaking ? 'on' : '',
  };
}

/** The posted form's values as strings, keeping exactly what was typed (to show it again beside an error). */
export function formValues(body: Record<string, unknown>): Record<ArticleField, string> {
  const values = emptyForm();
  for (const key of Object.keys(values) as ArticleField[]) {
    const value = body[key];
    values[key] = typeof value === 'string' ? value : '';
  }
  return values;
}

export type ParsedForm = { ok: true; article: EditableArticle } | { ok: false; errors: Partial<Record<ArticleField, string>> };

/** Reads a posted article form; errors are Arabic sentences keyed by field. */
export function parseArticleForm(body: Record<string, unknown>): ParsedForm {
  const result = articleFormSchema.safeParse(formValues(body));
  if (result.success) return { ok: true, article: result.data };
  const errors: Partial<Record<ArticleField, string>> = {};
  for (const issue of result.error.issues) {
    const field = issue.path[0] as ArticleField;
    errors[field] ??= issue.message;
  }
  return { ok: false, errors };
}

/** Parses stored JSON (a revision's or an autosave's content). */
export function parseStoredContent(json: string): EditableArticle {
  return JSON.parse(json) as EditableArticle;
}
