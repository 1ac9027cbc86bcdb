import type { FastifyInstance, FastifyReply } from 'fastify';
import { z } from 'zod';
import { requireRole } from '../accounts/guards.ts';
import { articleRepository } from '../articles/article.repository.ts';
import type { NewsletterConfig } from '../config.ts';
import { invalidInput, isSahifaError, notFound } from '../lib/errors.ts';
import { CsrfField } from '../web/csrf-field.tsx';
import { Layout, renderDocument, type SiteChrome } from '../web/layout.tsx';
import { presentationFor } from '../web/presentation.tsx';
import { newsletterRepository, type NewsletterRow } from './newsletter.repository.ts';
import type { NewsletterRouteDeps } from './newsletters.routes.tsx';
import { type SendRow, sendRepository } from './send.repository.ts';
import { cancelSend, createIssue, pauseSend, renderSendIssue, resumeSend, scheduleIssue, type SendProgress, sendProgress, sendTestIssue } from './sends.service.ts';
import { loadSiteChrome } from '../web/site-chrome.ts';

const STATUS: Record<SendRow['status'], string> = {
  draft: 'مسودة',
  scheduled: 'مجدولة',
  preparing: 'قيد التحضير',
  sending: 'قيد الإرسال',
  sent: 'أُرسلت',
  paused: 'متوقفة مؤقتًا',
  failed: 'فشلت',
  cancelled: 'أُلغيت',
};

const sendParams = z.object({ id: z.string().uuid() });
const newIssueBody = z.object({
  newsletter: z.string().min(1, 'newsletter: choose one'),
  subject: z.string().max(200).optional(),
  preheader: z.string().max(300).optional(),
  /** Article slugs or URLs, one per line; empty: the newsletter's rule chooses. */
  articles: z.string().max(10_000).optional(),
});
const scheduleBody = z.object({ at: z.string().optional() });

// An editor's preview is the email itself, framed by our own admin page only.
const PREVIEW_POLICY = "default-src 'none'; style-src 'unsafe-inline'; img-src https: data:; frame-ancestors 'self'; form-action 'none'; base-uri 'none'";

const head = <link rel="stylesheet" href="/assets/newsletters.css" />;

/**
 * Editors' newsletter desk: make an issue, preview it, send a test to themselves, schedule, pause, resume, cancel,
 * and watch progress. Every route requires the editor role.
 */
export function newsletterAdminRoutes(app: FastifyInstance, deps: NewsletterRouteDeps & { settings: NewsletterConfig }) {
  const site = (): Promise<SiteChrome> => loadSiteChrome(deps.db, deps.siteName);
  const html = (reply: FastifyReply, status: number, page: preact.VNode) =>
    reply.code(status).type('text/html; charset=utf-8').header('cache-control', 'no-store').send(renderDocument(page, presentationFor())); // the editors' desk is Arabic only, like the newsroom

  app.register(async (admin) => {
    admin.addHook('preHandler', requireRole('editor'));

    const desk = async (request: { csrfToken(): string }, reply: FastifyReply, status = 200, error?: string) => {
      const repository = newsletterRepository(deps.db);
      const newsletters = await repository.listNewsletters();
      const rows = await Promise.all(
        newsletters.map(async (newsletter) => ({
          newsletter,
          counts: await repository.countByStatus(newsletter.id),
          sends: await sendRepository(deps.db).listSends(newsletter.id, 5),
        })),
      );
      return html(reply, status, <DeskPage site={await site()} rows={rows} csrfToken={request.csrfToken()} {...(error ? { error } : {})} />);
    };

    admin.get('/newsletters/admin', (request, reply) => desk(request, reply));

    admin.post('/newsletters/admin/sends', async (request, reply) => {
      const body = newIssueBody.parse(request.body ?? {});
      const newsletter = await newsletterRepository(deps.db).findNewsletterBySlug(body.newsletter);
      if (!newsletter) return desk(request, reply, 400, 'اختر نشرة.');
      const slugs = (body.articles ?? '')
        .split(/\s+/)
        .map((line) => decodeURIComponent(line.replace(/^.*\/article\//, '').replace(/[?#].*$/, '')))
        .filter(Boolean);
      const ids: string[] = [];
      for (const slug of slugs) {
        const article = await articleRepository(deps.db).findBySlug(slug);
        if (!article) return desk(request, reply, 400, `لا نجد مقالًا بهذا العنوان: ${slug}`);
        ids.push(article.id);
      }
      try {
        const { send } = await createIssue(deps.db, {
          newsletterId: newsletter.id,
          ...(ids.length ? { articleIds: ids } : {}),
          ...(body.subject ? { subject: body.subject } : {}),
          ...(body.preheader ? { preheader: body.preheader } : {}),
          createdBy: request.reader!.id,
        });
        return reply.redirect(`/newsletters/admin/sends/${send.id}`, 303);
      } catch (error) {
        if (isSahifaError(error, 'NO_ARTICLES')) return desk(request, reply, 409, 'لا جديد يُرسل في هذه النشرة الآن؛ اختر المقالات بنفسك.');
        if (isSahifaError(error, 'INVALID_INPUT')) return desk(request, reply, 400, 'هذه النشرة تحتاج إلى مقالات تختارها، وكلها منشورة.');
        throw error;
      }
    });

    const loadSend = async (id: string) => {
      const send = await sendRepository(deps.db).findSend(id);
      if (!send) throw notFound('send');
      return send;
    };

    admin.get('/newsletters/admin/sends/:id', async (request, reply) => {
      const { id } = sendParams.parse(request.params);
      const send = await loadSend(id);
      const newsletter = (await newsletterRepository(deps.db).findNewsletter(send.newsletter_id))!;
      const notice = (request.query as Record<string, string | undefined>).notice;
      return html(reply, 200, <SendPage site={await site()} send={send} newsletter={newsletter} progress={await sendProgress(deps.db, send)} csrfToken={request.csrfToken()} testTo={request.reader!.email} {...(notice ? { notice } : {})} />);
    });

    admin.get('/newsletters/admin/sends/:id/preview', async (request, reply) => {
      const { id } = sendParams.parse(request.params);
      const send = await loadSend(id);
      const issue = send.html ? { html: send.html } : await renderSendIssue(deps, send);
      if (!issue) throw notFound('published article in this issue');
      return reply.type('text/html; charset=utf-8').header('content-security-policy', PREVIEW_POLICY).header('cache-control', 'no-store').send(issue.html);
    });

    const action = (path: string, run: (send: SendRow, body: unknown, request: { reader: { email: string } | null }) => Promise<string>) =>
      admin.post(`/newsletters/admin/sends/:id/${path}`, async (request, reply) => {
        const { id } = sendParams.parse(request.params);
        const send = await loadSend(id);
        let notice: string;
        try {
          notice = await run(send, request.body ?? {}, request as { reader: { email: string } | null });
        } catch (error) {
          if (!isSahifaError(error)) throw error;
          notice = error.code === 'INVALID_INPUT' ? 'الموعد غير صالح.' : 'لا يمكن ذلك في حالة الرسالة الآن.';
        }
        return reply.redirect(`/newsletters/admin/sends/${id}?notice=${encodeURIComponent(notice)}`, 303);
      });

    action('test', async (send, _body, request) => {
      await sendTestIssue({ ...deps, secret: await deps.secret() }, send.id, request.reader!.email);
      return `أرسلنا نسخة تجريبية إلى ${request.reader!.email}.`;
    });
    action('schedule', async (send, body) => {
      const { at } = scheduleBody.parse(body);
      // A datetime-local value has no zone: it is the newsletter's (the site's) local time.
      const when = at ? zonedToUtc(at, deps.settings.timeZone) : new Date();
      if (Number.isNaN(when.getTime())) throw invalidInput('at: not a date and time');
      await scheduleIssue(deps.db, send.id, when);
      return at ? 'جُدولت الرسالة.' : 'بدأ الإرسال.';
    });
    action('pause', async (send) => {
      await pauseSend(deps.db, send.id);
      return 'أوقفنا الإرسال مؤقتًا.';
    });
    action('resume', async (send) => {
      await resumeSend(deps.db, send.id, deps.settings.lanes);
      return 'استأنفنا الإرسال.';
    });
    action('cancel', async (send) => {
      await cancelSend(deps.db, send.id);
      return 'أُلغيت الرسالة.';
    });
  });
}

/** "2026-11-26T07:00" in `timeZone` → the UTC instant. */
export function zonedToUtc(local: string, timeZone: string): Date {
  const match = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})$/.exec(local);
  if (!match) return new Date(Number.NaN);
  const [, y, mo, d, h, mi] = match.map(Number) as [number, number, number, number, number, number];
  const guess = Date.UTC(y, mo - 1, d, h, mi);
  // The zone's offset at that moment: format the guess in the zone and see how far off it reads.
  const parts = new Intl.DateTimeFormat('en-US', { timeZone, year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', hourCycle: 'h23' }).formatToParts(new Date(guess));
  const get = (type: string) => Number(parts.find((part) => part.type === type)?.value);
  const shown = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'));
  return new Date(guess - (shown - guess));
}

interface DeskRow {
  newsletter: NewsletterRow;
  counts: { unconfirmed: number; confirmed: number; unsubscribed: number };
  sends: Pick<SendRow, 'id' | 'subject' | 'status' | 'recipients_total' | 'sent_count' | 'created_at'>[];
}

function DeskPage({ site, rows, csrfToken, error }: { site: SiteChrome; rows: DeskRow[]; csrfToken: string; error?: string }) {
  return (
    <Layout site={site} title="مكتب النشرات" head={head}>
      <div class="newsletters admin">
        <h1>مكتب النشرات</h1>
        {rows.map(({ newsletter, counts, sends }) => (
          <section>
            <h2>{newsletter.name}</h2>
            <p class="fine-print">
              {counts.confirmed} مشتركًا مؤكدًا · {counts.unconfirmed} بانتظار التأكيد · {counts.unsubscribed} ألغوا الاشتراك
              {newsletter.status === 'archived' ? ' · مؤرشفة' : ''}
            </p>
            {sends.length ? (
              <ul class="sends">
                {sends.map((send) => (
                  <li>
                    <a href={`/newsletters/admin/sends/${send.id}`}>{send.subject}</a> <span class="state">{STATUS[send.status]}</span>
                  </li>
                ))}
              </ul>
            ) : null}
          </section>
        ))}
        <h2>رسالة جديدة</h2>
        <form method="post" action="/newsletters/admin/sends" class="signup">
          <CsrfField token={csrfToken} />
          {error ? (
            <p class="form-error" role="alert">
              {error}
            </p>
          ) : null}
          <label class="field">
            <span>النشرة</span>
            <select name="newsletter">
              {rows
                .filter((row) => row.newsletter.status === 'active')
                .map(({ newsletter }) => (
                  <option value={newsletter.slug}>{newsletter.name}</option>
                ))}
            </select>
          </label>
          <label class="field">
            <span>المقالات (رابط أو عنوان مختصر في كل سطر؛ اتركه فارغًا لتختار النشرة آخر الأخبار)</span>
            <textarea name="articles" rows={4} dir="ltr" />
          </label>
          <label class="field">
            <span>العنوان (اختياري)</span>
            <input name="subject" />
          </label>
          <label class="field">
            <span>سطر المعاينة (اختياري)</span>
            <input name="preheader" />
          </label>
          <button type="submit">أنشئ مسودة</button>
        </form>
      </div>
    </Layout>
  );
}

function SendPage(props: { site: SiteChrome; send: SendRow; newsletter: NewsletterRow; progress: SendProgress; csrfToken: string; testTo: string; notice?: string }) {
  const { send, progress } = props;
  const button = (path: string, label: string, secondary = false) => (
    <form method="post" action={`/newsletters/admin/sends/${send.id}/${path}`}>
      <CsrfField token={props.csrfToken} />
      <button type="submit" class={secondary ? 'secondary' : undefined}>
        {label}
      </button>
    </form>
  );
  return (
    <Layout site={props.site} title={send.subject} head={head}>
      <div class="newsletters admin">
        <p>
          <a href="/newsletters/admin">مكتب النشرات</a> · {props.newsletter.name}
        </p>
        <h1>{send.subject}</h1>
        {props.notice ? (
          <p class="notice" role="status">
            {props.notice}
          </p>
        ) : null}
        <p>
          الحالة: <strong>{STATUS[send.status]}</strong>
          {send.error ? ` — ${send.error}` : ''}
        </p>
        {send.status !== 'draft' && send.status !== 'scheduled' ? (
          <p>
            <progress max={1} value={progress.done} aria-label="نسبة الإرسال" /> {progress.counts.sent} أُرسلت · {progress.counts.failed} فشلت ·{' '}
            {progress.counts.skipped} تُخطّيت · {progress.counts.pending + progress.counts.sending} باقية
            {progress.eta ? ` · ينتهي نحو ${progress.eta.toISOString().slice(11, 16)} (ت.ع.م)` : ''}
          </p>
        ) : null}
        <div class="actions">
          {button('test', `أرسل نسخة تجريبية إلى ${props.testTo}`, true)}
          {send.status === 'draft' ? (
            <>
              {button('schedule', 'أرسل الآن')}
              <form method="post" action={`/newsletters/admin/sends/${send.id}/schedule`}>
                <CsrfField token={props.csrfToken} />
                <label>
                  أو في موعد:{' '}
                  <input type="datetime-local" name="at" required />
                </label>{' '}
                <button type="submit">جدولة</button>
              </form>
            </>
          ) : null}
          {send.status === 'sending' || send.status === 'scheduled' ? button('pause', 'أوقف مؤقتًا', true) : null}
          {send.status === 'paused' ? button('resume', 'استأنف') : null}
          {['draft', 'scheduled', 'sending', 'paused'].includes(send.status) ? button('cancel', 'ألغِ الرسالة', true) : null}
        </div>
        <h2>المعاينة</h2>
        <iframe class="preview" title="معاينة الرسالة" src={`/newsletters/admin/sends/${send.id}/preview`} sandbox="" />
      </div>
    </Layout>
  );
}
