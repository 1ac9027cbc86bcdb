import fastifyMultipart from '@fastify/multipart';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import { requireRole } from '../accounts/guards.ts';
import { roleAtLeast } from '../accounts/reader.ts';
import { articleRepository } from '../articles/article.repository.ts';
import { ArticlePage } from '../articles/articles.views.tsx';
import { markdownParagraphs } from '../articles/markdown-body.tsx';
import type { ArticleStatus, Database } from '../db/schema.ts';
import { enqueueScheduledPublication } from '../jobs/publish-scheduled.job.ts';
import { isSahifaError, notFound } from '../lib/errors.ts';
import { renderDocument } from '../web/layout.tsx';
import { presentationFor } from '../web/presentation.tsx';
import { formatCount } from '../web/numbers.ts';
import {
  type ArticleField,
  type EditableArticle,
  emptyForm,
  formValues,
  parseArticleForm,
  parseStoredContent,
  toForm,
} from './article-content.ts';
import {
  type Actor,
  autosave,
  type BreakingNewsHook,
  createArticle,
  discardAutosave,
  findAutosave,
  loadEditable,
  publishArticle,
  restoreRevision,
  saveArticle,
  scheduleArticle,
  unpublishArticle,
} from './article-editing.service.ts';
import type { MediaStore } from './media-store.ts';
import { listMedia, MAX_UPLOAD_BYTES, uploadImage, variantOf } from './media.service.ts';
import { enqueueBreakingAlert } from '../jobs/breaking-alert.job.ts';
import { schedulePoll } from '../jobs/poll-feed.job.ts';
import { addFeedSource, listFeedSources, pollFeedSource, removeFeedSource } from './feed-sources.service.ts';
import { listImportRuns, listOpenImportFailures, retryImportFailure } from './import-runs.service.ts';
import { newsroomRepository } from './newsroom.repository.ts';
import { newsletterRepository } from '../newsletters/newsletter.repository.ts';
import { newsletterFormValues, saveNewsletter } from '../newsletters/newsletter-settings.service.ts';
import { newsletterFields } from '../newsletters/newsletter-settings.fields.ts';
import { changeRole, peopleOverview, suppressAddress } from './people.service.ts';
import {
  type AdminChrome,
  ArticleListPage,
  AuditPage,
  EditorPage,
  type EditorState,
  FeedsPage,
  ImportsPage,
  MediaPage,
  PeoplePage,
  RevisionsPage,
  SettingsPage,
} from './newsroom.views.tsx';
import { diffArticles } from './revision-diff.ts';
import {
  deleteTag,
  listAuthorsForAdmin,
  listSectionsForAdmin,
  listTagsForAdmin,
  saveAuthor,
  saveSection,
  saveTag,
} from './taxonomy.service.ts';
import { CollectionPage, type FormField, type ListedItem } from './taxonomy.views.tsx';
import { getSettings, saveSettings, utcToZonedTime, zonedTimeToUtc } from './site-settings.service.ts';
import { loadSiteChrome } from '../web/site-chrome.ts';

export interface NewsroomDependencies {
  db: Kysely<Database>;
  siteName: string;
  siteUrl: string;
  media: MediaStore;
  /** Enqueues the "عاجل" newsletter for a breaking article, inside the publishing transaction (default: its job). */
  onBreakingPublished?: BreakingNewsHook;
}

const PAGE_SIZE = 30;
/** The newsroom is written in Arabic only, whatever the editor's reader preferences. */
const NEWSROOM_PRESENTATION = presentationFor();
/** Images offered when choosing an author's photo or the logo: the newest of the library. */
const IMAGE_CHOICES = 60;
const idParams = z.object({ id: z.string().uuid() });
const keyParams = z.object({ key: z.union([z.literal('new'), z.string().uuid()]) });
const revisionParams = z.object({ id: z.string().uuid(), version: z.coerce.number().int().min(1) });
const listQuery = z.object({
  status: z.enum(['draft', 'scheduled', 'published']).optional(),
  q: z.string().trim().max(200).default(''),
  page: z.coerce.number().int().min(1).max(10_000).default(1),
});
const editorQuery = z.object({ saved: z.enum(['save', 'publish', 'schedule', 'unpublish', 'restore']).optional(), restore: z.literal('autosave').optional() });
const actionSchema = z.enum(['save', 'publish', 'schedule', 'unpublish']).default('save');
const versionSchema = z.coerce.number().int().min(1);

const SAVED_NOTICES: Record<string, string> = {
  save: 'حُفظ المقال.',
  publish: 'نُشر المقال، وهو الآن على الموقع.',
  schedule: 'جُدول نشر المقال؛ سينشره الناشر الآلي في موعده.',
  unpublish: 'لم يعد المقال منشوراً أو مجدولاً؛ هو الآن مسودة.',
  restore: 'استُعيدت النسخة وحُفظت نسخةً جديدة.',
};

/**
 * The newsroom at /admin: editors write, schedule and publish; admins also run settings and see the audit log.
 * Every route is guarded on the server (readers get 403), every form carries the CSRF token (checked by the
 * session plugin before any handler), and uploaded images are served at /media.
 */
export async function newsroomRoutes(app: FastifyInstance, deps: NewsroomDependencies): Promise<void> {
  const { db } = deps;

  // Image variants never change under a name: cache them for a year.
  app.get('/media/:id/:file', async (request, reply) => {
    const { id, file } = z.object({ id: z.string(), file: z.string() }).parse(request.params);
    const variant = variantOf(id, file);
    if (!variant) throw notFound(`media ${id}/${file}`);
    // A bucket with a public URL serves its files itself; pages keep linking /media/… so they never change with it.
    if (deps.media.urlOf) return reply.header('cache-control', 'public, max-age=86400').redirect(deps.media.urlOf(variant.key), 302);
    const data = await deps.media.get(variant.key);
    if (!data) throw notFound(`media ${id}/${file}`);
    reply.header('cache-control', 'public, max-age=31536000, immutable').type(variant.type);
    return data;
  });
  app.get('/media/:id', async (request, reply) => {
    const { id } = idParams.parse(request.params);
    return reply.redirect(`/media/${id}/960.jpeg`, 302);
  });

  await app.register(async (admin) => {
    // Multipart bodies (image uploads) are read in full before the handlers, so the CSRF check sees `_csrf`.
    await admin.register(fastifyMultipart, {
      attachFieldsToBody: 'keyValues',
      limits: { fileSize: MAX_UPLOAD_BYTES, files: 1, fields: 10 },
    });
    admin.addHook('preHandler', requireRole('editor'));
    // Pages of the newsroom are per person: never kept by a shared cache.
    admin.addHook('onSend', async (_request, reply) => {
      reply.header('cache-control', 'private, no-store');
    });

    const chromeOf = async (request: FastifyRequest): Promise<AdminChrome & { timeZone: string }> => {
      const settings = await getSettings(db, { siteName: deps.siteName });
      const reader = request.reader!;
      return {
        siteName: settings.siteName,
        actorName: actorOf(request).name,
        isAdmin: roleAtLeast(reader.role, 'admin'),
        csrfToken: request.csrfToken(),
        timeZone: settings.timeZone,
      };
    };
    const html = (reply: FastifyReply, page: preact.VNode, status = 200) =>
      reply.code(status).type('text/html; charset=utf-8').send(renderDocument(page, NEWSROOM_PRESENTATION));
    const sectionsOf = async () => (await articleRepository(db).listSections()).map((section) => ({ id: section.id, name: section.name }));

    admin.get('/admin', async (request, reply) => {
      const query = listQuery.parse(request.query);
      const repo = newsroomRepository(db);
      const [chrome, rows, counts] = await Promise.all([
        chromeOf(request),
        repo.listArticles({ status: query.status, titleContains: query.q || undefined, limit: PAGE_SIZE + 1, offset: (query.page - 1) * PAGE_SIZE }),
        repo.countByStatus(),
      ]);
      return html(
        reply,
        <ArticleListPage
          chrome={chrome}
          articles={rows.slice(0, PAGE_SIZE)}
          counts={counts}
          status={query.status ?? null}
          query={query.q}
          page={query.page}
          hasMore={rows.length > PAGE_SIZE}
          timeZone={chrome.timeZone}
        />,
      );
    });

    admin.get('/admin/articles/new', async (request, reply) => {
      const query = editorQuery.parse(request.query);
      const chrome = await chromeOf(request);
      const saved = await findAutosave(db, 'new', actorOf(request));
      const restoring = query.restore === 'autosave' && saved;
      const state: EditorState = {
        article: null,
        values: restoring ? { ...emptyForm(), ...formValues(saved.content) } : emptyForm(),
        publishAt: restoring ? (saved.content.publishAt ?? '') : '',
        errors: {},
        sections: await sectionsOf(),
        timeZone: chrome.timeZone,
        autosave: saved ? { savedAt: saved.savedAt, restored: Boolean(restoring) } : undefined,
      };
      return html(reply, <EditorPage chrome={chrome} state={state} />);
    });

    admin.get('/admin/articles/:id', async (request, reply) => {
      const { id } = idParams.parse(request.params);
      const query = editorQuery.parse(request.query);
      const [chrome, { article, content }, saved] = await Promise.all([chromeOf(request), loadEditable(db, id), findAutosave(db, id, actorOf(request))]);
      const restoring = query.restore === 'autosave' && saved;
      const state: EditorState = {
        article: { id: article.id, slug: article.slug, status: article.status, version: article.version, publishedAt: article.published_at },
        values: restoring ? formValues(saved.content) : toForm(content),
        publishAt: restoring
          ? (saved.content.publishAt ?? '')
          : article.status === 'scheduled' && article.published_at
            ? utcToZonedTime(new Date(article.published_at), chrome.timeZone)
            : '',
        errors: {},
        sections: await sectionsOf(),
        timeZone: chrome.timeZone,
        autosave: saved ? { savedAt: saved.savedAt, restored: Boolean(restoring) } : undefined,
        notice: query.saved ? SAVED_NOTICES[query.saved] : undefined,
      };
      return html(reply, <EditorPage chrome={chrome} state={state} />);
    });

    /** Creates (no id) or saves (id) an article from the editor form, then does what its button asked. */
    const submit = async (request: FastifyRequest, reply: FastifyReply, id: string | null) => {
      const body = (request.body ?? {}) as Record<string, unknown>;
      const action = actionSchema.parse(body.action || undefined);
      const actor = actorOf(request);
      const chrome = await chromeOf(request);
      const values = formValues(body);
      const publishAtText = typeof body.publishAt === 'string' ? body.publishAt : '';
      const current = id ? await loadEditable(db, id) : null;
      const baseVersion = current ? versionSchema.parse(body.version) : null;
      const render = async (errors: EditorState['errors'], status: number, conflict?: EditorState['conflict']) =>
        html(
          reply,
          <EditorPage
            chrome={chrome}
            state={{
              article: current
                ? {
                    id: current.article.id,
                    slug: current.article.slug,
                    status: current.article.status,
                    // After a conflict the form carries the version the editor has now seen: saving again is deliberate.
                    version: conflict ? conflict.currentVersion : baseVersion!,
                    publishedAt: current.article.published_at,
                  }
                : null,
              values,
              publishAt: publishAtText,
              errors,
              sections: await sectionsOf(),
              timeZone: chrome.timeZone,
              conflict,
            }}
          />,
          status,
        );

      const parsed = parseArticleForm(body);
      let scheduleAt: Date | null = null;
      if (action === 'schedule') {
        scheduleAt = zonedTimeToUtc(publishAtText, chrome.timeZone);
        if (!scheduleAt) return render({ ...(parsed.ok ? {} : parsed.errors), publishAt: 'اختر يوم النشر وساعته.' }, 422);
        if (scheduleAt.getTime() <= Date.now()) {
          return render({ ...(parsed.ok ? {} : parsed.errors), publishAt: 'اختر وقتاً في المستقبل للنشر المجدول.' }, 422);
        }
      }
      if (!parsed.ok) return render(parsed.errors, 422);

      let articleId: string;
      try {
        if (!current) {
          articleId = (await createArticle(db, parsed.article, actor)).id;
        } else {
          articleId = current.article.id;
          const unchanged = JSON.stringify(parsed.article) === JSON.stringify(current.content) && baseVersion === current.article.version;
          if (!unchanged) await saveArticle(db, articleId, parsed.article, baseVersion!, actor);
        }
        const options = { onBreakingPublished: deps.onBreakingPublished ?? enqueueBreakingAlert, onScheduled: enqueueScheduledPublication };
        if (action === 'publish') await publishArticle(db, articleId, actor, options);
        if (action === 'schedule') await scheduleArticle(db, articleId, scheduleAt!, actor, options);
        if (action === 'unpublish') await unpublishArticle(db, articleId, actor, options);
      } catch (error) {
        if (isSahifaError(error, 'INVALID_FIELDS')) return render(error.details.fields as EditorState['errors'], 422);
        if (isSahifaError(error, 'EDIT_CONFLICT') && current) {
          const latest = await loadEditable(db, current.article.id);
          const revisions = await newsroomRepository(db).listRevisions(current.article.id);
          const sections = new Map((await sectionsOf()).map((section) => [section.id, section.name]));
          const diff = diffArticles(latest.content, parsed.article, (sectionId) => (sectionId ? (sections.get(sectionId) ?? '') : ''));
          return render({}, 409, { currentVersion: latest.article.version, by: revisions[0]?.actor_name ?? 'محرر آخر', diff });
        }
        throw error;
      }
      return reply.redirect(`/admin/articles/${articleId}?saved=${action}`, 303);
    };

    admin.post('/admin/articles', (request, reply) => submit(request, reply, null));
    admin.post('/admin/articles/:id', (request, reply) => submit(request, reply, idParams.parse(request.params).id));

    // The preview is the article page itself, rendered from the form as it stands: what readers will get.
    admin.post('/admin/articles/preview', async (request, reply) => {
      const values = formValues((request.body ?? {}) as Record<string, unknown>);
      const site = await loadSiteChrome(db, deps.siteName);
      const section = site.sections.find((candidate) => candidate.id === values.sectionId) ?? null;
      const names = (text: string) => text.split(/[,،]/).map((name) => name.trim()).filter(Boolean).map((name) => ({ slug: name, name }));
      const article = {
        slug: 'preview',
        title: values.title || 'بلا عنوان',
        subtitle: values.subtitle || null,
        paragraphs: markdownParagraphs(values.body),
        bodyMarkdown: values.body,
        publishedAt: new Date().toISOString(),
        updatedAt: new Date().toISOString(),
        section: section ? { slug: section.slug, name: section.name } : null,
        sourceName: values.sourceName || null,
        sourceUrl: /^https?:\/\//i.test(values.sourceUrl) ? values.sourceUrl : null,
        relations: { tags: names(values.tags), authors: names(values.authors), relatedHeadlines: [] },
      };
      reply.type('text/html; charset=utf-8');
      return renderDocument(<ArticlePage site={site} article={article} url={`${deps.siteUrl}/article/preview`} />, NEWSROOM_PRESENTATION);
    });

    admin.post('/admin/articles/:key/autosave', async (request) => {
      const { key } = keyParams.parse(request.params);
      const body = (request.body ?? {}) as Record<string, unknown>;
      if (key !== 'new' && !(await newsroomRepository(db).findArticle(key))) throw notFound(`article ${key}`);
      const content: Record<string, string> = { ...formValues(body), publishAt: typeof body.publishAt === 'string' ? body.publishAt : '' };
      const version = key === 'new' ? null : versionSchema.safeParse(body.version).data ?? null;
      return { savedAt: await autosave(db, key, actorOf(request), content, version) };
    });

    admin.post('/admin/articles/:key/autosave/discard', async (request, reply) => {
      const { key } = keyParams.parse(request.params);
      await discardAutosave(db, key, actorOf(request));
      return reply.redirect(key === 'new' ? '/admin/articles/new' : `/admin/articles/${key}`, 303);
    });

    const revisionsPage = async (request: FastifyRequest, reply: FastifyReply, id: string, version: number | null, notice?: string) => {
      const repo = newsroomRepository(db);
      const [chrome, article, revisions] = await Promise.all([chromeOf(request), repo.findArticle(id), repo.listRevisions(id)]);
      if (!article) throw notFound(`article ${id}`);
      const wanted = version ?? revisions[0]?.version ?? null;
      let selected = null;
      if (wanted !== null) {
        const revision = await repo.findRevision(id, wanted);
        if (!revision) throw notFound(`revision ${wanted} of article ${id}`);
        const previous = await repo.findPreviousRevision(id, wanted);
        const sections = new Map((await sectionsOf()).map((section) => [section.id, section.name]));
        const nameOf = (sectionId: string | null) => (sectionId ? (sections.get(sectionId) ?? 'قسم محذوف') : 'بلا قسم');
        const after = parseStoredContent(revision.content);
        const before: EditableArticle = previous
          ? parseStoredContent(previous.content)
          : { title: '', subtitle: null, body: '', sectionId: null, tags: [], authors: [], related: [], sourceName: null, sourceUrl: null, breaking: false };
        selected = { version: wanted, diff: diffArticles(before, after, nameOf), previousVersion: previous?.version ?? null };
      }
      return html(
        reply,
        <RevisionsPage
          chrome={chrome}
          article={{ id, title: article.title, version: article.version }}
          revisions={revisions}
          selected={selected}
          timeZone={chrome.timeZone}
          notice={notice}
        />,
        notice ? 409 : 200,
      );
    };

    admin.get('/admin/articles/:id/revisions', async (request, reply) => revisionsPage(request, reply, idParams.parse(request.params).id, null));
    admin.get('/admin/articles/:id/revisions/:version', async (request, reply) => {
      const { id, version } = revisionParams.parse(request.params);
      return revisionsPage(request, reply, id, version);
    });
    admin.post('/admin/articles/:id/revisions/:version/restore', async (request, reply) => {
      const { id, version } = revisionParams.parse(request.params);
      const base = versionSchema.parse((request.body as Record<string, unknown> | undefined)?.version);
      try {
        await restoreRevision(db, id, version, base, actorOf(request));
      } catch (error) {
        if (!isSahifaError(error, 'EDIT_CONFLICT')) throw error;
        const notice = 'لم نستعد النسخة: حُفظ المقال بعد أن فتحتَ هذه الصفحة. راجع النسخ أدناه ثم حاول مرة أخرى.';
        return revisionsPage(request, reply, id, version, notice);
      }
      return reply.redirect(`/admin/articles/${id}?saved=restore`, 303);
    });

    admin.get('/admin/media', async (request, reply) => {
      const uploaded = z.object({ uploaded: z.string().uuid().optional() }).parse(request.query).uploaded;
      const [chrome, media] = await Promise.all([chromeOf(request), listMedia(db, { limit: 60, offset: 0 })]);
      return html(reply, <MediaPage chrome={chrome} media={media} values={{ alt: '', caption: '', credit: '' }} errors={{}} uploaded={uploaded} />);
    });

    admin.post('/admin/media', async (request, reply) => {
      const body = (request.body ?? {}) as Record<string, unknown>;
      const text = (name: string) => (typeof body[name] === 'string' ? (body[name] as string) : '');
      const values = { alt: text('alt'), caption: text('caption'), credit: text('credit') };
      const data = Buffer.isBuffer(body.file) ? body.file : Buffer.alloc(0);
      try {
        const id = await uploadImage(db, deps.media, { data, originalName: 'upload', ...values }, actorOf(request));
        return reply.redirect(`/admin/media?uploaded=${id}#media-${id}`, 303);
      } catch (error) {
        if (!isSahifaError(error, 'INVALID_FIELDS')) throw error;
        const [chrome, media] = await Promise.all([chromeOf(request), listMedia(db, { limit: 60, offset: 0 })]);
        return html(reply, <MediaPage chrome={chrome} media={media} values={values} errors={error.details.fields as Record<string, string>} />, 422);
      }
    });

    const importsPage = async (request: FastifyRequest, reply: FastifyReply, notice?: { ok: boolean; text: string }) => {
      const [chrome, runs, failures] = await Promise.all([chromeOf(request), listImportRuns(db, 30), listOpenImportFailures(db, 200)]);
      return html(reply, <ImportsPage chrome={chrome} runs={runs} failures={failures} timeZone={chrome.timeZone} notice={notice} />);
    };
    admin.get('/admin/imports', (request, reply) => importsPage(request, reply));
    admin.post('/admin/imports/failures/:id/retry', async (request, reply) => {
      const { id } = idParams.parse(request.params);
      const result = await retryImportFailure(db, id, actorOf(request));
      const text = result.ok ? 'نجحت إعادة الاستيراد.' : `لم ينجح الاستيراد مرة أخرى: ${result.reason}`;
      return importsPage(request, reply, { ok: result.ok, text });
    });

    const feedsPage = async (request: FastifyRequest, reply: FastifyReply, form: Record<string, string> = {}, errors: Record<string, string> = {}, notice?: string, status = 200) => {
      const [chrome, sources, sections] = await Promise.all([chromeOf(request), listFeedSources(db), sectionsOf()]);
      return html(reply, <FeedsPage chrome={chrome} sources={sources} sections={sections} values={form} errors={errors} timeZone={chrome.timeZone} notice={notice} />, status);
    };
    admin.get('/admin/feeds', (request, reply) => feedsPage(request, reply));
    admin.post('/admin/feeds', async (request, reply) => {
      const body = (request.body ?? {}) as Record<string, unknown>;
      try {
        await addFeedSource(db, body, actorOf(request), schedulePoll);
      } catch (error) {
        if (!isSahifaError(error, 'INVALID_FIELDS')) throw error;
        const form = Object.fromEntries(['url', 'name', 'sectionId', 'mode', 'intervalMinutes'].map((name) => [name, typeof body[name] === 'string' ? (body[name] as string) : '']));
        return feedsPage(request, reply, form, error.details.fields as Record<string, string>, undefined, 422);
      }
      return feedsPage(request, reply, {}, {}, 'اشترك الموقع في الخلاصة؛ سيقرؤها الناشر الآلي الآن ثم بانتظام.');
    });
    admin.post('/admin/feeds/:id/poll', async (request, reply) => {
      const report = await pollFeedSource(db, idParams.parse(request.params).id);
      if (!report) throw notFound('feed source');
      const notice = `قُرئت الخلاصة: ${formatCount(report.imported.filter((item) => item.outcome === 'created').length)} جديد، ${formatCount(report.failed.length)} لم يُستورد.`;
      return feedsPage(request, reply, {}, {}, notice);
    });
    admin.post('/admin/feeds/:id/delete', async (request, reply) => {
      await removeFeedSource(db, idParams.parse(request.params).id, actorOf(request));
      return feedsPage(request, reply, {}, {}, 'أُلغي الاشتراك؛ ما استوردناه منها باقٍ.');
    });

    // Admins only.
    await admin.register(async (admins) => {
      admins.addHook('preHandler', requireRole('admin'));

      admins.get('/admin/settings', async (request, reply) => {
        const [chrome, settings, images] = await Promise.all([
          chromeOf(request),
          getSettings(db, { siteName: deps.siteName }),
          listMedia(db, { limit: IMAGE_CHOICES, offset: 0 }),
        ]);
        const saved = z.object({ saved: z.literal('1').optional() }).parse(request.query).saved === '1';
        return html(reply, <SettingsPage chrome={chrome} values={{ ...settings, logoMediaId: settings.logoMediaId ?? '' }} images={images} errors={{}} saved={saved} />);
      });

      admins.post('/admin/settings', async (request, reply) => {
        const body = (request.body ?? {}) as Record<string, unknown>;
        try {
          await saveSettings(db, body, actorOf(request));
        } catch (error) {
          if (!isSahifaError(error, 'INVALID_FIELDS')) throw error;
          const [chrome, images] = await Promise.all([chromeOf(request), listMedia(db, { limit: IMAGE_CHOICES, offset: 0 })]);
          const text = (name: string) => (typeof body[name] === 'string' ? (body[name] as string) : '');
          const values = { siteName: text('siteName'), description: text('description'), timeZone: text('timeZone'), footerText: text('footerText'), logoMediaId: text('logoMediaId') };
          return html(reply, <SettingsPage chrome={chrome} values={values} images={images} errors={error.details.fields as Record<string, string>} />, 422);
        }
        return reply.redirect('/admin/settings?saved=1', 303);
      });

      /**
       * Sections, authors and tags: a list with a form, the same three routes each. `load` gives the items and the
       * form values of the chosen one; `save` creates (id null) or updates.
       */
      const collection = (options: {
        basePath: string;
        title: string;
        /** The form's fields, or how to make them when their choices come from the database. */
        fields: FormField[] | (() => Promise<FormField[]>);
        canCreate: boolean;
        /** What the "new" form starts with, beyond empty fields. */
        initial?: () => Promise<Record<string, string>>;
        load: () => Promise<{ items: ListedItem[]; values: Map<string, Record<string, string>> }>;
        save: (id: string | null, form: Record<string, unknown>, actor: Actor) => Promise<unknown>;
        remove?: (id: string, actor: Actor) => Promise<void>;
      }) => {
        const fieldsOf = async () => (typeof options.fields === 'function' ? options.fields() : options.fields);
        const page = async (request: FastifyRequest, reply: FastifyReply, id: string | null, form?: Record<string, string>, errors = {}, status = 200) => {
          const fields = await fieldsOf();
          const wantsImages = fields.some((field) => field.kind === 'image');
          const [chrome, { items, values }, images] = await Promise.all([
            chromeOf(request),
            options.load(),
            wantsImages ? listMedia(db, { limit: IMAGE_CHOICES, offset: 0 }) : Promise.resolve([]),
          ]);
          const empty = {
            ...Object.fromEntries(fields.map((field) => [field.name, field.kind === 'number' ? '0' : (field.options?.[0]?.value ?? '')])),
            ...(id || !options.initial ? {} : await options.initial()),
          };
          const current = id ? values.get(id) : undefined;
          if (id && !current) throw notFound(`${options.basePath}/${id}`);
          const notice = z.object({ saved: z.literal('1').optional() }).parse(request.query).saved ? 'حُفظ.' : undefined;
          const editing = id ? { id, name: items.find((item) => item.id === id)?.title ?? '' } : null;
          return html(
            reply,
            <CollectionPage
              chrome={chrome}
              title={options.title}
              basePath={options.basePath}
              items={items}
              fields={fields}
              editing={editing}
              canCreate={options.canCreate}
              values={form ?? current ?? empty}
              errors={errors}
              notice={notice}
              deletable={Boolean(options.remove)}
              images={images}
            />,
            status,
          );
        };
        const submit = async (request: FastifyRequest, reply: FastifyReply, id: string | null) => {
          const body = (request.body ?? {}) as Record<string, unknown>;
          try {
            await options.save(id, body, actorOf(request));
          } catch (error) {
            if (!isSahifaError(error, 'INVALID_FIELDS')) throw error;
            const typed = Object.fromEntries((await fieldsOf()).map((field) => [field.name, typeof body[field.name] === 'string' ? (body[field.name] as string) : '']));
            return page(request, reply, id, typed, error.details.fields as Record<string, string>, 422);
          }
          return reply.redirect(`${options.basePath}?saved=1`, 303);
        };
        admins.get(options.basePath, (request, reply) => page(request, reply, null));
        admins.get(`${options.basePath}/:id`, (request, reply) => page(request, reply, idParams.parse(request.params).id));
        if (options.canCreate) admins.post(options.basePath, (request, reply) => submit(request, reply, null));
        admins.post(`${options.basePath}/:id`, (request, reply) => submit(request, reply, idParams.parse(request.params).id));
        const remove = options.remove;
        if (remove) {
          admins.post(`${options.basePath}/:id/delete`, async (request, reply) => {
            await remove(idParams.parse(request.params).id, actorOf(request));
            return reply.redirect(`${options.basePath}?saved=1`, 303);
          });
        }
      };

      collection({
        basePath: '/admin/sections',
        title: 'الأقسام',
        canCreate: true,
        fields: [
          { name: 'name', label: 'الاسم بالعربية' },
          { name: 'nameEn', label: 'الاسم بالإنجليزية (اختياري)', kind: 'ltr' },
          { name: 'slug', label: 'المعرّف في الرابط', hint: 'يُشتق من الاسم إن تركته فارغاً. تغييره يغيّر رابط القسم.' },
          { name: 'position', label: 'الترتيب في القائمة', kind: 'number', hint: 'الأصغر أولاً.' },
        ],
        async load() {
          const rows = await listSectionsForAdmin(db);
          return {
            items: rows.map((row) => ({ id: row.id, title: row.name, detail: `${row.name_en ?? ''} · /section/${row.slug} · ${row.position}` })),
            values: new Map(rows.map((row) => [row.id, { name: row.name, nameEn: row.name_en ?? '', slug: row.slug, position: String(row.position) }])),
          };
        },
        save: (id, form, actor) => saveSection(db, id, form, actor),
      });

      collection({
        basePath: '/admin/authors',
        title: 'الكتّاب',
        canCreate: true,
        fields: [
          { name: 'name', label: 'الاسم' },
          { name: 'slug', label: 'المعرّف في الرابط', hint: 'يُشتق من الاسم إن تركته فارغاً.' },
          { name: 'bio', label: 'نبذة', kind: 'textarea' },
          { name: 'photoMediaId', label: 'الصورة', kind: 'image' },
        ],
        async load() {
          const rows = await listAuthorsForAdmin(db, 1000, 0);
          return {
            items: rows.map((row) => ({ id: row.id, title: row.name, detail: row.bio ? row.bio.slice(0, 80) : '' })),
            values: new Map(rows.map((row) => [row.id, { name: row.name, slug: row.slug, bio: row.bio ?? '', photoMediaId: row.photo_media_id ?? '' }])),
          };
        },
        save: (id, form, actor) => saveAuthor(db, id, form, actor),
      });

      collection({
        basePath: '/admin/tags',
        title: 'الوسوم',
        // Tags are made by writing them on articles; here they are renamed or removed.
        canCreate: false,
        fields: [
          { name: 'name', label: 'الوسم' },
          { name: 'slug', label: 'المعرّف في الرابط', hint: 'يُشتق من الاسم إن تركته فارغاً.' },
        ],
        async load() {
          const rows = await listTagsForAdmin(db, 1000, 0);
          return {
            items: rows.map((row) => ({ id: row.id, title: row.name, detail: `${formatCount(row.uses)} مقال` })),
            values: new Map(rows.map((row) => [row.id, { name: row.name, slug: row.slug }])),
          };
        },
        save: (id, form, actor) => saveTag(db, id!, form, actor),
        remove: (id, actor) => deleteTag(db, id, actor),
      });

      collection({
        basePath: '/admin/newsletters',
        title: 'النشرات البريدية',
        canCreate: true,
        fields: async () => newsletterFields(await listSectionsForAdmin(db)),
        async initial() {
          const model = await newsletterRepository(db).findDefaultNewsletter();
          return { cadence: 'manual', contentRule: 'curated', articleLimit: '8', status: 'active', senderName: model?.sender_name ?? '', senderAddress: model?.sender_address ?? '' };
        },
        async load() {
          const repository = newsletterRepository(db);
          const rows = await repository.listNewsletters();
          const counts = await Promise.all(rows.map((row) => repository.countByStatus(row.id)));
          return {
            items: rows.map((row, i) => ({
              id: row.id,
              title: row.name,
              detail: [
                row.is_default ? 'النشرة الأساسية' : null,
                row.status === 'archived' ? 'مؤرشفة' : null,
                `${formatCount(counts[i]!.confirmed)} مشتركاً مؤكداً`,
                `${formatCount(counts[i]!.unconfirmed)} بانتظار التأكيد`,
              ]
                .filter(Boolean)
                .join(' · '),
            })),
            values: new Map(rows.map((row) => [row.id, newsletterFormValues(row)])),
          };
        },
        save: (id, form, actor) => saveNewsletter(db, id, form, actor),
      });

      const peoplePage = async (request: FastifyRequest, reply: FastifyReply, errors: Record<string, string> = {}, notice?: string, status = 200) => {
        const { q } = z.object({ q: z.string().trim().max(200).default('') }).parse(request.query);
        const [chrome, overview] = await Promise.all([chromeOf(request), peopleOverview(db, { emailContains: q, limit: 100 })]);
        return html(reply, <PeoplePage chrome={chrome} {...overview} query={q} timeZone={chrome.timeZone} errors={errors} notice={notice} />, status);
      };
      admins.get('/admin/users', (request, reply) => peoplePage(request, reply));
      admins.post('/admin/users/:id/role', async (request, reply) => {
        const { id } = idParams.parse(request.params);
        try {
          await changeRole(db, id, (request.body as Record<string, unknown> | undefined)?.role, actorOf(request));
        } catch (error) {
          if (!isSahifaError(error, 'INVALID_FIELDS')) throw error;
          return peoplePage(request, reply, error.details.fields as Record<string, string>, undefined, 422);
        }
        return peoplePage(request, reply, {}, 'تغيّر الدور، وانتهت جلسات الحساب ليسري الدور الجديد من دخوله التالي.');
      });
      admins.post('/admin/users/suppress', async (request, reply) => {
        try {
          const email = await suppressAddress(db, (request.body as Record<string, unknown> | undefined)?.email, actorOf(request));
          return peoplePage(request, reply, {}, `لن تصل أي رسالة إلى ${email} بعد الآن.`);
        } catch (error) {
          if (!isSahifaError(error, 'INVALID_FIELDS')) throw error;
          return peoplePage(request, reply, error.details.fields as Record<string, string>, undefined, 422);
        }
      });

      admins.get('/admin/audit', async (request, reply) => {
        const { page } = z.object({ page: z.coerce.number().int().min(1).max(10_000).default(1) }).parse(request.query);
        const [chrome, entries] = await Promise.all([
          chromeOf(request),
          newsroomRepository(db).listAudit({ limit: PAGE_SIZE + 1, offset: (page - 1) * PAGE_SIZE }),
        ]);
        return html(reply, <AuditPage chrome={chrome} entries={entries.slice(0, PAGE_SIZE)} page={page} hasMore={entries.length > PAGE_SIZE} timeZone={chrome.timeZone} />);
      });
    });
  });
}

/** The signed-in editor as the audit log and revisions name them. */
function actorOf(request: FastifyRequest): Actor {
  const reader = request.reader!;
  return { id: reader.id, name: reader.displayName ?? reader.email };
}

