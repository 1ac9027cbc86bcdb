import { generateKeyPairSync } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSmtpSink, type SmtpSink } from '../../test/smtp-sink.ts';
import { loadConfig, type MailConfig } from '../config.ts';
import { isSahifaError } from '../lib/errors.ts';
import { EmailButton, renderEmail } from './email-layout.tsx';
import { createMailer, MailDeliveryError, type MailMessage } from './mailer.ts';
import { listOutbox, readOutboxMessage } from './outbox.ts';

const privateKey = generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();

function welcome(to: string | string[], overrides: Partial<MailMessage> = {}): MailMessage {
  return {
    to,
    subject: 'أهلاً بك في صحيفة',
    text: 'مرحباً، أكّد بريدك من هذا الرابط: https://news.example/account/verify/abc',
    html: renderEmail({
      siteName: 'صحيفة',
      siteUrl: 'https://news.example',
      title: 'أهلاً بك',
      children: <EmailButton href="https://news.example/account/verify/abc">أكّد بريدك</EmailButton>,
    }),
    ...overrides,
  };
}

function mailConfig(overrides: Record<string, string> = {}): MailConfig {
  return loadConfig({ DATA_DIR: fs.mkdtempSync(path.join(os.tmpdir(), 'sahifa-mail-')), SITE_URL: 'https://news.example', ...overrides }).mail;
}

describe('mailer over SMTP', () => {
  let sink: SmtpSink;
  beforeAll(async () => {
    sink = await startSmtpSink();
  });
  afterAll(() => sink.close());

  it('delivers an Arabic message with text and HTML parts, DKIM-signed when configured', async () => {
    const mailer = createMailer(
      mailConfig({ SMTP_URL: sink.url, DKIM_DOMAIN: 'news.example', DKIM_SELECTOR: 'sahifa', DKIM_PRIVATE_KEY: privateKey.replaceAll('\n', '\\n') }),
    );
    try {
      const result = await mailer.send(welcome('Reader@Example.com'));
      const mail = await sink.waitForMessageTo('reader@example.com');
      expect(mail.subject).toBe('أهلاً بك في صحيفة');
      expect(mail.text).toContain('أكّد بريدك');
      expect(mail.html).toContain('dir="rtl"');
      expect(mail.links).toEqual(['https://news.example/account/verify/abc']);
      expect(mail.parsed.messageId).toBe(result.messageId);
      expect(mail.parsed.from?.text).toBe('"صحيفة" <no-reply@news.example>');
      expect(mail.raw.toString()).toMatch(/^DKIM-Signature: .*d=news\.example;.*s=sahifa;/ms);
      expect(result.accepted.map((address) => address.toLowerCase())).toEqual(['reader@example.com']);
    } finally {
      await mailer.close();
    }
  });

  it('reuses a few pooled connections for many messages', async () => {
    const mailer = createMailer(mailConfig({ SMTP_URL: sink.url, SMTP_POOL_SIZE: '2' }));
    sink.clear();
    const before = sink.connectionCount;
    try {
      await Promise.all(Array.from({ length: 12 }, (_, i) => mailer.send(welcome(`pooled${i}@example.com`))));
      expect(sink.messages).toHaveLength(12);
      expect(sink.connectionCount - before).toBeLessThanOrEqual(2);
    } finally {
      await mailer.close();
    }
  });

  it('reports a 5xx refusal as a permanent failure and a 4xx as a temporary one', async () => {
    const mailer = createMailer(mailConfig({ SMTP_URL: sink.url }));
    sink.refuseRecipient('gone@example.com', { code: 550, message: 'mailbox unavailable' });
    sink.refuseRecipient('busy@example.com', { code: 451, message: 'greylisted' });
    try {
      const permanent = await mailer.send(welcome('gone@example.com')).catch((error: unknown) => error);
      expect(permanent).toBeInstanceOf(MailDeliveryError);
      expect(isSahifaError(permanent, 'MAIL_PERMANENT_FAILURE')).toBe(true);
      expect((permanent as MailDeliveryError).responseCode).toBe(550);
      const temporary = await mailer.send(welcome('busy@example.com')).catch((error: unknown) => error);
      expect(isSahifaError(temporary, 'MAIL_TEMPORARY_FAILURE')).toBe(true);
      expect((temporary as MailDeliveryError).responseCode).toBe(451);
      // One refused recipient among several: the others still get it, and the result names the refused one.
      const partial = await mailer.send(welcome(['gone@example.com', 'here@example.com']));
      expect(partial.accepted).toEqual(['here@example.com']);
      expect(partial.rejected).toMatchObject([{ address: 'gone@example.com', responseCode: 550, permanent: true }]);
    } finally {
      sink.acceptRecipient('gone@example.com');
      sink.acceptRecipient('busy@example.com');
      await mailer.close();
    }
  });

  it('reports a server that cannot be reached as a temporary failure', async () => {
    const closedPort = await new Promise<number>((resolve) => {
      const server = net.createServer().listen(0, '127.0.0.1', () => {
        const { port } = server.address() as net.AddressInfo;
        server.close(() => resolve(port));
      });
    });
    const mailer = createMailer(mailConfig({ SMTP_URL: `smtp://127.0.0.1:${closedPort}` }));
    try {
      const error = await mailer.send(welcome('reader@example.com')).catch((caught: unknown) => caught);
      expect(isSahifaError(error, 'MAIL_TEMPORARY_FAILURE')).toBe(true);
    } finally {
      await mailer.close();
    }
  });

  it('reports a refused login (535) as a temporary failure of the connection, not as a refusal of the reader', async () => {
    const guarded = await startSmtpSink({ credentials: { user: 'sahifa', password: 'right' } });
    const mailer = createMailer(mailConfig({ SMTP_URL: `smtp://sahifa:wrong@127.0.0.1:${guarded.port}` }));
    try {
      const error = await mailer.send(welcome('reader@example.com')).catch((caught: unknown) => caught);
      expect(isSahifaError(error, 'MAIL_TEMPORARY_FAILURE')).toBe(true);
      // No response code: the sends service then keeps the reader pending, with no attempt and no bounce counted.
      expect((error as MailDeliveryError).responseCode).toBeUndefined();
      expect((error as MailDeliveryError).message).toContain('535');
    } finally {
      await mailer.close();
      await guarded.close();
    }
  });
});

describe('mailer without SMTP_URL', () => {
  it('writes each message to the outbox as .eml plus a summary, newest first', async () => {
    const config = mailConfig({ DKIM_DOMAIN: 'news.example', DKIM_SELECTOR: 'sahifa', DKIM_PRIVATE_KEY: privateKey });
    const mailer = createMailer(config);
    expect(mailer.kind).toBe('outbox');
    const first = await mailer.send(welcome('first@example.com'));
    await mailer.send(welcome('second@example.com', { subject: 'رسالة ثانية' }));
    const listed = await listOutbox(config.outboxDir);
    expect(listed.map((message) => message.to)).toEqual([['second@example.com'], ['first@example.com']]);
    const stored = await readOutboxMessage(config.outboxDir, listed[1]!.id);
    expect(stored?.summary.messageId).toBe(first.messageId);
    expect(stored?.eml).toContain('DKIM-Signature: ');
    expect(stored?.eml).toContain('Content-Type: text/plain');
    expect(stored?.eml).toContain('Content-Type: text/html');
    expect(await readOutboxMessage(config.outboxDir, '../../etc/passwd')).toBeNull();
    expect(await listOutbox(path.join(config.outboxDir, 'missing'))).toEqual([]);
  });
});

describe('mail settings', () => {
  it('rejects an SMTP_URL that is not smtp:// or smtps://, and DKIM settings given only in part', () => {
    expect(() => loadConfig({ SMTP_URL: 'http://mail.example' })).toThrow(/SMTP_URL/);
    expect(() => loadConfig({ DKIM_DOMAIN: 'news.example' })).toThrow(/DKIM_DOMAIN, DKIM_SELECTOR and DKIM_PRIVATE_KEY/);
    expect(() => loadConfig({ DKIM_DOMAIN: 'news.example', DKIM_SELECTOR: 's', DKIM_PRIVATE_KEY: 'secret' })).toThrow(/DKIM_PRIVATE_KEY/);
    expect(loadConfig({ SMTP_URL: 'smtps://user:pass@mail.example:465' }).mail.smtpUrl).toBe('smtps://user:pass@mail.example:465');
  });
});
