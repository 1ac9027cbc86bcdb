import type { Kysely } from 'kysely';
import { analyzeForms } from '../arabic/analyzer.ts';
import type { ArticleStatus } from '../db/schema.ts';
import { searchIndexFor } from '../db/search-index.ts';

export interface IndexableArticle {
  id: string;
  title: string;
  subtitle: string | null;
  paragraphs: string[];
  status: ArticleStatus;
  sectionId: string | null;
  publishedAt: string | null;
}

/**
 * Writes an article's analyzed text into the search index, or takes it out when it is not published (the index
 * holds what readers may find, nothing else). Call it inside the transaction that saves the article, so the
 * index never drifts from what readers see.
 */
export async function indexArticle(db: Kysely<any>, article: IndexableArticle): Promise<void> {
  if (article.status !== 'published') return unindexArticle(db, article.id);
  const title = analyzeForms(article.title);
  const body = analyzeForms([article.subtitle ?? '', ...article.paragraphs].join('\n'));
  await searchIndexFor(db).upsert(article.id, {
    titleExact: title.exact,
    titleStem: title.stem,
    bodyExact: body.exact,
    bodyStem: body.stem,
  }, { sectionId: article.sectionId, publishedAt: article.publishedAt });
}

/** Takes an article out of the index, in the caller's transaction. */
export async function unindexArticle(db: Kysely<any>, articleId: string): Promise<void> {
  await searchIndexFor(db).remove(articleId);
}
