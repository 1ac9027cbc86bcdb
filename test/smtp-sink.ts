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
  /** From now on, take a message to `address` in full and answer it (after DATA) with `refusal`. */
  refuseMessageTo(address: string, refusal: SinkRefusal): void;
  /** From now on, take a message to `address` in full, then close the connection without answering it. */
  dropConnectionOnMessageTo(address: string): void;
  /** Runs `hook` on each message once taken in full, before answering it (e.g. to starve the sender then). */
  beforeAnswer(hook: (mail: ReceivedMail) => Promise<void> | void): void;
  /** Forget the messages received so far (refusals stay). */
  clear(): void;
  close(): Promise<void>;
}

export interface SmtpSinkOptions {
  /** Offer PIPELINING (RFC 2920) in the EHLO answer; default true, as smtp-server does. */
  pipelining?: boolean;
  /** Require AUTH (PLAIN or LOGIN, over plain TCP) with these credentials before MAIL FROM. */
  credentials?: { user: string; password: string };
}

/**
 * Starts a real SMTP server on loopback in this process: a random free port, no TLS, no authentication required
 * unless `credentials` are given (otherwise credentials in the URL are accepted and ignored). Messages are parsed with mailparser as they arrive.
 *
 * ```ts
 * const sink = await startSmtpSink();
 * const mailer = createMailer({ ...loadConfig().mail, smtpUrl: sink.url });
 * sink.refuseRecipient('gone@example.com', { code: 550, message: 'mailbox unavailable' });
 * const [mail] = await sink.waitForMessages(1);
 * await sink.close();
 * ```
 */
export async function startSmtpSink(options: SmtpSinkOptions = {}): Promise<SmtpSink> {
  const messages: ReceivedMail[] = [];
  const refusals = new Map<string, SinkRefusal>();
  const messageRefusals = new Map<string, SinkRefusal | 'drop'>();
  let hook: (mail: ReceivedMail) => Promise<void> | void = () => {};
  const waiters = new Set<() => void>();
  let connectionCount = 0;
  const notify = () => {
    for (const waiter of waiters) waiter();
  };

  const server = new SMTPServer({
    secure: false,
    authOptional: !options.credentials,
    allowInsecureAuth: true,
    hidePIPELINING: options.pipelining === false,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onConnect(_session, callback) {
      connectionCount++;
      callback();
    },
    onAuth(auth, _session, callback) {
      const expected = options.credentials;
      if (expected && (auth.username !== expected.user || auth.password !== expected.password)) {
        return callback(Object.assign(new Error('invalid credentials'), { responseCode: 535 }));
      }
      callback(null, { user: auth.username ?? 'sink' });
    },
    onRcptTo(address: SMTPServerAddress, _session, callback) {
      const refusal = refusals.get(address.address.toLowerCase());
      callback(refusal ? refusalError(refusal) : undefined);
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('error', callback);
      stream.on('end', () => {
        const raw = Buffer.concat(chunks);
        const to = session.envelope.rcptTo.map((recipient) => recipient.address.toLowerCase());
        const refusal = to.map((address) => messageRefusals.get(address)).find((found) => found !== undefined);
        if (refusal === 'drop') {
          for (const connection of (server as unknown as { connections: Set<{ id: string; _socket: { destroy(): void } }> }).connections) {
            if (connection.id === session.id) connection._socket.destroy();
          }
          return;
        }
        if (refusal) return callback(refusalError(refusal));
        simpleParser(raw)
          .then(async (parsed) => {
            const text = parsed.text ?? '';
            const mail: ReceivedMail = {
              envelope: { from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '', to },
              subject: parsed.subject ?? '',
              text,
              html: typeof parsed.html === 'string' ? parsed.html : '',
              links: text.match(/https?:\/\/[^\s<>"]+/g) ?? [],
              parsed,
              raw,
            };
            await hook(mail);
            messages.push(mail);
            callback();
            notify();
          })
          .catch((error: Error) => callback(error));
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
    refuseMessageTo: (address, refusal) => void messageRefusals.set(address.toLowerCase(), refusal),
    dropConnectionOnMessageTo: (address) => void messageRefusals.set(address.toLowerCase(), 'drop'),
    beforeAnswer: (next) => void (hook = next),
    clear: () => void messages.splice(0, messages.length),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

function refusalError(refusal: SinkRefusal): Error {
  return Object.assign(new Error(refusal.message ?? (refusal.code >= 500 ? 'mailbox unavailable' : 'try again later')), { responseCode: refusal.code });
}
