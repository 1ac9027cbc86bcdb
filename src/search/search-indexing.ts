import type { Kysely } from 'kysely';
import type { ArticleStatus } from '../db/schema.ts';
import { type IndexedText, searchIndexFor } from '../db/search-index.ts';
import { indexedText } from './index-text.ts';

export interface IndexableArticle {
  id: string;
  title: string;
  subtitle: string | null;
  paragraphs: string[];
  status: ArticleStatus;
  sectionId: string | null;
  publishedAt: string | null;
  /** The analyzed text when the caller has it already (see startAnalysis); analyzed here otherwise. */
  text?: IndexedText;
}

/**
 * Writes articles' analyzed text into the search index, or takes an article out when it is not published (the
 * index holds what readers may find, nothing else). Call it inside the transaction that saves the articles, so
 * the index never drifts from what readers see, and once for all the articles the transaction saves: that is
 * much faster on SQLite than one call per article.
 */
export async function indexArticles(db: Kysely<any>, articles: IndexableArticle[]): Promise<void> {
  // An article saved twice in one transaction is indexed as it was saved last.
  const latest = [...new Map(articles.map((article) => [article.id, article])).values()];
  const published = latest.filter((article) => article.status === 'published');
  for (const article of latest) if (article.status !== 'published') await unindexArticle(db, article.id);
  await searchIndexFor(db).upsert(published.map((article) => ({
    articleId: article.id,
    text: article.text ?? indexedText(article),
    placement: { sectionId: article.sectionId, publishedAt: article.publishedAt },
  })));
}

/** indexArticles for one article. */
export async function indexArticle(db: Kysely<any>, article: IndexableArticle): Promise<void> {
  await indexArticles(db, [article]);
}

/** Takes an article out of the index, in the caller's transaction. */
export async function unindexArticle(db: Kysely<any>, articleId: string): Promise<void> {
  await searchIndexFor(db).remove(articleId);
}
