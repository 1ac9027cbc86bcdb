import { generateKeyPairSync } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSmtpSink, type SmtpSink } from '../../test/smtp-sink.ts';
import { loadConfig } from '../config.ts';
import { createBulkMailer } from './bulk-mailer.ts';
import { createMailer, type MailMessage } from './mailer.ts';

const privateKey = generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
const prepared = (value: string) => ({ prepared: true as const, value });

function newsletterMessage(to: string): MailMessage & { to: string } {
  return {
    to,
    from: '"صحيفة اليوم" <newsletters@news.example>',
    replyTo: 'desk@news.example',
    subject: 'الموجز اليومي: افتتاح جسر جديد فوق النهر بعد سنوات من الانتظار والعمل المتواصل',
    text: 'افتتاح جسر جديد\nhttps://news.example/article/jisr\n\nإلغاء الاشتراك: https://news.example/unsubscribe/abc',
    html: '<html lang="ar" dir="rtl"><body dir="rtl" lang="ar"><p>افتتاح جسر جديد</p></body></html>',
    messageId: `<send.${to}@news.example>`,
    textEncoding: 'base64',
    envelopeFrom: 'b+abc.def@news.example',
    headers: {
      'List-Id': prepared('=?UTF-8?B?2KfZhNmF2YjYrNiy?= <daily.newsletters.news.example>'),
      'List-Unsubscribe': prepared('<https://news.example/unsubscribe/abc>, <mailto:unsubscribe@news.example?subject=unsubscribe%20abc>'),
      'List-Unsubscribe-Post': prepared('List-Unsubscribe=One-Click'),
      'Feedback-ID': prepared('0123abcd:daily:newsletter:sahifa'),
      'Precedence': prepared('bulk'),
    },
  };
}

describe('the bulk mailer', () => {
  let sink: SmtpSink;
  beforeAll(async () => {
    sink = await startSmtpSink();
  });
  afterAll(() => sink.close());

  it('delivers the message nodemailer would: the same headers, parts and envelope', async () => {
    const config = { ...loadConfig({ SITE_URL: 'https://news.example' }).mail, smtpUrl: sink.url };
    const mailer = createMailer(config);
    const bulk = createBulkMailer(config, mailer);
    try {
      await mailer.send(newsletterMessage('ordinary@example.org'));
      const result = await bulk.send(newsletterMessage('bulk@example.org'), () => true);
      expect(result).toMatchObject({ messageId: '<send.bulk@example.org@news.example>', accepted: ['bulk@example.org'] });
      const ordinary = await sink.waitForMessageTo('ordinary@example.org');
      const lean = await sink.waitForMessageTo('bulk@example.org');
      expect(lean.envelope.from).toBe(ordinary.envelope.from);
      // Every header but those naming the recipient, the moment and the part boundary, value for value.
      const comparable = (headers: Map<string, unknown>) =>
        Object.fromEntries([...headers].filter(([name]) => !['to', 'date', 'message-id', 'content-type'].includes(name)).map(([name, value]) => [name, JSON.stringify(value)]));
      expect(comparable(lean.parsed.headers)).toEqual(comparable(ordinary.parsed.headers));
      expect(lean.parsed.headers.get('content-type')).toMatchObject({ value: 'multipart/alternative' });
      expect(lean.subject).toBe(ordinary.subject);
      expect(lean.text).toBe(ordinary.text);
      expect(lean.html).toBe(ordinary.html);
      const rawHeader = (raw: Buffer, name: string) => new RegExp(`^${name}: (.*?)\\r?$`, 'im').exec(raw.toString())?.[1];
      for (const name of ['List-Id', 'List-Unsubscribe', 'List-Unsubscribe-Post', 'Feedback-ID']) {
        expect(rawHeader(lean.raw, name), name).toBe(rawHeader(ordinary.raw, name));
      }
    } finally {
      await mailer.close();
      await bulk.close();
    }
  });

  it('DKIM-signs with the configured key, as ordinary mail is', async () => {
    const config = {
      ...loadConfig({ SITE_URL: 'https://news.example', DKIM_DOMAIN: 'news.example', DKIM_SELECTOR: 'sahifa', DKIM_PRIVATE_KEY: privateKey.replaceAll('\n', '\\n') }).mail,
      smtpUrl: sink.url,
    };
    const mailer = createMailer(config);
    const bulk = createBulkMailer(config, mailer);
    try {
      await bulk.send(newsletterMessage('signed@example.org'), () => true);
      const mail = await sink.waitForMessageTo('signed@example.org');
      expect(mail.raw.toString()).toMatch(/^DKIM-Signature: .*d=news\.example;.*s=sahifa;/ms);
      expect(mail.subject).toBe(newsletterMessage('x').subject);
    } finally {
      await mailer.close();
      await bulk.close();
    }
  });

  it('hands the message to the ordinary mailer without SMTP_URL (the outbox), once it is still ours', async () => {
    const sent: string[] = [];
    const mailer = { kind: 'outbox' as const, close: async () => {}, send: async (message: MailMessage) => (sent.push(String(message.to)), { messageId: '<x@y>', accepted: [String(message.to)], rejected: [] }) };
    const bulk = createBulkMailer(loadConfig({}).mail, mailer);
    expect(await bulk.send(newsletterMessage('kept@example.org'), () => false)).toBe('withheld');
    await bulk.send(newsletterMessage('sent@example.org'), () => true);
    expect(sent).toEqual(['sent@example.org']);
  });
});
