import { simpleParser } from 'mailparser';
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import { isSahifaError } from '../lib/errors.ts';
import { newsletterRepository } from './newsletter.repository.ts';
import { unsubscribeWithToken } from './newsletters.service.ts';
import { recordBounce } from './sends.service.ts';
import { readBounceAddress } from './tokens.ts';

// Mail that comes back to us: delivery status notifications (RFC 3464 bounces) and feedback reports (ARF
// complaints) sent to the VERP address of a message, and unsubscribe requests sent to the List-Unsubscribe mailto.
// It arrives at POST /newsletters/inbound (piped by the mail server) or from mailbox files (`sahifa bounces`).

export interface RecipientStatus {
  email: string;
  /** failed, delayed, delivered, relayed, expanded (RFC 3464 Action). */
  action: string;
  /** e.g. 5.1.1 */
  status: string;
  diagnostic: string | null;
}

export type InboundMail =
  | { kind: 'bounce'; recipients: RecipientStatus[]; verpSubscriberId: string | null }
  | { kind: 'complaint'; email: string | null; verpSubscriberId: string | null }
  | { kind: 'unsubscribe'; token: string }
  | { kind: 'other' };

/** Header fields of one block of a delivery-status or feedback-report body (unfolded, names lower-cased). */
function fieldBlocks(text: string): Map<string, string>[] {
  return text
    .replace(/\r\n/g, '\n')
    .replace(/\n[ \t]+/g, ' ')
    .split(/\n\s*\n/)
    .map((block) => {
      const fields = new Map<string, string>();
      for (const line of block.split('\n')) {
        const colon = line.indexOf(':');
        if (colon > 0) fields.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
      }
      return fields;
    })
    .filter((fields) => fields.size > 0);
}

/** `rfc822; reader@example.org` → `reader@example.org` */
const addressOf = (value: string | undefined) => (value ? (value.includes(';') ? value.split(';')[1]! : value).trim().replace(/^<|>$/g, '').toLowerCase() : null);

/** Reads a received message: which kind of mail it is and whom it concerns. */
export async function parseInboundMail(raw: Buffer | string, secret: string): Promise<InboundMail> {
  const mail = await simpleParser(raw, { skipHtmlToText: true, skipTextToHtml: true, skipImageLinks: true });
  const addresses = ['to', 'delivered-to', 'x-original-to']
    .flatMap((name) => {
      const value = mail.headers.get(name);
      if (!value) return [];
      if (typeof value === 'string') return [value];
      const list = Array.isArray(value) ? value : [value];
      return list.flatMap((item) => ('value' in (item as object) ? (item as { value: { address?: string }[] }).value.map((a) => a.address ?? '') : [String(item)]));
    })
    .map((address) => address.replace(/^.*</, '').replace(/>.*$/, '').trim());
  const verpSubscriberId = addresses.map((address) => readBounceAddress(secret, address)).find((id) => id !== null) ?? null;

  const contentType = mail.headers.get('content-type') as { value?: string; params?: Record<string, string> } | undefined;
  const reportType = contentType?.value === 'multipart/report' ? contentType.params?.['report-type']?.toLowerCase() : undefined;
  // mailparser keeps a report's machine-readable part as an attachment or, for text-like ones, inside `text`;
  // either way its fields are blocks of "Name: value" lines.
  const part = (type: string) => mail.attachments.find((attachment) => attachment.contentType.toLowerCase() === type)?.content.toString('utf8') ?? mail.text;

  if (reportType === 'delivery-status') {
    const body = part('message/delivery-status') ?? part('message/global-delivery-status') ?? '';
    const recipients = fieldBlocks(body)
      .filter((fields) => fields.has('final-recipient') || fields.has('original-recipient'))
      .map((fields) => ({
        email: addressOf(fields.get('final-recipient') ?? fields.get('original-recipient')) ?? '',
        action: (fields.get('action') ?? '').toLowerCase(),
        status: (fields.get('status') ?? '').split(/\s/)[0] ?? '',
        diagnostic: fields.get('diagnostic-code') ?? null,
      }));
    return { kind: 'bounce', recipients, verpSubscriberId };
  }
  if (reportType === 'feedback-report') {
    const fields = fieldBlocks(part('message/feedback-report') ?? '').find((block) => block.has('feedback-type'));
    return { kind: 'complaint', email: addressOf(fields?.get('original-rcpt-to')), verpSubscriberId };
  }
  const token = /unsubscribe\s+(\S+)/i.exec(mail.subject ?? '')?.[1];
  if (token && addresses.some((address) => address.toLowerCase().startsWith('unsubscribe@'))) return { kind: 'unsubscribe', token };
  return { kind: 'other' };
}

/** What one received message changed, for the endpoint's answer and the command's report. */
export interface InboundOutcome {
  kind: InboundMail['kind'];
  /** Addresses recorded as bounced or complained about. */
  addresses: string[];
}

/**
 * Acts on a received message: a failed recipient (5.x.x) is a hard bounce, a delayed or 4.x.x one a soft bounce,
 * a complaint suppresses the address, an unsubscribe request unsubscribes. The address comes from the report,
 * or from the VERP address when the report does not name it.
 */
export async function processInboundMail(deps: { db: Kysely<Database>; secret: string }, raw: Buffer | string): Promise<InboundOutcome> {
  const mail = await parseInboundMail(raw, deps.secret);
  const verpEmail = async (subscriberId: string | null) =>
    subscriberId ? ((await newsletterRepository(deps.db).findSubscriber(subscriberId))?.email ?? null) : null;
  if (mail.kind === 'bounce') {
    const addresses: string[] = [];
    const fallback = await verpEmail(mail.verpSubscriberId);
    for (const recipient of mail.recipients) {
      const email = recipient.email || fallback;
      const hard = recipient.action === 'failed' && recipient.status.startsWith('5');
      const soft = recipient.action === 'delayed' || recipient.status.startsWith('4');
      if (!email || (!hard && !soft)) continue;
      await recordBounce(deps.db, { email, kind: hard ? 'hard' : 'soft', statusCode: recipient.status || null, diagnostic: recipient.diagnostic, sendId: null });
      addresses.push(email);
    }
    return { kind: 'bounce', addresses };
  }
  if (mail.kind === 'complaint') {
    const email = mail.email ?? (await verpEmail(mail.verpSubscriberId));
    if (email) await recordBounce(deps.db, { email, kind: 'complaint', statusCode: null, diagnostic: 'feedback report (abuse)', sendId: null });
    return { kind: 'complaint', addresses: email ? [email] : [] };
  }
  if (mail.kind === 'unsubscribe') {
    try {
      await unsubscribeWithToken(deps, mail.token, 'mailto');
      return { kind: 'unsubscribe', addresses: [] };
    } catch (error) {
      // A token we did not make (mistyped, forged): nothing to do.
      if (isSahifaError(error, 'NOT_FOUND')) return { kind: 'other', addresses: [] };
      throw error;
    }
  }
  return { kind: 'other', addresses: [] };
}

/** Splits an mbox file into its messages (lines starting "From " separate them); a single message passes through. */
export function splitMailbox(text: string): string[] {
  if (!text.startsWith('From ')) return [text];
  return text
    .split(/^From .*\r?\n/m)
    .filter((message) => message.trim())
    .map((message) => message.replace(/^>(>*From )/gm, '$1'));
}
