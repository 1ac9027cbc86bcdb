import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';
import { ZodError } from 'zod';
import type { Database } from '../db/schema.ts';
import { isSahifaError } from '../lib/errors.ts';
import { Layout, renderDocument, type SiteChrome } from './layout.tsx';
import { loadSiteChrome } from './site-chrome.ts';

const PAGES: Record<number, { title: string; text: string }> = {
  400: { title: 'طلب غير صالح', text: 'في الرابط أو في البيانات المرسلة ما لا نفهمه. راجعه وحاول مرة أخرى.' },
  401: { title: 'سجّل الدخول أولاً', text: 'هذه الصفحة لأصحاب الحسابات. سجّل الدخول ثم حاول مرة أخرى.' },
  403: { title: 'لا يمكنك الوصول إلى هذه الصفحة', text: 'حسابك لا يملك صلاحية هذه الصفحة، أو انتهت صلاحية النموذج الذي أرسلته. أعد تحميل الصفحة السابقة وحاول مجدداً.' },
  404: { title: 'الصفحة غير موجودة', text: 'لم نجد ما تبحث عنه. ربما نُقلت الصفحة أو حُذفت.' },
  408: { title: 'انتهت مهلة الطلب', text: 'استغرق وصول طلبك وقتاً أطول مما ننتظر. تحقّق من اتصالك وحاول مرة أخرى.' },
  413: { title: 'البيانات المرسلة كبيرة جداً', text: 'ما أرسلته أكبر مما نقبله في طلب واحد. قلّل حجمه وحاول مرة أخرى.' },
  429: { title: 'محاولات كثيرة', text: 'أرسلت طلبات كثيرة في وقت قصير. انتظر قليلاً ثم حاول مرة أخرى.' },
  500: { title: 'حدث خطأ من جهتنا', text: 'نعتذر، تعذّر عرض هذه الصفحة الآن. سجّلنا الخطأ وسنعمل على إصلاحه؛ حاول مجدداً بعد قليل.' },
  503: { title: 'الخدمة غير متاحة مؤقتاً', text: 'نعتذر، لا نستطيع عرض هذه الصفحة في هذه اللحظة. نعمل على إعادتها، فحاول مجدداً بعد لحظات.' },
};

/** Seconds a client should wait before retrying a 503; the app reconnects to the database by itself within that. */
const RETRY_AFTER_SECONDS = 5;

function ErrorPage({ site, status }: { site: SiteChrome; status: number }) {
  const page = PAGES[status] ?? PAGES[500]!;
  return (
    <Layout site={site} title={page.title}>
      <h1>{page.title}</h1>
      <p>{page.text}</p>
      <p>
        <a href="/">العودة إلى الصفحة الرئيسية</a> · <a href="/search">البحث في الأرشيف</a>
      </p>
    </Layout>
  );
}

/**
 * Errors become Arabic pages for readers and `{ error: { code, message } }` for the JSON API. Unknown errors are
 * logged and shown as a generic 500 that reveals nothing of the cause.
 */
export function errorPages(app: FastifyInstance, deps: { db: Kysely<Database>; siteName: string }) {
  const respond = async (request: FastifyRequest, reply: FastifyReply, status: number, code: string, message: string) => {
    reply.code(status);
    if (status === 503) reply.header('retry-after', String(RETRY_AFTER_SECONDS));
    if (request.url.startsWith('/api/')) return reply.send({ error: { code, message } });
    // Best effort: the site's name and sections make the page familiar, but an error page must render even when the
    // database is down (the configured name, no sections).
    const site = status >= 500 ? { siteName: deps.siteName, sections: [] } : await loadSiteChrome(deps.db, deps.siteName).catch(() => ({ siteName: deps.siteName, sections: [] }));
    return reply.type('text/html; charset=utf-8').send(renderDocument(<ErrorPage site={site} status={status} />));
  };

  app.setNotFoundHandler((request, reply) => respond(request, reply, 404, 'NOT_FOUND', `${request.url} not found`));

  app.setErrorHandler((error, request, reply) => {
    if (error instanceof ZodError) {
      const problems = error.issues.map((issue) => `${issue.path.join('.') || 'input'}: ${issue.message}`).join('; ');
      return respond(request, reply, 400, 'INVALID_INPUT', problems);
    }
    if (isSahifaError(error)) {
      if (error.report) request.log.error(error);
      return respond(request, reply, error.status, error.code, error.message);
    }
    const status = (error as { statusCode?: number }).statusCode;
    if (status && status >= 400 && status < 500) return respond(request, reply, status, 'BAD_REQUEST', (error as Error).message);
    request.log.error(error);
    return respond(request, reply, 500, 'INTERNAL', 'internal error');
  });
}
