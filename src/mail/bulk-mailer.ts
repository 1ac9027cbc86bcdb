import { randomBytes } from 'node:crypto';
import nodemailer from 'nodemailer';
import type { MailConfig } from '../config.ts';
import type { Mailer, MailMessage, SendResult } from './mailer.ts';
import { messageDate, rawMessage } from './raw-message.ts';
import { parseSender } from './site-sender.ts';
import { createSmtpPipeline } from './smtp-pipeline.ts';

/** How bulk sends (newsletters) go out: many messages, one recipient each, each checked right before it leaves. */
export interface BulkMailer {
  /**
   * Sends one message to one recipient. `stillOurs` is asked right before the message goes out (for a lane: does it
   * still hold the recipient's lease?); when it says no, nothing is sent and the result is `withheld`. Throws a
   * `MailDeliveryError` as `Mailer.send` does.
   */
  send(message: MailMessage & { to: string }, stillOurs: () => boolean): Promise<SendResult | 'withheld'>;
  /** Closes its SMTP connections. */
  close(): Promise<void>;
}

/**
 * With `smtpUrl`: the lean pipelined SMTP client (smtp-pipeline.ts, `poolSize` persistent connections,
 * `ratePerSecond`) sending messages built directly as bytes (raw-message.ts) — and DKIM-signed by nodemailer's own
 * signer when `dkim` is set, so the signature is exactly the one ordinary mail gets. Without `smtpUrl` (the outbox),
 * or with options in it (`?…`) that only nodemailer reads: `mailer.send`, once `stillOurs` says yes.
 */
export function createBulkMailer(config: MailConfig, mailer: Mailer): BulkMailer {
  if (!config.smtpUrl || new URL(config.smtpUrl).search) {
    return {
      async send(message, stillOurs) {
        if (!stillOurs()) return 'withheld';
        return mailer.send(message);
      },
      close: async () => {},
    };
  }
  const pipeline = createSmtpPipeline({ url: config.smtpUrl, connections: config.poolSize, ratePerSecond: config.ratePerSecond });
  const signer = config.dkim ? nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'windows', dkim: { ...config.dkim } }) : null;
  const messageIdHost = parseSender(config.from, '').address.replace(/^.*@/, '') || 'localhost';
  // The Date header changes once a second, not per message.
  let date = { second: 0, text: '' };
  return {
    async send(message, stillOurs) {
      const now = Math.floor(Date.now() / 1000);
      if (date.second !== now) date = { second: now, text: messageDate(new Date(now * 1000)) };
      const messageId = message.messageId ?? `<${randomBytes(12).toString('hex')}@${messageIdHost}>`;
      let data = rawMessage({ ...message, from: message.from ?? config.from, messageId }, date.text);
      const envelopeFrom = message.envelopeFrom ?? parseSender(message.from ?? config.from, '').address;
      if (signer) data = (await signer.sendMail({ raw: data, envelope: { from: envelopeFrom, to: message.to } })).message as Buffer;
      const outcome = await pipeline.send({ envelopeFrom, to: message.to, data }, stillOurs);
      if (outcome === 'withheld') return outcome;
      return { messageId, accepted: [message.to], rejected: [], response: outcome.response };
    },
    close: () => pipeline.close(),
  };
}
