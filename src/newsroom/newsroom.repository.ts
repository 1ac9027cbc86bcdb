import { type Kysely, sql, type Transaction } from 'kysely';
import type { ArticleStatus, Database, NewArticleRow } from '../db/schema.ts';

type Executor = Kysely<Database> | Transaction<Database>;

export interface AuditEntry {
  actorId: string | null;
  actorName: string;
  action: string;
  subjectType: string;
  subjectId: string | null;
  summary: string;
}

/** All SQL for editing articles: versioned updates, revisions, autosaves, the audit log and the admin's lists. */
export function newsroomRepository(db: Executor) {
  return {
    findArticle: (id: string) => db.selectFrom('articles').selectAll().where('id', '=', id).executeTakeFirst(),

    /** Updates the article only if it is still at `baseVersion`, and moves it to the next version; false if not. */
    async updateIfVersion(id: string, baseVersion: number, changes: Partial<NewArticleRow>): Promise<boolean> {
      const result = await db
        .updateTable('articles')
        .set({ ...changes, version: baseVersion + 1 })
        .where('id', '=', id)
        .where('version', '=', baseVersion)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    },

    setStatus: (id: string, changes: { status: ArticleStatus; published_at: string | null; updated_at: string }) =>
      db.updateTable('articles').set(changes).where('id', '=', id).execute(),

    /**
     * Takes the row of a scheduled article that is due, for the rest of the transaction: an UPDATE that matches
     * only while it is still scheduled. A concurrent worker's claim waits for this transaction, then matches
     * nothing (PostgreSQL re-checks the row; SQLite runs one writer at a time). True when this caller has it.
     */
    claimDueScheduled: async (id: string, nowIso: string) => {
      const result = await db
        .updateTable('articles')
        .set({ status: 'scheduled' })
        .where('id', '=', id)
        .where('status', '=', 'scheduled')
        .where('published_at', '<=', nowIso)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    },

    /** Scheduled articles whose time has come, oldest first. */
    dueScheduled: (nowIso: string) =>
      db
        .selectFrom('articles')
        .select('id')
        .where('status', '=', 'scheduled')
        .where('published_at', '<=', nowIso)
        .orderBy('published_at')
        .execute(),

    /** Articles for the newsroom's list: newest change first, by status and a title fragment. */
    listArticles(options: { status?: ArticleStatus; titleContains?: string; limit: number; offset: number }) {
      let query = db
        .selectFrom('articles')
        .leftJoin('sections', 'sections.id', 'articles.section_id')
        .select([
          'articles.id',
          'articles.slug',
          'articles.title',
          'articles.status',
          'articles.breaking',
          'articles.published_at',
          'articles.updated_at',
          'articles.version',
          'sections.name as section_name',
        ]);
      if (options.status) query = query.where('articles.status', '=', options.status);
      if (options.titleContains) {
        // The same ESCAPE clause works on both engines; without it SQLite would take \ literally.
        query = query.where(sql<boolean>`articles.title like ${`%${escapeLike(options.titleContains)}%`} escape '\\'`);
      }
      return query.orderBy('articles.updated_at', 'desc').orderBy('articles.id').limit(options.limit).offset(options.offset).execute();
    },

    async countByStatus(): Promise<Record<ArticleStatus, number>> {
      const rows = await db
        .selectFrom('articles')
        .select(['status', (eb) => eb.fn.countAll<string | number>().as('n')])
        .groupBy('status')
        .execute();
      const counts: Record<ArticleStatus, number> = { draft: 0, scheduled: 0, published: 0 };
      for (const row of rows) counts[row.status] = Number(row.n);
      return counts;
    },

    /** Our articles with these slugs (related articles), in no particular order. */
    findBySlugs: (slugs: string[]) =>
      slugs.length === 0
        ? Promise.resolve([])
        : db.selectFrom('articles').select(['id', 'slug', 'title']).where('slug', 'in', slugs).execute(),

    sectionExists: async (id: string) =>
      (await db.selectFrom('sections').select('id').where('id', '=', id).executeTakeFirst()) !== undefined,

    insertRevision: (revision: {
      id: string;
      article_id: string;
      version: number;
      content: string;
      note: string | null;
      actor_id: string | null;
      actor_name: string;
      created_at: string;
    }) => db.insertInto('article_revisions').values(revision).execute(),

    listRevisions: (articleId: string) =>
      db
        .selectFrom('article_revisions')
        .select(['version', 'note', 'actor_name', 'created_at'])
        .where('article_id', '=', articleId)
        .orderBy('version', 'desc')
        .execute(),

    findRevision: (articleId: string, version: number) =>
      db
        .selectFrom('article_revisions')
        .selectAll()
        .where('article_id', '=', articleId)
        .where('version', '=', version)
        .executeTakeFirst(),

    /** The revision just before this version (revisions need not be consecutive: restores and imports skip none, but be safe). */
    findPreviousRevision: (articleId: string, version: number) =>
      db
        .selectFrom('article_revisions')
        .selectAll()
        .where('article_id', '=', articleId)
        .where('version', '<', version)
        .orderBy('version', 'desc')
        .limit(1)
        .executeTakeFirst(),

    saveAutosave: (row: { article_key: string; actor_id: string; base_version: number | null; content: string; saved_at: string }) =>
      db
        .insertInto('article_autosaves')
        .values(row)
        .onConflict((oc) =>
          oc.columns(['article_key', 'actor_id']).doUpdateSet({ base_version: row.base_version, content: row.content, saved_at: row.saved_at }),
        )
        .execute(),

    findAutosave: (articleKey: string, actorId: string) =>
      db
        .selectFrom('article_autosaves')
        .selectAll()
        .where('article_key', '=', articleKey)
        .where('actor_id', '=', actorId)
        .executeTakeFirst(),

    deleteAutosave: (articleKey: string, actorId: string) =>
      db.deleteFrom('article_autosaves').where('article_key', '=', articleKey).where('actor_id', '=', actorId).execute(),

    insertAudit: (entry: AuditEntry & { id: string; createdAt: string }) =>
      db
        .insertInto('audit_log')
        .values({
          id: entry.id,
          actor_id: entry.actorId,
          actor_name: entry.actorName,
          action: entry.action,
          subject_type: entry.subjectType,
          subject_id: entry.subjectId,
          summary: entry.summary,
          created_at: entry.createdAt,
        })
        .execute(),

    listAudit: (options: { limit: number; offset: number; subjectId?: string }) => {
      let query = db.selectFrom('audit_log').selectAll();
      if (options.subjectId) query = query.where('subject_id', '=', options.subjectId);
      return query.orderBy('created_at', 'desc').orderBy('id').limit(options.limit).offset(options.offset).execute();
    },
  };
}

/** `%` and `_` typed by an editor are literal characters, not wildcards. */
function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

export type NewsroomRepository = ReturnType<typeof newsroomRepository>;
