import type { FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { Database } from '../db/schema.ts';
import { notFound } from '../lib/errors.ts';
import { Layout, renderDocument, type SiteChrome } from '../web/layout.tsx';
import { presentationOf } from '../web/presentation.tsx';
import { Moment } from '../web/published-date.tsx';
import { listOutbox, type OutboxSummary, readOutboxMessage } from './outbox.ts';
import { loadSiteChrome } from '../web/site-chrome.ts';

const idParams = z.object({ id: z.string().max(64) });

// The HTML part is shown in a sandboxed frame with its own policy: mail HTML is full of inline styles, which the
// site's own policy forbids, and it must never run a script or reach the page around it.
const MESSAGE_POLICY = "default-src 'none'; style-src 'unsafe-inline'; img-src data: https:; frame-ancestors 'self'; sandbox";

/**
 * `/dev/outbox`: the messages the embedded mailer wrote to `outboxDir`, newest first, each with its text, its
 * HTML and the links it holds. Registered only when NODE_ENV is not production.
 */
export function outboxRoutes(
  app: FastifyInstance,
  deps: { db: Kysely<Database>; siteName: string; outboxDir: string; mailerKind: 'smtp' | 'outbox' },
) {
  const site = (): Promise<SiteChrome> => loadSiteChrome(deps.db, deps.siteName);

  app.get('/dev/outbox', async (request, reply) => {
    const messages = await listOutbox(deps.outboxDir);
    reply.type('text/html; charset=utf-8').header('cache-control', 'no-store');
    return renderDocument(<OutboxPage site={await site()} messages={messages} mailerKind={deps.mailerKind} />, presentationOf(request));
  });

  app.get('/dev/outbox/:id', async (request, reply) => {
    const { id } = idParams.parse(request.params);
    const message = await readOutboxMessage(deps.outboxDir, id);
    if (!message) throw notFound(`message "${id}"`);
    reply.type('text/html; charset=utf-8').header('cache-control', 'no-store');
    return renderDocument(<OutboxMessagePage site={await site()} message={message.summary} />, presentationOf(request));
  });

  app.get('/dev/outbox/:id/html', async (request, reply) => {
    const { id } = idParams.parse(request.params);
    const message = await readOutboxMessage(deps.outboxDir, id);
    if (!message) throw notFound(`message "${id}"`);
    reply.type('text/html; charset=utf-8').header('cache-control', 'no-store').header('content-security-policy', MESSAGE_POLICY);
    return message.summary.html;
  });

  app.get('/dev/outbox/:id/eml', async (request, reply) => {
    const { id } = idParams.parse(request.params);
    const message = await readOutboxMessage(deps.outboxDir, id);
    if (!message) throw notFound(`message "${id}"`);
    reply
      .type('message/rfc822')
      .header('cache-control', 'no-store')
      .header('content-disposition', `attachment; filename="${id}.eml"`);
    return message.eml;
  });
}

function OutboxPage({ site, messages, mailerKind }: { site: SiteChrome; messages: OutboxSummary[]; mailerKind: 'smtp' | 'outbox' }) {
  return (
    <Layout site={site} title="صندوق البريد الصادر">
      <h1>صندوق البريد الصادر</h1>
      <p class="dev-note">
        صفحة للتطوير فقط: الرسائل التي كتبها الموقع في مجلد البريد الصادر بدل إرسالها.
        {mailerKind === 'smtp' ? ' البريد الآن يُرسَل عبر SMTP، فلن تظهر هنا رسائل جديدة.' : ''}
      </p>
      {messages.length === 0 ? (
        <p>لا رسائل بعد.</p>
      ) : (
        <table class="outbox">
          <thead>
            <tr>
              <th scope="col">الوقت</th>
              <th scope="col">إلى</th>
              <th scope="col">الموضوع</th>
            </tr>
          </thead>
          <tbody>
            {messages.map((message) => (
              <tr>
                <td>
                  <Moment iso={message.sentAt} />
                </td>
                <td dir="ltr">{message.to.join(', ')}</td>
                <td>
                  <a href={`/dev/outbox/${message.id}`}>{message.subject}</a>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </Layout>
  );
}

function OutboxMessagePage({ site, message }: { site: SiteChrome; message: OutboxSummary }) {
  const links = [...new Set(message.text.match(/https?:\/\/[^\s<>"]+/g) ?? [])];
  return (
    <Layout site={site} title={message.subject}>
      <p>
        <a href="/dev/outbox">→ صندوق البريد الصادر</a>
      </p>
      <h1>{message.subject}</h1>
      <dl class="outbox-headers">
        <dt>من</dt>
        <dd dir="ltr">{message.from}</dd>
        <dt>إلى</dt>
        <dd dir="ltr">{message.to.join(', ')}</dd>
        <dt>الوقت</dt>
        <dd>
          <Moment iso={message.sentAt} />
        </dd>
        <dt>المعرّف</dt>
        <dd dir="ltr">{message.messageId}</dd>
      </dl>
      {links.length ? (
        <section>
          <h2>الروابط في الرسالة</h2>
          <ul class="outbox-links">
            {links.map((link) => (
              <li dir="ltr">
                <a href={link}>{link}</a>
              </li>
            ))}
          </ul>
        </section>
      ) : null}
      <h2>النص</h2>
      <pre class="outbox-text">{message.text}</pre>
      <h2>HTML</h2>
      <iframe class="outbox-html" title={`نص HTML للرسالة: ${message.subject}`} src={`/dev/outbox/${message.id}/html`} sandbox="" />
      <p>
        <a href={`/dev/outbox/${message.id}/eml`}>تنزيل الرسالة كاملة (.eml)</a>
      </p>
    </Layout>
  );
}
