import { createHash, randomUUID } from 'node:crypto';
import type { Kysely, Transaction } from 'kysely';
import { withBulkWriteSettings } from '../db/bulk-write.ts';
import type { ArticleRow, ArticleStatus, Database } from '../db/schema.ts';
import type { ParsedArticle } from '../ingest/parsed-article.ts';
import { invalidInput, notFound } from '../lib/errors.ts';
import { timeOrderedId } from '../lib/ids.ts';
import { type Analysis, startAnalysis } from '../search/index-text.ts';
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
    const [result] = await storeArticles(trx, [article], now.toISOString(), newStatus, startAnalysis([article]));
    // Any cached page may show this article (lists, related headlines, section navigation).
    if (result!.outcome !== 'unchanged') await pageCacheRepository(trx).bumpGeneration();
    return result!;
  });
}

/** How many articles a bulk import writes per transaction: enough to amortise the commit, small enough to retry. */
export const BULK_TRANSACTION_SIZE = 200;

/**
 * How many articles an importer hands saveImportedArticles at once: several transactions' worth, so that each
 * group's text is analyzed on the analysis thread while the group before it is written.
 */
export const IMPORT_BATCH_SIZE = BULK_TRANSACTION_SIZE * 5;

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
  const groups: number[][] = [];
  for (let start = 0; start < valid.length; start += BULK_TRANSACTION_SIZE) groups.push(valid.slice(start, start + BULK_TRANSACTION_SIZE));
  // Every group's analysis starts at once: the analysis thread works through them in order while the groups before
  // are written, and each group's writer analyzes what the thread has not reached by the time it needs the texts.
  const analyses = groups.map((group) => startAnalysis(group.map((index) => articles[index]!)));
  // Checkpoints are spaced out for the whole batch (see withBulkWriteSettings).
  await withBulkWriteSettings(db, async () => {
    for (const [position, group] of groups.entries()) {
      const texts = analyses[position]!;
      try {
        const saved = await db.transaction().execute(async (trx) => {
          const groupResults = await storeArticles(trx, group.map((index) => articles[index]!), now.toISOString(), 'published', texts);
          if (groupResults.some((result) => result.outcome !== 'unchanged')) await pageCacheRepository(trx).bumpGeneration();
          return groupResults;
        });
        group.forEach((index, position) => (results[index] = saved[position]!));
      } catch {
        for (const index of group) results[index] = await saveImportedArticle(db, articles[index]!, now).catch(asError);
      }
    }
  });
  return results;
}

/** What the articles of one transaction need to know of an article already stored (or stored earlier in it). */
type KnownArticle = Pick<ArticleRow, 'id' | 'slug' | 'title' | 'content_hash' | 'published_at' | 'status' | 'version' | 'source_url'>;

/**
 * Writes articles, their relations and their search entries with the caller's transaction, in order, as if one
 * at a time. What they look up (articles already stored, slugs, tags and authors) is read once for the whole
 * group and kept current as the group is written, so a new article costs its own inserts and little else.
 */
async function storeArticles(
  trx: Transaction<Database>,
  articles: ParsedArticle[],
  timestamp: string,
  newStatus: ArticleStatus,
  /** The articles' index text, in their order; asked for only once their rows are written. */
  analysis: Analysis,
): Promise<SaveResult[]> {
  const repo = articleRepository(trx);
  const hashes = articles.map(contentHash);
  const known = await repo.findBySourceUrlsOrHashes(
    articles.flatMap((article) => (article.sourceUrl ? [article.sourceUrl] : [])),
    articles.flatMap((article, position) => (article.sourceUrl ? [] : [hashes[position]!])),
  );
  const bySourceUrl = new Map<string, KnownArticle>();
  const byHash = new Map<string, KnownArticle>();
  const remember = (row: KnownArticle) => {
    if (row.source_url) bySourceUrl.set(row.source_url, row);
    byHash.set(row.content_hash, row);
  };
  known.forEach(remember);
  const titleSlugs = articles.map((article) => slugify(article.title));
  const slugs = await slugChooser(repo, titleSlugs);
  const names = await namedRows(repo, articles);
  const sectionIds = new Map<string, string>();
  const toIndex: (IndexableArticle & { position: number })[] = [];
  const results: SaveResult[] = [];

  for (const [position, article] of articles.entries()) {
    const hash = hashes[position]!;
    const existing = article.sourceUrl ? bySourceUrl.get(article.sourceUrl) : byHash.get(hash);
    if (existing && existing.content_hash === hash) {
      results.push({ outcome: 'unchanged', slug: existing.slug, title: existing.title });
      continue;
    }
    let sectionId: string | null = null;
    if (article.sectionName) {
      sectionId = sectionIds.get(article.sectionName) ?? (await ensureSection(repo, article.sectionName));
      sectionIds.set(article.sectionName, sectionId);
    }
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
    let stored: KnownArticle;
    if (existing) {
      stored = {
        ...existing,
        ...fields,
        published_at: article.publishedAt ?? existing.published_at ?? timestamp,
        // The imported text replaces any body written in the newsroom, and moves the version on so an editor's
        // open form cannot silently overwrite it.
        version: existing.version + 1,
      };
      await repo.updateArticle(stored.id, { ...fields, published_at: stored.published_at, body_markdown: null, version: stored.version });
      await repo.clearRelations(stored.id);
    } else {
      stored = {
        id: timeOrderedId(),
        slug: await slugs.choose(titleSlugs[position]!),
        title: article.title,
        content_hash: hash,
        published_at: article.publishedAt ?? timestamp,
        status: newStatus,
        version: 1,
        source_url: article.sourceUrl,
      };
      await repo.insertArticle({ ...fields, id: stored.id, slug: stored.slug, status: stored.status, published_at: stored.published_at, created_at: timestamp });
    }
    remember(stored);
    await storeRelations(repo, stored.id, article, names);
    toIndex.push({
      position,
      id: stored.id,
      title: article.title,
      subtitle: article.subtitle,
      paragraphs: article.paragraphs,
      status: stored.status,
      sectionId,
      publishedAt: stored.published_at,
    });
    results.push({ outcome: existing ? 'updated' : 'created', slug: stored.slug, title: article.title });
  }
  const texts = await analysis.texts();
  await indexArticles(trx, toIndex.map(({ position, ...article }) => ({ ...article, text: texts[position] })));
  return results;
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

/** Tag and author names as rows to find or create, slugged the same way everywhere. */
function namedEntries(names: string[]) {
  return names.filter((name) => name.trim()).map((name) => ({ id: randomUUID(), slug: slugify(name), name: name.trim() }));
}

/** Ids of the tags and authors the articles name, read at once for those that exist, created on first use. */
async function namedRows(repo: ArticleRepository, articles: ParsedArticle[]) {
  const known = {
    tags: await repo.findNamedIds('tags', [...new Set(articles.flatMap((article) => namedEntries(article.tags).map((entry) => entry.slug)))]),
    authors: await repo.findNamedIds('authors', [...new Set(articles.flatMap((article) => namedEntries(article.authors).map((entry) => entry.slug)))]),
  };
  return {
    async ids(table: 'tags' | 'authors', names: string[]): Promise<string[]> {
      const ids: string[] = [];
      for (const entry of namedEntries(names)) {
        let id = known[table].get(entry.slug);
        if (!id) {
          [id] = await repo.ensureNamed(table, [entry]);
          known[table].set(entry.slug, id!);
        }
        ids.push(id!);
      }
      return ids;
    },
  };
}

async function storeRelations(
  repo: ArticleRepository,
  articleId: string,
  article: ParsedArticle,
  names: Awaited<ReturnType<typeof namedRows>>,
): Promise<void> {
  const tagIds = await names.ids('tags', article.tags);
  const authorIds = await names.ids('authors', article.authors);
  const related = [];
  for (const item of article.relatedHeadlines) {
    related.push({
      id: timeOrderedId(),
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

/**
 * Chooses each new article's slug: the title's slug, or the slug with "-2", "-3"… when another article already
 * has it. A slug never changes later. Which title slugs are taken is read at once for the group.
 */
async function slugChooser(repo: ArticleRepository, titleSlugs: string[]) {
  const taken = await repo.takenSlugs([...new Set(titleSlugs)]);
  return {
    async choose(base: string): Promise<string> {
      let candidate = base;
      for (let n = 2; taken.has(candidate) || (candidate !== base && (await repo.slugTaken(candidate))); n++) candidate = `${base}-${n}`;
      taken.add(candidate);
      return candidate;
    },
  };
}
