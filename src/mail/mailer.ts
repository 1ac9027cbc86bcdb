import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import nodemailer from 'nodemailer';
import type { MailConfig } from '../config.ts';
import { SahifaError } from '../lib/errors.ts';
import { type OutboxSummary, outboxFileName } from './outbox.ts';

/** One message to one reader (or a few). Always both parts: many readers' mail programs show only the text. */
export interface MailMessage {
  to: string | string[];
  subject: string;
  /** The plain-text part. */
  text: string;
  /** The HTML part; build it with `emailDocument()` so it is Arabic and right-to-left. */
  html: string;
  /** Overrides the configured From. */
  from?: string;
  replyTo?: string;
  /**
   * Extra headers, e.g. `List-Unsubscribe` and `List-Unsubscribe-Post` for newsletters. A `{ prepared: true }`
   * value is sent exactly as given (ASCII, not folded), so a DKIM signature over it survives (nodemailer #1654).
   */
  headers?: Record<string, string | { prepared: true; value: string }>;
  /** A fixed Message-ID (`<id@host>`), e.g. the same one when a newsletter message is sent again after a crash. */
  messageId?: string;
  /** The envelope sender (MAIL FROM), where bounces go; e.g. a VERP address naming the recipient. */
  envelopeFrom?: string;
  /** How the text and HTML parts are encoded; base64 is smaller and cheaper than quoted-printable for Arabic. */
  textEncoding?: 'base64' | 'quoted-printable';
}

/** A recipient the server refused while it accepted the others. */
export interface RejectedRecipient {
  address: string;
  responseCode?: number;
  /** True for a 5xx answer: sending again will fail again (a bounce). */
  permanent: boolean;
  response?: string;
}

export interface SendResult {
  /** The Message-ID header, e.g. `<…@example.com>`. */
  messageId: string;
  accepted: string[];
  /** Only when some recipients were refused and at least one accepted; when all are refused `send` throws. */
  rejected: RejectedRecipient[];
  /** The server's final answer, e.g. `250 2.0.0 Ok: queued as 4F2A1` (names the message in the provider's logs). */
  response?: string;
}

export interface Mailer {
  /**
   * Sends one message. Throws a `MailDeliveryError` when nothing was delivered: code `MAIL_PERMANENT_FAILURE`
   * (a 5xx answer: do not retry, treat as a bounce) or `MAIL_TEMPORARY_FAILURE` (4xx, connection refused,
   * timeout: retry later).
   */
  send(message: MailMessage): Promise<SendResult>;
  /** Closes pooled SMTP connections; waits for nothing else. */
  close(): Promise<void>;
  /** `smtp` when SMTP_URL is set, `outbox` when messages are written to `config.outboxDir`. */
  readonly kind: 'smtp' | 'outbox';
}

/** Nothing was delivered. Switch on `code`; `responseCode` and `response` are the server's words when it answered. */
export class MailDeliveryError extends SahifaError {
  constructor(
    readonly permanent: boolean,
    message: string,
    readonly responseCode?: number,
    readonly response?: string,
  ) {
    super(permanent ? 'MAIL_PERMANENT_FAILURE' : 'MAIL_TEMPORARY_FAILURE', message, 502, true);
    this.name = 'MailDeliveryError';
  }
}

interface NodemailerFailure extends Error {
  code?: string;
  responseCode?: number;
  response?: string;
  permanent?: boolean;
  rejectedErrors?: NodemailerFailure[];
  recipient?: string;
}

/**
 * The one way Sahifa sends mail. With `smtpUrl`, a pooled SMTP transport (reuse one mailer for a bulk send: it
 * keeps `poolSize` connections open and respects `ratePerSecond`). Without it, each message is written to
 * `outboxDir` as an .eml file plus a .json summary that `/dev/outbox` lists. DKIM-signs when `dkim` is set, on
 * both paths, so the outbox shows exactly what would be sent.
 */
export function createMailer(config: MailConfig): Mailer {
  const dkim = config.dkim ? { ...config.dkim } : undefined;
  const defaults = { from: config.from };
  if (config.smtpUrl) {
    const transport = nodemailer.createTransport(
      {
        pool: true,
        url: config.smtpUrl,
        maxConnections: config.poolSize,
        ...(config.ratePerSecond > 0 ? { rateLimit: config.ratePerSecond, rateDelta: 1000 } : {}),
        ...(dkim ? { dkim } : {}),
      },
      defaults,
    );
    return {
      kind: 'smtp',
      async send(message) {
        try {
          const info = await transport.sendMail(toNodemailer(message));
          return {
            messageId: info.messageId,
            accepted: (info.accepted ?? []).map(String),
            rejected: ((info as { rejectedErrors?: NodemailerFailure[] }).rejectedErrors ?? []).map(rejectedRecipient),
            ...(info.response ? { response: info.response } : {}),
          };
        } catch (error) {
          throw deliveryError(error as NodemailerFailure);
        }
      },
      async close() {
        transport.close();
      },
    };
  }

  const transport = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'windows', ...(dkim ? { dkim } : {}) }, defaults);
  return {
    kind: 'outbox',
    async send(message) {
      const info = await transport.sendMail(toNodemailer(message));
      const recipients = Array.isArray(message.to) ? message.to : [message.to];
      const sentAt = new Date().toISOString();
      const name = outboxFileName(sentAt, randomBytes(4).toString('hex'));
      const summary: OutboxSummary = {
        id: name,
        messageId: info.messageId,
        sentAt,
        from: message.from ?? config.from,
        to: recipients,
        subject: message.subject,
        text: message.text,
        html: message.html,
      };
      await fs.mkdir(config.outboxDir, { recursive: true });
      await fs.writeFile(path.join(config.outboxDir, `${name}.eml`), info.message as Buffer);
      // The summary appears last and whole (rename), so a listing never shows a message that is half written.
      const temporary = path.join(config.outboxDir, `.${name}.json.tmp`);
      await fs.writeFile(temporary, JSON.stringify(summary));
      await fs.rename(temporary, path.join(config.outboxDir, `${name}.json`));
      return { messageId: info.messageId, accepted: recipients, rejected: [] };
    },
    async close() {},
  };
}

function toNodemailer(message: MailMessage) {
  return {
    to: message.to,
    subject: message.subject,
    text: message.text,
    html: message.html,
    ...(message.from ? { from: message.from } : {}),
    ...(message.replyTo ? { replyTo: message.replyTo } : {}),
    ...(message.headers ? { headers: message.headers } : {}),
    ...(message.messageId ? { messageId: message.messageId } : {}),
    ...(message.textEncoding ? { textEncoding: message.textEncoding } : {}),
    ...(message.envelopeFrom ? { envelope: { from: message.envelopeFrom, to: message.to } } : {}),
  };
}

function rejectedRecipient(error: NodemailerFailure): RejectedRecipient {
  return {
    address: error.recipient ?? '',
    permanent: isPermanent(error),
    ...(error.responseCode ? { responseCode: error.responseCode } : {}),
    ...(error.response ? { response: error.response } : {}),
  };
}

function isPermanent(error: NodemailerFailure): boolean {
  if (error.permanent !== undefined) return error.permanent;
  return error.responseCode !== undefined && error.responseCode >= 500 && error.responseCode !== 503;
}

/** nodemailer's codes for an answer about the message or its recipients; every other code is about the connection. */
const ANSWERS_ABOUT_THE_MESSAGE = new Set(['EENVELOPE', 'EMESSAGE']);

function deliveryError(error: NodemailerFailure): MailDeliveryError {
  // When every recipient is refused, the per-recipient answer says more than the envelope error wrapping it.
  const cause = error.rejectedErrors?.[0] ?? error;
  const detail = cause.response ?? cause.code ?? cause.message;
  // A refused login (EAUTH, 535), TLS or greeting failure says nothing about the reader: temporary, and without the
  // server's code, so a send keeps the reader waiting for the mail server instead of counting a bounce.
  if (cause.code !== undefined && !ANSWERS_ABOUT_THE_MESSAGE.has(cause.code)) {
    return new MailDeliveryError(false, `mail not delivered: ${detail}`);
  }
  const permanent = error.responseCode !== undefined || cause.responseCode !== undefined ? isPermanent(cause) : false;
  return new MailDeliveryError(permanent, `mail not delivered: ${detail}`, cause.responseCode, cause.response);
}
