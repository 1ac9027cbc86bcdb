import type { AddressInfo } from 'node:net';
import { type ParsedMail, simpleParser } from 'mailparser';
import { SMTPServer, type SMTPServerAddress } from 'smtp-server';

/** A message the sink accepted, parsed. */
export interface ReceivedMail {
  /** SMTP envelope: MAIL FROM and the accepted RCPT TO addresses (lower-cased). */
  envelope: { from: string; to: string[] };
  subject: string;
  /** The plain-text part ('' when absent). */
  text: string;
  /** The HTML part ('' when absent). */
  html: string;
  /** Every http(s) URL in the plain-text part, in order. */
  links: string[];
  /** The whole parse, for headers (`parsed.headers.get('dkim-signature')`) and anything else. */
  parsed: ParsedMail;
  raw: Buffer;
}

/** An SMTP answer the sink gives instead of accepting a recipient, e.g. `{ code: 550, message: 'no such user' }`. */
export interface SinkRefusal {
  /** 4xx: temporary (the sender should retry); 5xx: permanent (a bounce). */
  code: number;
  message?: string;
}

export interface SmtpSink {
  /** `smtp://127.0.0.1:<port>`: put it in SMTP_URL (or `MailConfig.smtpUrl`). */
  readonly url: string;
  readonly port: number;
  /** Every accepted message, in the order the sink received them. */
  readonly messages: ReceivedMail[];
  /** SMTP connections opened so far (a pooled sender reuses a few for many messages). */
  readonly connectionCount: number;
  /** Resolves with the first `count` messages (all received so far, at least `count`) or rejects after `timeoutMs`. */
  waitForMessages(count: number, timeoutMs?: number): Promise<ReceivedMail[]>;
  /** Resolves with the first message whose recipients include `address` (case-insensitive), waiting for it to come. */
  waitForMessageTo(address: string, timeoutMs?: number): Promise<ReceivedMail>;
  /** From now on, answer RCPT TO for `address` with `refusal` (e.g. 451 to test retries, 550 to test bounces). */
  refuseRecipient(address: string, refusal: SinkRefusal): void;
  /** Accept `address` again. */
  acceptRecipient(address: string): void;
  /** Forget the messages received so far (refusals stay). */
  clear(): void;
  close(): Promise<void>;
}

/**
 * Starts a real SMTP server on loopback in this process: a random free port, no TLS, no authentication required
 * (credentials in the URL are accepted and ignored). Messages are parsed with mailparser as they arrive.
 *
 * ```ts
 * const sink = await startSmtpSink();
 * const mailer = createMailer({ ...loadConfig().mail, smtpUrl: sink.url });
 * sink.refuseRecipient('gone@example.com', { code: 550, message: 'mailbox unavailable' });
 * const [mail] = await sink.waitForMessages(1);
 * await sink.close();
 * ```
 */
export async function startSmtpSink(): Promise<SmtpSink> {
  const messages: ReceivedMail[] = [];
  const refusals = new Map<string, SinkRefusal>();
  const waiters = new Set<() => void>();
  let connectionCount = 0;
  const notify = () => {
    for (const waiter of waiters) waiter();
  };

  const server = new SMTPServer({
    secure: false,
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onConnect(_session, callback) {
      connectionCount++;
      callback();
    },
    onAuth(_auth, _session, callback) {
      callback(null, { user: 'sink' });
    },
    onRcptTo(address: SMTPServerAddress, _session, callback) {
      const refusal = refusals.get(address.address.toLowerCase());
      if (!refusal) return callback();
      const error = Object.assign(new Error(refusal.message ?? (refusal.code >= 500 ? 'mailbox unavailable' : 'try again later')), {
        responseCode: refusal.code,
      });
      callback(error);
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('error', callback);
      stream.on('end', () => {
        const raw = Buffer.concat(chunks);
        simpleParser(raw).then(
          (parsed) => {
            const text = parsed.text ?? '';
            messages.push({
              envelope: {
                from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
                to: session.envelope.rcptTo.map((recipient) => recipient.address.toLowerCase()),
              },
              subject: parsed.subject ?? '',
              text,
              html: typeof parsed.html === 'string' ? parsed.html : '',
              links: text.match(/https?:\/\/[^\s<>"]+/g) ?? [],
              parsed,
              raw,
            });
            callback();
            notify();
          },
          (error: Error) => callback(error),
        );
      });
    },
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const port = (server.server.address() as AddressInfo).port;

  const waitUntil = <T>(find: () => T | undefined, timeoutMs: number, what: string): Promise<T> =>
    new Promise((resolve, reject) => {
      const check = () => {
        const found = find();
        if (found === undefined) return;
        clearTimeout(timer);
        waiters.delete(check);
        resolve(found);
      };
      const timer = setTimeout(() => {
        waiters.delete(check);
        reject(new Error(`SMTP sink: timed out after ${timeoutMs} ms waiting for ${what} (received ${messages.length})`));
      }, timeoutMs);
      waiters.add(check);
      check();
    });

  return {
    url: `smtp://127.0.0.1:${port}`,
    port,
    messages,
    get connectionCount() {
      return connectionCount;
    },
    waitForMessages: (count, timeoutMs = 10_000) =>
      waitUntil(() => (messages.length >= count ? messages.slice(0, count) : undefined), timeoutMs, `${count} message(s)`),
    waitForMessageTo: (address, timeoutMs = 10_000) =>
      waitUntil(() => messages.find((mail) => mail.envelope.to.includes(address.toLowerCase())), timeoutMs, `a message to ${address}`),
    refuseRecipient: (address, refusal) => void refusals.set(address.toLowerCase(), refusal),
    acceptRecipient: (address) => void refusals.delete(address.toLowerCase()),
    clear: () => void messages.splice(0, messages.length),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
