import type { ComponentChildren } from 'preact';
import { articlePath } from '../articles/slug.ts';
import type { ArticleStatus } from '../db/schema.ts';
import { formatCount } from '../web/numbers.ts';
import { type ArticleField } from './article-content.ts';
import { markdownFor, type MediaItem } from './media.service.ts';
import { ImagePicker } from './image-picker.tsx';
import type { FieldDiff } from './revision-diff.ts';
import type { SiteSettings } from './site-settings.service.ts';

export interface AdminChrome {
  siteName: string;
  /** Who is signed in, as the header shows it. */
  actorName: string;
  isAdmin: boolean;
  csrfToken: string;
}

const STATUS_NAMES: Record<ArticleStatus, string> = { draft: 'مسودة', scheduled: 'مجدول', published: 'منشور' };

/** A moment in the site's time zone, in Arabic: "٢٥ نوفمبر ٢٠٢٦، ١:٣٠ م". */
function When({ iso, timeZone }: { iso: string; timeZone: string }) {
  const text = new Intl.DateTimeFormat('ar-EG-u-nu-arab', { dateStyle: 'medium', timeStyle: 'short', timeZone }).format(new Date(iso));
  return <time datetime={iso}>{text}</time>;
}

/** Every newsroom page: RTL Arabic, the newsroom's navigation, the CSRF token for the page's script. */
export function AdminLayout({ chrome, title, children }: { chrome: AdminChrome; title: string; children: ComponentChildren }) {
  const links: [string, string, boolean][] = [
    ['/admin', 'المقالات', true],
    ['/admin/media', 'الصور', true],
    ['/admin/imports', 'الاستيراد', true],
    ['/admin/feeds', 'الاشتراكات', true],
    ['/newsletters/admin', 'مكتب النشرات', true],
    ['/admin/sections', 'الأقسام', chrome.isAdmin],
    ['/admin/newsletters', 'النشرات', chrome.isAdmin],
    ['/admin/users', 'القرّاء', chrome.isAdmin],
    ['/admin/authors', 'الكتّاب', chrome.isAdmin],
    ['/admin/tags', 'الوسوم', chrome.isAdmin],
    ['/admin/settings', 'الإعدادات', chrome.isAdmin],
    ['/admin/audit', 'السجل', chrome.isAdmin],
  ];
  return (
    <html lang="ar" dir="rtl">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="color-scheme" content="light dark" />
        <meta name="robots" content="noindex" />
        <meta name="csrf-token" content={chrome.csrfToken} />
        <title>{`${title} — غرفة الأخبار — ${chrome.siteName}`}</title>
        <link rel="stylesheet" href="/assets/site.css" />
        <link rel="stylesheet" href="/assets/admin.css" />
        <script src="/assets/admin.js" defer />
      </head>
      <body class="admin">
        <a class="skip-link" href="#main">تخطَّ إلى المحتوى</a>
        <header class="admin-header">
          <a class="site-name" href="/admin">غرفة الأخبار</a>
          <nav aria-label="أقسام غرفة الأخبار">
            <ul>
              {links
                .filter(([, , shown]) => shown)
                .map(([href, label]) => (
                  <li>
                    <a href={href}>{label}</a>
                  </li>
                ))}
              <li>
                <a href="/">الموقع</a>
              </li>
            </ul>
          </nav>
          <span class="admin-user">{chrome.actorName}</span>
        </header>
        <main id="main" class="admin-main">
          {children}
        </main>
      </body>
    </html>
  );
}

export function CsrfInput({ token }: { token: string }) {
  return <input type="hidden" name="_csrf" value={token} />;
}

/** A labelled field with its error beside it (announced with the field: aria-describedby). */
export function Field(props: {
  name: string;
  label: string;
  error?: string;
  hint?: string;
  children: (attributes: Record<string, unknown>) => ComponentChildren;
}) {
  const id = `field-${props.name}`;
  const described = [props.hint ? `${id}-hint` : null, props.error ? `${id}-error` : null].filter(Boolean).join(' ') || undefined;
  return (
    <div class={props.error ? 'field invalid' : 'field'}>
      <label for={id}>{props.label}</label>
      {props.hint ? (
        <p class="hint" id={`${id}-hint`}>
          {props.hint}
        </p>
      ) : null}
      {props.children({ id, name: props.name, 'aria-describedby': described, 'aria-invalid': props.error ? 'true' : undefined })}
      {props.error ? (
        <p class="error" id={`${id}-error`}>
          {props.error}
        </p>
      ) : null}
    </div>
  );
}

export function ErrorSummary({ errors }: { errors: Record<string, string | undefined> }) {
  const entries = Object.entries(errors).filter(([, message]) => message);
  if (!entries.length) return null;
  return (
    <div class="error-summary" role="alert" tabindex={-1}>
      <h2>لم نحفظ: في النموذج {entries.length === 1 ? 'خطأ واحد' : `${formatCount(entries.length)} أخطاء`}</h2>
      <ul>
        {entries.map(([field, message]) => (
          <li>
            <a href={`#field-${field}`}>{message}</a>
          </li>
        ))}
      </ul>
    </div>
  );
}

export interface ArticleListRow {
  id: string;
  title: string;
  slug: string;
  status: ArticleStatus;
  breaking: number;
  published_at: string | null;
  updated_at: string;
  section_name: string | null;
}

export function ArticleListPage(props: {
  chrome: AdminChrome;
  articles: ArticleListRow[];
  counts: Record<ArticleStatus, number>;
  status: ArticleStatus | null;
  query: string;
  page: number;
  hasMore: boolean;
  timeZone: string;
  notice?: string;
}) {
  const href = (status: ArticleStatus | null, page = 1) => {
    const params = new URLSearchParams();
    if (status) params.set('status', status);
    if (props.query) params.set('q', props.query);
    if (page > 1) params.set('page', String(page));
    const text = params.toString();
    return text ? `/admin?${text}` : '/admin';
  };
  return (
    <AdminLayout chrome={props.chrome} title="المقالات">
      <div class="admin-title">
        <h1>المقالات</h1>
        <a class="button" href="/admin/articles/new">
          مقال جديد
        </a>
      </div>
      {props.notice ? (
        <p class="notice" role="status">
          {props.notice}
        </p>
      ) : null}
      <nav aria-label="حالة المقالات" class="status-tabs">
        <a href={href(null)} aria-current={props.status === null ? 'page' : undefined}>
          الكل
        </a>
        {(Object.keys(STATUS_NAMES) as ArticleStatus[]).map((status) => (
          <a href={href(status)} aria-current={props.status === status ? 'page' : undefined}>
            {STATUS_NAMES[status]} ({formatCount(props.counts[status])})
          </a>
        ))}
      </nav>
      <form method="get" action="/admin" class="search-form" role="search">
        <label for="admin-q">ابحث في العناوين</label>
        {props.status ? <input type="hidden" name="status" value={props.status} /> : null}
        <input id="admin-q" type="search" name="q" value={props.query} />
        <button type="submit">ابحث</button>
      </form>
      {props.articles.length === 0 ? <p>لا توجد مقالات هنا.</p> : null}
      <table class="admin-table">
        <caption class="visually-hidden">المقالات، الأحدث تعديلاً أولاً</caption>
        <thead>
          <tr>
            <th scope="col">العنوان</th>
            <th scope="col">الحالة</th>
            <th scope="col">القسم</th>
            <th scope="col">آخر تعديل</th>
          </tr>
        </thead>
        <tbody>
          {props.articles.map((article) => (
            <tr>
              <td>
                <a href={`/admin/articles/${article.id}`}>{article.title}</a>
                {article.breaking ? <span class="badge breaking">عاجل</span> : null}
              </td>
              <td>
                <span class={`badge status-${article.status}`}>{STATUS_NAMES[article.status]}</span>
                {article.status === 'scheduled' && article.published_at ? (
                  <>
                    {' '}
                    <When iso={article.published_at} timeZone={props.timeZone} />
                  </>
                ) : null}
              </td>
              <td>{article.section_name ?? '—'}</td>
              <td>
                <When iso={article.updated_at} timeZone={props.timeZone} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <nav class="pagination" aria-label="الصفحات">
        {props.page > 1 ? (
          <a rel="prev" href={href(props.status, props.page - 1)}>
            الصفحة السابقة
          </a>
        ) : null}
        {props.hasMore ? (
          <a rel="next" href={href(props.status, props.page + 1)}>
            الصفحة التالية
          </a>
        ) : null}
      </nav>
    </AdminLayout>
  );
}

export interface EditorState {
  /** Null for a new article. */
  article: { id: string; slug: string; status: ArticleStatus; version: number; publishedAt: string | null } | null;
  values: Record<ArticleField, string>;
  publishAt: string;
  errors: Partial<Record<ArticleField | 'publishAt', string>>;
  sections: { id: string; name: string }[];
  timeZone: string;
  /** Set when the save was refused because someone else saved first. */
  conflict?: { currentVersion: number; by: string; diff: FieldDiff[] };
  /** Unsaved work kept from an earlier visit. */
  autosave?: { savedAt: string; restored: boolean };
  notice?: string;
}

/**
 * The article editor. Works without JavaScript (every button is a plain submit; the preview opens in the frame
 * beside the form); with it, the preview follows the typing and what is typed is autosaved to the server and kept
 * in the browser until it is saved.
 */
export function EditorPage({ chrome, state }: { chrome: AdminChrome; state: EditorState }) {
  const { article, values, errors } = state;
  const action = article ? `/admin/articles/${article.id}` : '/admin/articles';
  const key = article ? article.id : 'new';
  const title = article ? `تحرير: ${values.title || 'بلا عنوان'}` : 'مقال جديد';
  return (
    <AdminLayout chrome={chrome} title={title}>
      <div class="admin-title">
        <h1>{article ? 'تحرير مقال' : 'مقال جديد'}</h1>
        {article ? (
          <p class="article-state">
            <span class={`badge status-${article.status}`}>{STATUS_NAMES[article.status]}</span>
            {article.status === 'scheduled' && article.publishedAt ? (
              <>
                {' '}يُنشر <When iso={article.publishedAt} timeZone={state.timeZone} />
              </>
            ) : null}{' '}
            · النسخة {formatCount(article.version)} ·{' '}
            <a href={`/admin/articles/${article.id}/revisions`}>النسخ السابقة</a>
            {article.status === 'published' ? (
              <>
                {' '}
                · <a href={articlePath(article.slug)}>عرض في الموقع</a>
              </>
            ) : null}
          </p>
        ) : null}
      </div>
      {state.notice ? (
        <p class="notice" role="status" data-clear-draft={key}>
          {state.notice}
        </p>
      ) : null}
      {state.conflict ? <ConflictNotice conflict={state.conflict} /> : null}
      {state.autosave && !state.autosave.restored ? (
        <div class="notice" role="status">
          <p>
            لديك تعديلات لم تُحفظ من <When iso={state.autosave.savedAt} timeZone={state.timeZone} />.
          </p>
          <p class="actions">
            <a class="button" href={`/admin/articles/${key}?restore=autosave`}>
              استعد ما كتبته
            </a>
            <form method="post" action={`/admin/articles/${key}/autosave/discard`} class="inline">
              <CsrfInput token={chrome.csrfToken} />
              <button type="submit" class="secondary">
                تجاهله
              </button>
            </form>
          </p>
        </div>
      ) : null}
      {state.autosave?.restored ? (
        <p class="notice" role="status">
          استعدنا ما كتبته ولم تحفظه. راجعه ثم احفظ.
        </p>
      ) : null}
      <ErrorSummary errors={errors} />
      <div class="editor">
        <form method="post" action={action} class="editor-form" data-autosave={`/admin/articles/${key}/autosave`} data-draft-key={key} novalidate>
          <CsrfInput token={chrome.csrfToken} />
          {article ? <input type="hidden" name="version" value={String(article.version)} /> : null}
          <Field name="title" label="العنوان" error={errors.title}>
            {(attributes) => <input {...attributes} type="text" value={values.title} required maxLength={300} autocomplete="off" />}
          </Field>
          <Field name="subtitle" label="العنوان الفرعي (اختياري)" error={errors.subtitle}>
            {(attributes) => <input {...attributes} type="text" value={values.subtitle} maxLength={500} autocomplete="off" />}
          </Field>
          <Field
            name="body"
            label="النص"
            error={errors.body}
            hint="Markdown: ## عنوان فرعي، > اقتباس، - قائمة، [نص الرابط](https://…)، **عريض**. أضف الصور من مكتبة الصور."
          >
            {(attributes) => (
              <textarea {...attributes} rows={18} dir="rtl" required>
                {values.body}
              </textarea>
            )}
          </Field>
          <Field name="sectionId" label="القسم" error={errors.sectionId}>
            {(attributes) => (
              <select {...attributes}>
                <option value="">بلا قسم</option>
                {state.sections.map((section) => (
                  <option value={section.id} selected={section.id === values.sectionId}>
                    {section.name}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <Field name="authors" label="الكتّاب" error={errors.authors} hint="افصل بين الأسماء بفاصلة (،).">
            {(attributes) => <input {...attributes} type="text" value={values.authors} autocomplete="off" />}
          </Field>
          <Field name="tags" label="الوسوم" error={errors.tags} hint="افصل بين الوسوم بفاصلة (،).">
            {(attributes) => <input {...attributes} type="text" value={values.tags} autocomplete="off" />}
          </Field>
          <Field
            name="related"
            label="مقالات ذات صلة"
            error={errors.related}
            hint="سطر لكل مقال: رابط مقال من موقعنا، أو «العنوان | الرابط» لمقال من موقع آخر."
          >
            {(attributes) => (
              <textarea {...attributes} rows={3}>
                {values.related}
              </textarea>
            )}
          </Field>
          <fieldset>
            <legend>المصدر (اختياري)</legend>
            <Field name="sourceName" label="اسم المصدر" error={errors.sourceName}>
              {(attributes) => <input {...attributes} type="text" value={values.sourceName} autocomplete="off" />}
            </Field>
            <Field name="sourceUrl" label="رابط المصدر" error={errors.sourceUrl}>
              {(attributes) => <input {...attributes} type="url" dir="ltr" value={values.sourceUrl} autocomplete="off" />}
            </Field>
          </fieldset>
          <div class="field checkbox">
            <input id="field-breaking" type="checkbox" name="breaking" checked={values.breaking === 'on'} />
            <label for="field-breaking">خبر عاجل (يُرسل نشرة «عاجل» عند النشر)</label>
          </div>
          <Field
            name="publishAt"
            label="وقت النشر المجدول"
            error={errors.publishAt}
            hint={`بتوقيت ${state.timeZone}. يُستعمل مع زر «جدولة النشر».`}
          >
            {(attributes) => <input {...attributes} type="datetime-local" value={state.publishAt} dir="ltr" />}
          </Field>
          <div class="editor-actions">
            <button type="submit" name="action" value="save">
              {article?.status === 'published' ? 'حفظ التعديلات' : 'حفظ المسودة'}
            </button>
            {article?.status !== 'published' ? (
              <button type="submit" name="action" value="publish">
                نشر الآن
              </button>
            ) : null}
            <button type="submit" name="action" value="schedule" class="secondary">
              جدولة النشر
            </button>
            {article && article.status !== 'draft' ? (
              <button type="submit" name="action" value="unpublish" class="secondary">
                {article.status === 'published' ? 'إيقاف النشر' : 'إلغاء الجدولة'}
              </button>
            ) : null}
            <button type="submit" formaction="/admin/articles/preview" formtarget="preview" class="secondary">
              معاينة
            </button>
          </div>
          <p class="autosave-status" role="status" aria-live="polite" />
        </form>
        <section class="preview" aria-labelledby="preview-heading">
          <h2 id="preview-heading">معاينة كما يراها القرّاء</h2>
          <iframe name="preview" title="معاينة المقال" class="preview-frame" src="about:blank" />
        </section>
      </div>
    </AdminLayout>
  );
}

function ConflictNotice({ conflict }: { conflict: NonNullable<EditorState['conflict']> }) {
  return (
    <div class="conflict" role="alert" tabindex={-1}>
      <h2>لم تُحفظ تعديلاتك: حفظ {conflict.by} نسخة أحدث بعد أن فتحتَ المقال</h2>
      <p>
        المقال الآن في النسخة {formatCount(conflict.currentVersion)}. ما كتبتَه ما زال في النموذج أدناه، ولم نكتبه فوق
        تعديلات زميلك. الفروق بين نسخته وما كتبتَ:
      </p>
      <DiffList diffs={conflict.diff} before="في نسخته" after="فيما كتبتَ" />
      <p>إن أردت اعتماد نصّك بعد مراجعة الفروق فاحفظ مرة أخرى.</p>
    </div>
  );
}

/** Word-level changes per field, readable without colour (ins/del, with spoken labels). */
export function DiffList({ diffs, before = 'حُذف', after = 'أُضيف' }: { diffs: FieldDiff[]; before?: string; after?: string }) {
  if (!diffs.length) return <p>لا فرق في المحتوى.</p>;
  return (
    <dl class="diff">
      {diffs.map((diff) => (
        <>
          <dt>{diff.label}</dt>
          <dd>
            {diff.parts.map((part) =>
              part.kind === 'added' ? (
                <ins>
                  <span class="visually-hidden">[{after}: </span>
                  {part.text}
                  <span class="visually-hidden">]</span>
                </ins>
              ) : part.kind === 'removed' ? (
                <del>
                  <span class="visually-hidden">[{before}: </span>
                  {part.text}
                  <span class="visually-hidden">]</span>
                </del>
              ) : (
                part.text
              ),
            )}
          </dd>
        </>
      ))}
    </dl>
  );
}

export interface RevisionRow {
  version: number;
  note: string | null;
  actor_name: string;
  created_at: string;
}

export function RevisionsPage(props: {
  chrome: AdminChrome;
  article: { id: string; title: string; version: number };
  revisions: RevisionRow[];
  selected: { version: number; diff: FieldDiff[]; previousVersion: number | null } | null;
  timeZone: string;
  notice?: string;
}) {
  const { article, selected } = props;
  return (
    <AdminLayout chrome={props.chrome} title={`نسخ «${article.title}»`}>
      <p>
        <a href={`/admin/articles/${article.id}`}>العودة إلى تحرير «{article.title}»</a>
      </p>
      <h1>النسخ السابقة</h1>
      {props.notice ? (
        <p class="conflict" role="alert">
          {props.notice}
        </p>
      ) : null}
      <div class="revisions">
        <ol reversed class="revision-list">
          {props.revisions.map((revision) => (
            <li>
              <a href={`/admin/articles/${article.id}/revisions/${revision.version}`} aria-current={selected?.version === revision.version ? 'page' : undefined}>
                النسخة {formatCount(revision.version)}
              </a>{' '}
              — {revision.actor_name}، <When iso={revision.created_at} timeZone={props.timeZone} />
              {revision.note ? <> ({revision.note})</> : null}
              {revision.version === article.version ? <> · الحالية</> : null}
            </li>
          ))}
        </ol>
        {selected ? (
          <section aria-labelledby="diff-heading">
            <h2 id="diff-heading">
              {selected.previousVersion
                ? `ما تغيّر في النسخة ${formatCount(selected.version)} عن النسخة ${formatCount(selected.previousVersion)}`
                : `النسخة ${formatCount(selected.version)} هي الأولى`}
            </h2>
            <DiffList diffs={selected.diff} />
            {selected.version !== article.version ? (
              <form method="post" action={`/admin/articles/${article.id}/revisions/${selected.version}/restore`}>
                <CsrfInput token={props.chrome.csrfToken} />
                <input type="hidden" name="version" value={String(article.version)} />
                <button type="submit">استعد النسخة {formatCount(selected.version)}</button>
                <p class="hint">تُحفظ نسخةً جديدة؛ لا يضيع شيء من النسخ الحالية.</p>
              </form>
            ) : null}
          </section>
        ) : null}
      </div>
    </AdminLayout>
  );
}

export function MediaPage(props: {
  chrome: AdminChrome;
  media: MediaItem[];
  values: { alt: string; caption: string; credit: string };
  errors: Record<string, string | undefined>;
  uploaded?: string;
}) {
  const { errors, values } = props;
  return (
    <AdminLayout chrome={props.chrome} title="الصور">
      <h1>الصور</h1>
      <ErrorSummary errors={errors} />
      {props.uploaded ? (
        <p class="notice" role="status">
          رُفعت الصورة. انسخ سطرها أدناه إلى نص المقال.
        </p>
      ) : null}
      <form method="post" action="/admin/media" enctype="multipart/form-data" class="upload-form">
        <CsrfInput token={props.chrome.csrfToken} />
        <Field name="alt" label="النص البديل (مطلوب)" error={errors.alt} hint="صف ما في الصورة لمن لا يراها.">
          {(attributes) => <input {...attributes} type="text" value={values.alt} required />}
        </Field>
        <Field name="caption" label="التعليق (اختياري)" error={errors.caption}>
          {(attributes) => <input {...attributes} type="text" value={values.caption} />}
        </Field>
        <Field name="credit" label="المصوّر أو المصدر (اختياري)" error={errors.credit}>
          {(attributes) => <input {...attributes} type="text" value={values.credit} />}
        </Field>
        <Field name="file" label="الصورة" error={errors.file} hint="JPEG أو PNG أو WebP أو AVIF، حتى ٢٠ ميغابايت.">
          {(attributes) => <input {...attributes} type="file" accept="image/*" required />}
        </Field>
        <button type="submit">ارفع الصورة</button>
      </form>
      <h2>المكتبة</h2>
      {props.media.length === 0 ? <p>لم تُرفع صور بعد.</p> : null}
      <ul class="media-grid">
        {props.media.map((item) => (
          <li id={`media-${item.id}`} class={props.uploaded === item.id ? 'media-item just-uploaded' : 'media-item'}>
            <img src={`/media/${item.id}/480.webp`} alt={item.alt} loading="lazy" width={480} height={Math.round((480 * item.height) / item.width)} />
            <p>{item.caption ?? item.alt}</p>
            <label for={`snippet-${item.id}`}>سطر الصورة في نص المقال</label>
            <input id={`snippet-${item.id}`} type="text" readonly value={markdownFor(item)} dir="auto" class="snippet" />
          </li>
        ))}
      </ul>
    </AdminLayout>
  );
}

export function SettingsPage(props: {
  chrome: AdminChrome;
  values: Record<keyof SiteSettings, string>;
  /** The library's images, to choose the logo from. */
  images: Pick<MediaItem, 'id' | 'alt'>[];
  errors: Record<string, string | undefined>;
  saved?: boolean;
}) {
  const { values, errors } = props;
  return (
    <AdminLayout chrome={props.chrome} title="إعدادات الموقع">
      <h1>إعدادات الموقع</h1>
      {props.saved ? (
        <p class="notice" role="status">
          حُفظت الإعدادات.
        </p>
      ) : null}
      <ErrorSummary errors={errors} />
      <form method="post" action="/admin/settings">
        <CsrfInput token={props.chrome.csrfToken} />
        <Field name="siteName" label="اسم الموقع" error={errors.siteName}>
          {(attributes) => <input {...attributes} type="text" value={values.siteName} required />}
        </Field>
        <Field name="description" label="وصف الموقع" error={errors.description}>
          {(attributes) => <textarea {...attributes} rows={2}>{values.description}</textarea>}
        </Field>
        <Field name="timeZone" label="المنطقة الزمنية" error={errors.timeZone} hint="بها يُكتب وقت النشر المجدول، مثل Asia/Riyadh.">
          {(attributes) => <input {...attributes} type="text" dir="ltr" value={values.timeZone} required />}
        </Field>
        <Field name="footerText" label="نص التذييل" error={errors.footerText}>
          {(attributes) => <textarea {...attributes} rows={2}>{values.footerText}</textarea>}
        </Field>
        <ImagePicker name="logoMediaId" label="الشعار (يحل محل اسم الموقع في رأس الصفحات)" value={values.logoMediaId} images={props.images} error={errors.logoMediaId} />
        <p class="hint">الموقع لا يستعمل أي أداة تحليلات أو تتبّع لدى طرف ثالث.</p>
        <button type="submit">احفظ الإعدادات</button>
      </form>
    </AdminLayout>
  );
}

export interface AuditRow {
  actor_name: string;
  action: string;
  summary: string;
  created_at: string;
}

export function AuditPage(props: { chrome: AdminChrome; entries: AuditRow[]; page: number; hasMore: boolean; timeZone: string }) {
  return (
    <AdminLayout chrome={props.chrome} title="السجل">
      <h1>سجل غرفة الأخبار</h1>
      <table class="admin-table">
        <caption class="visually-hidden">من فعل ماذا ومتى، الأحدث أولاً</caption>
        <thead>
          <tr>
            <th scope="col">متى</th>
            <th scope="col">من</th>
            <th scope="col">ماذا</th>
          </tr>
        </thead>
        <tbody>
          {props.entries.map((entry) => (
            <tr>
              <td>
                <When iso={entry.created_at} timeZone={props.timeZone} />
              </td>
              <td>{entry.actor_name}</td>
              <td>
                {entry.summary} <code class="action">{entry.action}</code>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <nav class="pagination" aria-label="الصفحات">
        {props.page > 1 ? <a href={`/admin/audit?page=${props.page - 1}`}>الأحدث</a> : null}
        {props.hasMore ? <a href={`/admin/audit?page=${props.page + 1}`}>الأقدم</a> : null}
      </nav>
    </AdminLayout>
  );
}


export interface ImportRunRow {
  id: string;
  origin: 'cli' | 'retry' | 'feed';
  actor_name: string;
  started_at: string;
  created: number;
  updated: number;
  unchanged: number;
  failed: number;
}

export interface ImportFailureRow {
  id: string;
  location: string;
  reason: string;
  retried_at: string | null;
  started_at: string;
}

/** The import queue: recent runs of the importer, and what they could not import, each with a re-run button. */
export function ImportsPage(props: {
  chrome: AdminChrome;
  runs: ImportRunRow[];
  failures: ImportFailureRow[];
  timeZone: string;
  notice?: { ok: boolean; text: string };
}) {
  return (
    <AdminLayout chrome={props.chrome} title="الاستيراد">
      <h1>الاستيراد</h1>
      {props.notice ? (
        <p class={props.notice.ok ? 'notice' : 'conflict'} role="status">
          {props.notice.text}
        </p>
      ) : null}
      <h2>ما لم يُستورد ({formatCount(props.failures.length)})</h2>
      {props.failures.length === 0 ? <p>لا شيء عالق: كل ما استوردناه نجح.</p> : null}
      <ul class="import-failures">
        {props.failures.map((failure) => (
          <li>
            <p>
              <code dir="ltr">{failure.location}</code>
            </p>
            <p class="error">{failure.reason}</p>
            <p class="hint">
              من استيراد <When iso={failure.started_at} timeZone={props.timeZone} />
              {failure.retried_at ? (
                <>
                  {' '}
                  · أُعيدت المحاولة <When iso={failure.retried_at} timeZone={props.timeZone} />
                </>
              ) : null}
            </p>
            <form method="post" action={`/admin/imports/failures/${failure.id}/retry`}>
              <CsrfInput token={props.chrome.csrfToken} />
              <button type="submit" class="secondary">
                أعد المحاولة
              </button>
            </form>
          </li>
        ))}
      </ul>
      <h2>آخر عمليات الاستيراد</h2>
      <table class="admin-table">
        <thead>
          <tr>
            <th scope="col">متى</th>
            <th scope="col">من</th>
            <th scope="col">جديد</th>
            <th scope="col">محدَّث</th>
            <th scope="col">بلا تغيير</th>
            <th scope="col">فشل</th>
          </tr>
        </thead>
        <tbody>
          {props.runs.map((run) => (
            <tr>
              <td>
                <When iso={run.started_at} timeZone={props.timeZone} />
              </td>
              <td>{run.origin === 'retry' ? `إعادة محاولة (${run.actor_name})` : run.origin === 'feed' ? `اشتراك: ${run.actor_name}` : run.actor_name}</td>
              <td>{formatCount(run.created)}</td>
              <td>{formatCount(run.updated)}</td>
              <td>{formatCount(run.unchanged)}</td>
              <td>{formatCount(run.failed)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </AdminLayout>
  );
}

export interface PersonRow {
  id: string;
  email: string;
  display_name: string | null;
  role: 'reader' | 'editor' | 'admin';
  email_verified_at: string | null;
  created_at: string;
}

const ROLE_LABELS = { reader: 'قارئ', editor: 'محرر', admin: 'مدير' } as const;

/** Readers and roles, counts of readers and newsletter subscribers, and the suppression form. */
export function PeoplePage(props: {
  chrome: AdminChrome;
  users: PersonRow[];
  byRole: Record<'reader' | 'editor' | 'admin', number>;
  verified: number;
  newsletters: { name: string; subscribers: number }[];
  query: string;
  timeZone: string;
  errors: Record<string, string | undefined>;
  notice?: string;
}) {
  return (
    <AdminLayout chrome={props.chrome} title="القرّاء والأدوار">
      <h1>القرّاء والأدوار</h1>
      {props.notice ? (
        <p class="notice" role="status">
          {props.notice}
        </p>
      ) : null}
      <ErrorSummary errors={props.errors} />
      <dl class="counts">
        <dt>القرّاء</dt>
        <dd>{formatCount(props.byRole.reader)}</dd>
        <dt>المحررون</dt>
        <dd>{formatCount(props.byRole.editor)}</dd>
        <dt>المديرون</dt>
        <dd>{formatCount(props.byRole.admin)}</dd>
        <dt>بريد مؤكَّد</dt>
        <dd>{formatCount(props.verified)}</dd>
        {props.newsletters.map((newsletter) => (
          <>
            <dt>مشتركو «{newsletter.name}»</dt>
            <dd>{formatCount(newsletter.subscribers)}</dd>
          </>
        ))}
      </dl>
      <form method="get" action="/admin/users" class="search-form" role="search">
        <label for="users-q">ابحث بالبريد</label>
        <input id="users-q" type="search" name="q" value={props.query} dir="ltr" />
        <button type="submit">ابحث</button>
      </form>
      <table class="admin-table">
        <thead>
          <tr>
            <th scope="col">الحساب</th>
            <th scope="col">منذ</th>
            <th scope="col">الدور</th>
          </tr>
        </thead>
        <tbody>
          {props.users.map((user) => (
            <tr>
              <td>
                {user.display_name ?? '—'} <span dir="ltr">&lt;{user.email}&gt;</span>
                {user.email_verified_at ? null : <span class="hint"> (بريد غير مؤكَّد)</span>}
              </td>
              <td>
                <When iso={user.created_at} timeZone={props.timeZone} />
              </td>
              <td>
                <form method="post" action={`/admin/users/${user.id}/role`} class="role-form">
                  <CsrfInput token={props.chrome.csrfToken} />
                  <label class="visually-hidden" for={`role-${user.id}`}>
                    دور {user.email}
                  </label>
                  <select id={`role-${user.id}`} name="role">
                    {(['reader', 'editor', 'admin'] as const).map((role) => (
                      <option value={role} selected={role === user.role}>
                        {ROLE_LABELS[role]}
                      </option>
                    ))}
                  </select>{' '}
                  <button type="submit" class="secondary">
                    غيّر الدور
                  </button>
                </form>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <h2>إيقاف المراسلات إلى عنوان</h2>
      <form method="post" action="/admin/users/suppress">
        <CsrfInput token={props.chrome.csrfToken} />
        <Field name="email" label="البريد الإلكتروني" error={props.errors.email} hint="لن تصله أي نشرة أو رسالة بعد الآن.">
          {(attributes) => <input {...attributes} type="text" dir="ltr" autocomplete="off" />}
        </Field>
        <button type="submit">أوقف المراسلات</button>
      </form>
    </AdminLayout>
  );
}

export interface FeedSourceRow {
  id: string;
  url: string;
  name: string;
  mode: 'review' | 'publish';
  interval_minutes: number;
  last_polled_at: string | null;
  last_error: string | null;
  section_name: string | null;
}

/** Feeds of other sources the site subscribes to, and the form to add one. */
export function FeedsPage(props: {
  chrome: AdminChrome;
  sources: FeedSourceRow[];
  sections: { id: string; name: string }[];
  values: Record<string, string>;
  errors: Record<string, string | undefined>;
  timeZone: string;
  notice?: string;
}) {
  const { values, errors } = props;
  return (
    <AdminLayout chrome={props.chrome} title="الاشتراكات">
      <h1>خلاصات المصادر</h1>
      {props.notice ? (
        <p class="notice" role="status">
          {props.notice}
        </p>
      ) : null}
      <ErrorSummary errors={errors} />
      <ul class="import-failures">
        {props.sources.map((source) => (
          <li>
            <p>
              <strong>{source.name}</strong> · <code dir="ltr">{source.url}</code>
            </p>
            <p class="hint">
              {source.mode === 'review' ? 'إلى المراجعة (مسودات)' : 'تُنشر مباشرة'} · القسم: {source.section_name ?? 'كما في الخلاصة'} · كل{' '}
              {formatCount(source.interval_minutes)} دقيقة
              {source.last_polled_at ? (
                <>
                  {' '}
                  · آخر قراءة <When iso={source.last_polled_at} timeZone={props.timeZone} />
                </>
              ) : (
                ' · لم تُقرأ بعد'
              )}
            </p>
            {source.last_error ? <p class="error">{source.last_error}</p> : null}
            <div class="editor-actions">
              <form method="post" action={`/admin/feeds/${source.id}/poll`}>
                <CsrfInput token={props.chrome.csrfToken} />
                <button type="submit" class="secondary">
                  اقرأها الآن
                </button>
              </form>
              <form method="post" action={`/admin/feeds/${source.id}/delete`}>
                <CsrfInput token={props.chrome.csrfToken} />
                <button type="submit" class="secondary">
                  ألغِ الاشتراك
                </button>
              </form>
            </div>
          </li>
        ))}
      </ul>
      <h2>اشتراك جديد</h2>
      <form method="post" action="/admin/feeds" class="upload-form">
        <CsrfInput token={props.chrome.csrfToken} />
        <Field name="url" label="رابط الخلاصة (RSS أو Atom أو JSON Feed)" error={errors.url}>
          {(attributes) => <input {...attributes} type="url" dir="ltr" value={values.url ?? ''} />}
        </Field>
        <Field name="name" label="اسم المصدر" error={errors.name}>
          {(attributes) => <input {...attributes} type="text" value={values.name ?? ''} />}
        </Field>
        <Field name="sectionId" label="القسم" error={errors.sectionId} hint="تذهب مواد هذه الخلاصة إلى هذا القسم.">
          {(attributes) => (
            <select {...attributes}>
              <option value="">كما في الخلاصة</option>
              {props.sections.map((section) => (
                <option value={section.id} selected={section.id === values.sectionId}>
                  {section.name}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field name="mode" label="المواد الجديدة" error={errors.mode}>
          {(attributes) => (
            <select {...attributes}>
              <option value="review" selected={values.mode !== 'publish'}>
                إلى المراجعة (مسودات)
              </option>
              <option value="publish" selected={values.mode === 'publish'}>
                تُنشر مباشرة
              </option>
            </select>
          )}
        </Field>
        <Field name="intervalMinutes" label="اقرأها كل (دقيقة)" error={errors.intervalMinutes}>
          {(attributes) => <input {...attributes} type="number" dir="ltr" value={values.intervalMinutes ?? '30'} />}
        </Field>
        <button type="submit">اشترك</button>
      </form>
    </AdminLayout>
  );
}
