import { createHash, randomUUID } from 'node:crypto';
import type { Kysely, Transaction } from 'kysely';
import { articleRepository } from '../articles/article.repository.ts';
import { markdownParagraphs, safeHref } from '../articles/markdown-body.tsx';
import { pageCacheRepository } from '../articles/page-cache.repository.ts';
import { slugify } from '../articles/slug.ts';
import type { ArticleRow, Database } from '../db/schema.ts';
import { editConflict, invalidFields, invalidInput, notFound } from '../lib/errors.ts';
import { timeOrderedId } from '../lib/ids.ts';
import { indexArticle, unindexArticle } from '../search/search-indexing.ts';
import { type EditableArticle, parseStoredContent, relatedSlug } from './article-content.ts';
import { type AuditEntry, newsroomRepository } from './newsroom.repository.ts';

/** Who is acting: a user of the newsroom, or the worker (id null). */
export interface Actor {
  id: string | null;
  name: string;
}

/** The worker publishing scheduled articles. */
export const WORKER_ACTOR: Actor = { id: null, name: 'الناشر الآلي' };

/**
 * Called inside the transaction that publishes an article marked as breaking news, e.g. to enqueue the "عاجل"
 * newsletter; a failure rolls the publication back, so the two never disagree.
 */
export type BreakingNewsHook = (trx: Transaction<Database>, articleId: string) => Promise<void>;

export interface EditingOptions {
  now?: Date;
  onBreakingPublished?: BreakingNewsHook;
  /** Called inside the transaction that schedules an article, to have the worker publish it at `at`. */
  onScheduled?: (trx: Transaction<Database>, articleId: string, at: Date) => Promise<void>;
}

export interface EditedArticle {
  id: string;
  slug: string;
  version: number;
}

/**
 * Creates a draft from what an editor wrote, with its first revision, in one transaction.
 */
export async function createArticle(db: Kysely<Database>, content: EditableArticle, actor: Actor, options: EditingOptions = {}): Promise<EditedArticle> {
  const now = (options.now ?? new Date()).toISOString();
  return db.transaction().execute(async (trx) => {
    const repo = articleRepository(trx);
    const relations = await resolveRelations(trx, content, null);
    const id = timeOrderedId();
    const slug = await uniqueSlug(trx, content.title);
    await repo.insertArticle({
      id,
      slug,
      ...articleColumns(content),
      language: 'ar',
      status: 'draft',
      published_at: null,
      created_at: now,
      updated_at: now,
    });
    await repo.insertRelations(id, relations.tagIds, relations.authorIds, relations.related);
    await writeRevision(trx, id, 1, content, null, actor, now);
    await audit(trx, actor, now, { action: 'article.create', subjectType: 'article', subjectId: id, summary: `أنشأ مسودة «${content.title}»` });
    if (actor.id) await newsroomRepository(trx).deleteAutosave('new', actor.id);
    return { id, slug, version: 1 };
  });
}

/**
 * Saves an editor's changes to an article they opened at `baseVersion`. If someone saved it since, nothing is
 * written and an EDIT_CONFLICT error carries the version they saved. A published article is re-indexed and its
 * pages invalidated in the same transaction, so readers never see a half-saved article.
 */
export async function saveArticle(
  db: Kysely<Database>,
  id: string,
  content: EditableArticle,
  baseVersion: number,
  actor: Actor,
  options: EditingOptions & { note?: string } = {},
): Promise<EditedArticle> {
  const now = (options.now ?? new Date()).toISOString();
  return db.transaction().execute(async (trx) => {
    const repo = newsroomRepository(trx);
    const article = await repo.findArticle(id);
    if (!article) throw notFound(`article ${id}`);
    if (article.version !== baseVersion) throw editConflict(`article ${id}`, article.version);
    const relations = await resolveRelations(trx, content, id);
    if (!(await repo.updateIfVersion(id, baseVersion, { ...articleColumns(content), updated_at: now }))) {
      // Another save committed between our read and our write.
      const current = await repo.findArticle(id);
      throw editConflict(`article ${id}`, current?.version ?? baseVersion + 1);
    }
    const version = baseVersion + 1;
    const articles = articleRepository(trx);
    await articles.clearRelations(id);
    await articles.insertRelations(id, relations.tagIds, relations.authorIds, relations.related);
    await writeRevision(trx, id, version, content, options.note ?? null, actor, now);
    if (article.status === 'published') await reindexAndInvalidate(trx, article, content);
    if (article.status === 'published' && content.breaking && !article.breaking) await options.onBreakingPublished?.(trx, id);
    await audit(trx, actor, now, {
      action: options.note ? 'article.restore' : 'article.update',
      subjectType: 'article',
      subjectId: id,
      summary: options.note ? `${options.note} في «${content.title}»` : `عدّل «${content.title}» (النسخة ${version})`,
    });
    if (actor.id) await repo.deleteAutosave(id, actor.id);
    return { id, slug: article.slug, version };
  });
}

/** Publishes an article now. Publishing a published article changes nothing. */
export async function publishArticle(db: Kysely<Database>, id: string, actor: Actor, options: EditingOptions = {}): Promise<void> {
  const now = options.now ?? new Date();
  await db.transaction().execute(async (trx) => {
    const article = await requireArticle(trx, id);
    if (article.status === 'published') return;
    await publishInTransaction(trx, article, now, actor, options.onBreakingPublished);
  });
}

/** Schedules an article for a future time; the worker publishes it then (publishDueArticles). */
export async function scheduleArticle(db: Kysely<Database>, id: string, at: Date, actor: Actor, options: EditingOptions = {}): Promise<void> {
  const now = options.now ?? new Date();
  if (at.getTime() <= now.getTime()) throw invalidFields({ publishAt: 'اختر وقتاً في المستقبل للنشر المجدول.' });
  await db.transaction().execute(async (trx) => {
    const article = await requireArticle(trx, id);
    if (article.status === 'published') await takeOffline(trx, id);
    await newsroomRepository(trx).setStatus(id, { status: 'scheduled', published_at: at.toISOString(), updated_at: now.toISOString() });
    await options.onScheduled?.(trx, id, at);
    await audit(trx, actor, now.toISOString(), {
      action: 'article.schedule',
      subjectType: 'article',
      subjectId: id,
      summary: `جدول نشر «${article.title}» في ${at.toISOString()}`,
    });
  });
}

/** Takes an article off the site (back to draft): out of lists, search and feeds. */
export async function unpublishArticle(db: Kysely<Database>, id: string, actor: Actor, options: EditingOptions = {}): Promise<void> {
  const now = (options.now ?? new Date()).toISOString();
  await db.transaction().execute(async (trx) => {
    const article = await requireArticle(trx, id);
    if (article.status === 'draft') return;
    if (article.status === 'published') await takeOffline(trx, id);
    // A scheduled article keeps no time once it is a draft again; a published one keeps its original date.
    const publishedAt = article.status === 'published' ? article.published_at : null;
    await newsroomRepository(trx).setStatus(id, { status: 'draft', published_at: publishedAt, updated_at: now });
    const verb = article.status === 'published' ? 'أوقف نشر' : 'ألغى جدولة';
    await audit(trx, actor, now, { action: 'article.unpublish', subjectType: 'article', subjectId: id, summary: `${verb} «${article.title}»` });
  });
}

/**
 * Publishes every scheduled article whose time has come, each in its own transaction; returns their ids.
 * Idempotent: an article already published (by another worker, or by hand) is left alone.
 */
export async function publishDueArticles(db: Kysely<Database>, options: EditingOptions = {}): Promise<string[]> {
  const now = options.now ?? new Date();
  const due = await newsroomRepository(db).dueScheduled(now.toISOString());
  const published: string[] = [];
  for (const { id } of due) {
    const done = await db.transaction().execute(async (trx) => {
      // Several workers may run this at once (one job per scheduling): only the one holding the row publishes.
      if (!(await newsroomRepository(trx).claimDueScheduled(id, now.toISOString()))) return false;
      const article = await newsroomRepository(trx).findArticle(id);
      if (!article || article.status !== 'scheduled' || (article.published_at ?? '') > now.toISOString()) return false;
      await publishInTransaction(trx, article, now, WORKER_ACTOR, options.onBreakingPublished, article.published_at!);
      return true;
    });
    if (done) published.push(id);
  }
  return published;
}

/** Saves an earlier revision's content as the newest version (nothing is lost: the replaced one stays a revision). */
export async function restoreRevision(
  db: Kysely<Database>,
  id: string,
  version: number,
  baseVersion: number,
  actor: Actor,
  options: EditingOptions = {},
): Promise<EditedArticle> {
  const revision = await newsroomRepository(db).findRevision(id, version);
  if (!revision) throw notFound(`revision ${version} of article ${id}`);
  return saveArticle(db, id, parseStoredContent(revision.content), baseVersion, actor, { ...options, note: `استعاد النسخة ${version}` });
}

/** The article as the editor's form shows it: its latest revision, or (imported, never edited) its stored text. */
export async function loadEditable(db: Kysely<Database>, id: string): Promise<{ article: ArticleRow; content: EditableArticle }> {
  const repo = newsroomRepository(db);
  const article = await repo.findArticle(id);
  if (!article) throw notFound(`article ${id}`);
  const revision = await repo.findRevision(id, article.version);
  if (revision) return { article, content: parseStoredContent(revision.content) };
  const relations = await articleRepository(db).relationsOf(id);
  return {
    article,
    content: {
      title: article.title,
      subtitle: article.subtitle,
      body: article.body_markdown ?? paragraphsAsMarkdown(JSON.parse(article.paragraphs) as string[]),
      sectionId: article.section_id,
      tags: relations.tags.map((tag) => tag.name),
      authors: relations.authors.map((author) => author.name),
      related: relations.relatedHeadlines.map((item) => (item.relatedSlug ? item.relatedSlug : `${item.headline} | ${item.url ?? ''}`.trim())),
      sourceName: article.source_name,
      sourceUrl: article.source_url,
      breaking: article.breaking === 1,
    },
  };
}

/** Keeps what an editor has typed so far (the form's autosave); replaced by the next autosave, dropped on save. */
export async function autosave(
  db: Kysely<Database>,
  articleKey: string,
  actor: Actor,
  content: Record<string, string>,
  baseVersion: number | null,
  now = new Date(),
): Promise<string> {
  const savedAt = now.toISOString();
  await newsroomRepository(db).saveAutosave({
    article_key: articleKey,
    actor_id: actorKey(actor),
    base_version: baseVersion,
    content: JSON.stringify(content),
    saved_at: savedAt,
  });
  return savedAt;
}

/** The editor's unsaved work on this article (or "new"), if any. */
export async function findAutosave(db: Kysely<Database>, articleKey: string, actor: Actor) {
  const row = await newsroomRepository(db).findAutosave(articleKey, actorKey(actor));
  return row ? { content: JSON.parse(row.content) as Record<string, string>, savedAt: row.saved_at, baseVersion: row.base_version } : null;
}

export async function discardAutosave(db: Kysely<Database>, articleKey: string, actor: Actor): Promise<void> {
  await newsroomRepository(db).deleteAutosave(articleKey, actorKey(actor));
}

/** Writes one audit entry in the caller's transaction. */
export async function audit(trx: Kysely<Database>, actor: Actor, createdAt: string, entry: Omit<AuditEntry, 'actorId' | 'actorName'>): Promise<void> {
  await newsroomRepository(trx).insertAudit({ ...entry, id: randomUUID(), actorId: actor.id, actorName: actor.name, createdAt });
}

async function publishInTransaction(
  trx: Transaction<Database>,
  article: ArticleRow,
  now: Date,
  actor: Actor,
  onBreaking: BreakingNewsHook | undefined,
  publishedAt = now.toISOString(),
): Promise<void> {
  await newsroomRepository(trx).setStatus(article.id, { status: 'published', published_at: publishedAt, updated_at: now.toISOString() });
  await indexArticle(trx, {
    id: article.id,
    title: article.title,
    subtitle: article.subtitle,
    paragraphs: JSON.parse(article.paragraphs) as string[],
    status: 'published',
    sectionId: article.section_id,
    publishedAt,
  });
  await pageCacheRepository(trx).bumpGeneration();
  if (article.breaking) await onBreaking?.(trx, article.id);
  await audit(trx, actor, now.toISOString(), {
    action: 'article.publish',
    subjectType: 'article',
    subjectId: article.id,
    summary: `نشر «${article.title}»${article.breaking ? ' (عاجل)' : ''}`,
  });
}

async function takeOffline(trx: Kysely<Database>, id: string): Promise<void> {
  await unindexArticle(trx, id);
  await pageCacheRepository(trx).bumpGeneration();
}

async function reindexAndInvalidate(trx: Kysely<Database>, article: ArticleRow, content: EditableArticle): Promise<void> {
  await indexArticle(trx, {
    id: article.id,
    title: content.title,
    subtitle: content.subtitle,
    paragraphs: markdownParagraphs(content.body),
    status: article.status,
    sectionId: content.sectionId,
    publishedAt: article.published_at,
  });
  await pageCacheRepository(trx).bumpGeneration();
}

async function requireArticle(trx: Kysely<Database>, id: string): Promise<ArticleRow> {
  const article = await newsroomRepository(trx).findArticle(id);
  if (!article) throw notFound(`article ${id}`);
  return article;
}

/** The article's columns that follow from what the editor wrote. */
function articleColumns(content: EditableArticle) {
  const paragraphs = markdownParagraphs(content.body);
  if (paragraphs.length === 0) throw invalidFields({ body: 'اكتب نص المقال.' });
  return {
    title: content.title,
    subtitle: content.subtitle,
    paragraphs: JSON.stringify(paragraphs),
    body_markdown: content.body,
    section_id: content.sectionId,
    source_name: content.sourceName,
    source_url: content.sourceUrl,
    breaking: content.breaking ? 1 : 0,
    content_hash: createHash('sha256').update(JSON.stringify(content)).digest('hex'),
  };
}

/** Section, tags, authors and related headlines, checked: an unknown section or related article is a field error. */
async function resolveRelations(trx: Kysely<Database>, content: EditableArticle, articleId: string | null) {
  const repo = newsroomRepository(trx);
  if (content.sectionId && !(await repo.sectionExists(content.sectionId))) {
    throw invalidFields({ sectionId: 'القسم المختار لم يعد موجوداً؛ اختر قسماً آخر.' });
  }
  if (content.sourceUrl) {
    const other = await articleRepository(trx).findBySourceUrl(content.sourceUrl);
    if (other && other.id !== articleId) throw invalidFields({ sourceUrl: `هذا الرابط مصدر مقال آخر: «${other.title}».` });
  }
  const ours = content.related.filter((line) => !line.includes('|')).map(relatedSlug);
  const found = new Map((await repo.findBySlugs(ours)).map((row) => [row.slug, row]));
  const related: { id: string; headline: string; url: string | null; relatedArticleId: string | null }[] = [];
  for (const line of content.related) {
    if (line.includes('|')) {
      const [headline = '', url = ''] = line.split('|').map((part) => part.trim());
      if (!headline) throw invalidFields({ related: `اكتب العنوان قبل «|» في السطر «${line}».` });
      if (url && !(/^https?:\/\//i.test(url) && safeHref(url))) throw invalidFields({ related: `الرابط في السطر «${line}» ليس رابط ويب كاملاً.` });
      related.push({ id: randomUUID(), headline, url: url || null, relatedArticleId: null });
      continue;
    }
    const target = found.get(relatedSlug(line));
    if (!target) throw invalidFields({ related: `لا يوجد عندنا مقال بالرابط «${line}».` });
    if (target.id === articleId) throw invalidFields({ related: 'لا يكون المقال ذا صلة بنفسه.' });
    related.push({ id: randomUUID(), headline: target.title, url: null, relatedArticleId: target.id });
  }
  const articles = articleRepository(trx);
  const named = (names: string[]) => names.map((name) => ({ id: randomUUID(), slug: slugify(name), name }));
  return {
    tagIds: await articles.ensureNamed('tags', named(content.tags)),
    authorIds: await articles.ensureNamed('authors', named(content.authors)),
    related,
  };
}

async function writeRevision(trx: Kysely<Database>, articleId: string, version: number, content: EditableArticle, note: string | null, actor: Actor, now: string) {
  await newsroomRepository(trx).insertRevision({
    id: randomUUID(),
    article_id: articleId,
    version,
    content: JSON.stringify(content),
    note,
    actor_id: actor.id,
    actor_name: actor.name,
    created_at: now,
  });
}

async function uniqueSlug(trx: Kysely<Database>, title: string): Promise<string> {
  const repo = articleRepository(trx);
  const base = slugify(title);
  let candidate = base;
  for (let n = 2; await repo.slugTaken(candidate); n++) candidate = `${base}-${n}`;
  return candidate;
}

/** Imported paragraphs as Markdown that renders back to the same paragraphs (line-start markers escaped). */
export function paragraphsAsMarkdown(paragraphs: string[]): string {
  return paragraphs
    .map((paragraph) => paragraph.replace(/^(\s*)([#>*+-])/, '$1\\$2').replace(/^(\s*\d+)([.)])/, '$1\\$2'))
    .join('\n\n');
}

/** Autosaves belong to a user; the worker never autosaves. */
function actorKey(actor: Actor): string {
  if (!actor.id) throw invalidInput('autosave needs a signed-in user');
  return actor.id;
}
