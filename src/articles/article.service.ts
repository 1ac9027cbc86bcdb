import { createHash, randomUUID } from 'node:crypto';
import type { Kysely, Transaction } from 'kysely';
import type { ArticleStatus, Database } from '../db/schema.ts';
import type { ParsedArticle } from '../ingest/parsed-article.ts';
import { invalidInput, notFound } from '../lib/errors.ts';
import { type IndexableArticle, indexArticles, unindexArticle } from '../search/search-indexing.ts';
import { type ArticleRepository, articleRepository } from './article.repository.ts';
import { pageCacheRepository } from './page-cache.repository.ts';
import { slugify } from './slug.ts';

export type SaveOutcome = 'created' | 'updated' | 'unchanged';

export interface SaveResult {
  outcome: SaveOutcome;
  slug: string;
  title: string;
}

/** What identifies an article's content: the same text imported twice has the same hash. */
export function contentHash(article: ParsedArticle): string {
  const identity = JSON.stringify([
    article.title,
    article.subtitle,
    article.paragraphs,
    article.relatedHeadlines,
    article.sectionName,
    article.tags,
    article.authors,
    article.publishedAt,
  ]);
  return createHash('sha256').update(identity).digest('hex');
}

/**
 * Stores an imported article in one transaction. Idempotent: an article already stored with the same canonical
 * URL or the same content changes nothing; a known URL with new content is updated in place and keeps its slug.
 */
export async function saveImportedArticle(
  db: Kysely<Database>,
  article: ParsedArticle,
  now = new Date(),
  /** Status of an article this import creates; an article already stored keeps its own. */
  newStatus: ArticleStatus = 'published',
): Promise<SaveResult> {
  validate(article);
  return db.transaction().execute(async (trx) => {
    const toIndex: IndexableArticle[] = [];
    const result = await storeArticle(trx, article, now.toISOString(), toIndex, newStatus);
    await indexArticles(trx, toIndex);
    // Any cached page may show this article (lists, related headlines, section navigation).
    if (result.outcome !== 'unchanged') await pageCacheRepository(trx).bumpGeneration();
    return result;
  });
}

/** How many articles a bulk import writes per transaction: enough to amortise the commit, small enough to retry. */
export const BULK_TRANSACTION_SIZE = 200;

/**
 * Stores many imported articles with the guarantees of saveImportedArticle, faster: the valid articles are written
 * BULK_TRANSACTION_SIZE at a time in one transaction, so a commit (and the full-text index flush) is paid once per
 * group instead of once per article. Should anything in a group fail, the group is rolled back and its articles
 * are saved again one transaction each, so every good article lands, the bad one reports its own error, and no
 * article is ever half-written. Returns one result or error per article, in order.
 */
export async function saveImportedArticles(
  db: Kysely<Database>,
  articles: ParsedArticle[],
  now = new Date(),
): Promise<(SaveResult | Error)[]> {
  const results = new Array<SaveResult | Error>(articles.length);
  const valid: number[] = [];
  articles.forEach((article, index) => {
    try {
      validate(article);
      valid.push(index);
    } catch (error) {
      results[index] = asError(error);
    }
  });
  for (let start = 0; start < valid.length; start += BULK_TRANSACTION_SIZE) {
    const group = valid.slice(start, start + BULK_TRANSACTION_SIZE);
    try {
      const saved = await db.transaction().execute(async (trx) => {
        const groupResults: SaveResult[] = [];
        const toIndex: IndexableArticle[] = [];
        for (const index of group) groupResults.push(await storeArticle(trx, articles[index]!, now.toISOString(), toIndex));
        await indexArticles(trx, toIndex);
        if (groupResults.some((result) => result.outcome !== 'unchanged')) await pageCacheRepository(trx).bumpGeneration();
        return groupResults;
      });
      group.forEach((index, position) => (results[index] = saved[position]!));
    } catch {
      for (const index of group) results[index] = await saveImportedArticle(db, articles[index]!, now).catch(asError);
    }
  }
  return results;
}

/**
 * Writes one article and its relations with the caller's transaction, and adds what its search entry needs to
 * `toIndex`, for the caller to index with the rest of the transaction's articles.
 */
async function storeArticle(
  trx: Transaction<Database>,
  article: ParsedArticle,
  timestamp: string,
  toIndex: IndexableArticle[],
  newStatus: ArticleStatus = 'published',
): Promise<SaveResult> {
  const hash = contentHash(article);
  const repo = articleRepository(trx);
  const existing = article.sourceUrl ? await repo.findBySourceUrl(article.sourceUrl) : await repo.findByContentHash(hash);
  if (existing && existing.content_hash === hash) return { outcome: 'unchanged', slug: existing.slug, title: existing.title };

  const sectionId = article.sectionName ? await ensureSection(repo, article.sectionName) : null;
  const fields = {
    title: article.title,
    subtitle: article.subtitle,
    paragraphs: JSON.stringify(article.paragraphs),
    section_id: sectionId,
    language: article.language,
    source_name: article.sourceName,
    source_url: article.sourceUrl,
    content_hash: hash,
    updated_at: timestamp,
  };
  let articleId: string;
  let slug: string;
  let publishedAt: string;
  let status: ArticleStatus;
  if (existing) {
    articleId = existing.id;
    slug = existing.slug;
    publishedAt = article.publishedAt ?? existing.published_at ?? timestamp;
    status = existing.status;
    // The imported text replaces any body written in the newsroom, and moves the version on so an editor's open
    // form cannot silently overwrite it.
    await repo.updateArticle(articleId, { ...fields, published_at: publishedAt, body_markdown: null, version: existing.version + 1 });
    await repo.clearRelations(articleId);
  } else {
    articleId = randomUUID();
    slug = await uniqueSlug(repo, article.title);
    publishedAt = article.publishedAt ?? timestamp;
    status = newStatus;
    await repo.insertArticle({ ...fields, id: articleId, slug, status, published_at: publishedAt, created_at: timestamp });
  }
  await storeRelations(repo, articleId, article);
  toIndex.push({
    id: articleId,
    title: article.title,
    subtitle: article.subtitle,
    paragraphs: article.paragraphs,
    status,
    sectionId,
    publishedAt,
  });
  return { outcome: existing ? 'updated' : 'created', slug, title: article.title };
}

function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}

/** Deletes an article, its relations and its search entry in one transaction. */
export async function deleteArticle(db: Kysely<Database>, slug: string): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const repo = articleRepository(trx);
    const article = await repo.findBySlug(slug);
    if (!article) throw notFound(`article "${slug}"`);
    await unindexArticle(trx, article.id);
    await repo.deleteArticle(article.id);
    await pageCacheRepository(trx).bumpGeneration();
  });
}

function validate(article: ParsedArticle): void {
  if (!article.title.trim()) throw invalidInput('article has no title');
  if (article.paragraphs.length === 0) throw invalidInput(`article "${article.title}" has no body paragraphs`);
}

async function storeRelations(repo: ArticleRepository, articleId: string, article: ParsedArticle): Promise<void> {
  const named = (names: string[]) =>
    names.filter((name) => name.trim()).map((name) => ({ id: randomUUID(), slug: slugify(name), name: name.trim() }));
  const tagIds = await repo.ensureNamed('tags', named(article.tags));
  const authorIds = await repo.ensureNamed('authors', named(article.authors));
  const related = [];
  for (const item of article.relatedHeadlines) {
    related.push({
      id: randomUUID(),
      headline: item.headline,
      url: item.url,
      relatedArticleId: await repo.findPublishedIdByTitle(item.headline),
    });
  }
  await repo.insertRelations(articleId, tagIds, authorIds, related);
}

async function ensureSection(repo: ArticleRepository, name: string): Promise<string> {
  const existing = await repo.findSectionByName(name);
  if (existing) return existing.id;
  const section = { id: randomUUID(), slug: slugify(name), name, position: await repo.sectionCount() };
  await repo.insertSection(section);
  return section.id;
}

/** The title's slug, or the slug with "-2", "-3"… when another article already has it. Never changes later. */
async function uniqueSlug(repo: ArticleRepository, title: string): Promise<string> {
  const base = slugify(title);
  let candidate = base;
  for (let n = 2; await repo.slugTaken(candidate); n++) candidate = `${base}-${n}`;
  return candidate;
}
