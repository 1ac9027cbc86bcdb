import net from 'node:net';
import os from 'node:os';
import tls from 'node:tls';
import { MailDeliveryError } from './mailer.ts';
import { type ReplyReader, type SmtpReply, readReplies } from './smtp-replies.ts';

// The lean SMTP client of bulk sends (bulk-mailer.ts): a few persistent connections, each message already built as
// bytes, its envelope commands pipelined (RFC 2920: MAIL FROM, RCPT TO and DATA in one write, their replies read in
// order) and its content written in one go. It does what a newsletter needs of nodemailer's pool — STARTTLS when the
// server offers it, smtps://, AUTH PLAIN or LOGIN with the URL's credentials, a rate limit — and no more.

/** One message of a bulk send, ready to go: its envelope and its bytes (headers and body, CRLF line ends). */
export interface OutgoingMessage {
  envelopeFrom: string;
  to: string;
  data: Buffer;
}

export interface SmtpPipelineOptions {
  /** `smtp://[user:password@]host[:port]` or `smtps://…`. */
  url: string;
  connections: number;
  /** Messages per second over all connections; 0: no limit. */
  ratePerSecond: number;
}

export interface SmtpPipeline {
  /**
   * Sends one message on one of the pooled connections. `stillOurs` is asked right before the envelope is written
   * and again right before the content: when it says no, nothing is delivered and the result is `withheld`.
   * Resolves with the server's final answer once it accepted the message; otherwise throws a `MailDeliveryError`
   * (permanent for a 5xx answer, temporary for a 4xx one or a connection that failed before the answer).
   */
  send(message: OutgoingMessage, stillOurs: () => boolean): Promise<{ response: string } | 'withheld'>;
  /** Says QUIT on idle connections, the others after their message; messages still queued fail as temporary. */
  close(): Promise<void>;
}

/** A server that says nothing for this long is given up on (nodemailer waits 2 minutes to connect, 10 when idle). */
const CONNECT_TIMEOUT_MS = 60_000;
const SOCKET_TIMEOUT_MS = 10 * 60_000;

interface Job {
  message: OutgoingMessage;
  stillOurs: () => boolean;
  resolve: (outcome: { response: string } | 'withheld') => void;
  reject: (error: MailDeliveryError) => void;
}

interface Session {
  socket: net.Socket;
  replies: ReplyReader;
  pipelining: boolean;
  smtputf8: boolean;
}

interface Target {
  host: string;
  port: number;
  secure: boolean;
  user: string;
  password: string;
}

export function createSmtpPipeline(options: SmtpPipelineOptions): SmtpPipeline {
  const target = parseSmtpUrl(options.url);
  const queue: Job[] = [];
  const connections: { busy: boolean; run: () => Promise<void>; quit: () => void }[] = [];
  let closed = false;
  let nextSlot = 0;

  /** Waits for the rate limit's next free slot. */
  async function rateSlot(): Promise<void> {
    if (!(options.ratePerSecond > 0)) return;
    const now = Date.now();
    const at = Math.max(now, nextSlot);
    nextSlot = at + 1000 / options.ratePerSecond;
    if (at > now) await new Promise((resolve) => setTimeout(resolve, at - now));
  }

  function pooledConnection() {
    let session: Session | null = null;
    const drop = () => {
      session?.socket.destroy();
      session = null;
    };

    /** Waits for the rate limit and a connection; false (the job settled) when withheld or no connection. */
    async function begin(job: Job): Promise<Session | null> {
      if (!job.stillOurs()) return job.resolve('withheld'), null;
      await rateSlot();
      // A connection the server closed while it was idle (its timeout, a restart) is opened again.
      if (session?.socket.destroyed) session = null;
      try {
        session ??= await openSession(target);
      } catch (error) {
        drop();
        job.reject(new MailDeliveryError(false, `mail not delivered: could not connect: ${(error as Error).message}`));
        return null;
      }
      if (!job.stillOurs()) return job.resolve('withheld'), null;
      return session;
    }

    function envelope(current: Session, job: Job): string {
      const { envelopeFrom, to } = job.message;
      const utf8 = current.smtputf8 && /[^\x00-\x7f]/.test(envelopeFrom + to) ? ' SMTPUTF8' : '';
      return `MAIL FROM:<${envelopeFrom}>${utf8}\r\nRCPT TO:<${to}>\r\nDATA\r\n`;
    }

    /**
     * Sends the envelope (unless it went out already, after the previous message) and reads its replies: true once
     * the server waits for the content; otherwise the job is failed with the refusal and the transaction reset.
     */
    async function openData(current: Session, job: Job, envelopeWritten: boolean): Promise<boolean> {
      const { socket, replies } = current;
      let mail: SmtpReply;
      let rcpt: SmtpReply | undefined;
      let data: SmtpReply | undefined;
      if (current.pipelining) {
        if (!envelopeWritten) socket.write(envelope(current, job));
        mail = await replies.next();
        rcpt = await replies.next();
        data = await replies.next();
      } else {
        const [mailFrom, rcptTo] = envelope(current, job).split('\r\n');
        socket.write(`${mailFrom}\r\n`);
        mail = await replies.next();
        if (positive(mail)) {
          socket.write(`${rcptTo}\r\n`);
          rcpt = await replies.next();
          if (positive(rcpt)) {
            socket.write('DATA\r\n');
            data = await replies.next();
          }
        }
      }
      const refused = !positive(mail) ? mail : !positive(rcpt) ? rcpt : data?.code !== 354 ? data : undefined;
      if (!refused) return true;
      // A server that opened DATA though it refused the recipient gets an empty message, refused for want of one.
      if (data?.code === 354) {
        socket.write('.\r\n');
        await replies.next();
      }
      socket.write('RSET\r\n');
      await replies.next();
      job.reject(refusal(refused));
      return false;
    }

    /** The next queued job still wanted, its envelope to go out with the content before it; others are withheld. */
    function takeNext(): Job | undefined {
      for (let next = queue.shift(); next; next = queue.shift()) {
        if (next.stillOurs()) return next;
        next.resolve('withheld');
      }
      return undefined;
    }

    async function run(): Promise<void> {
      let job: Job | undefined;
      // The job whose envelope was written after the previous message's content (RFC 2920 allows the content first
      // in a group): one write and one round trip per message.
      let envelopeWritten = false;
      while (!closed && (job ??= queue.shift())) {
        const active: Job = job;
        let next: Job | undefined;
        try {
          const current: Session | null = envelopeWritten ? session : await begin(active);
          if (!current || !(await openData(current, active, envelopeWritten))) {
            job = undefined;
            envelopeWritten = false;
            continue;
          }
          // The last moment to hold back: the server is waiting for the content, and a connection closed now, before
          // the final dot, makes it drop the message.
          if (!active.stillOurs()) {
            drop();
            active.resolve('withheld');
            job = undefined;
            envelopeWritten = false;
            continue;
          }
          const { data } = active.message;
          next = current.pipelining && !(options.ratePerSecond > 0) && !closed ? takeNext() : undefined;
          current.socket.cork();
          current.socket.write(dotStuffed(data));
          const ending = data.length >= 2 && data[data.length - 2] === 13 && data[data.length - 1] === 10 ? '.\r\n' : '\r\n.\r\n';
          current.socket.write(next ? ending + envelope(current, next) : ending);
          current.socket.uncork();
          const final = await current.replies.next();
          if (positive(final)) active.resolve({ response: final.text });
          else active.reject(refusal(final));
          job = next;
          envelopeWritten = next !== undefined;
        } catch (error) {
          // The connection failed before the server's final answer: the message counts as not delivered, and so
          // does the next one if its envelope was already on its way.
          drop();
          const failure = new MailDeliveryError(false, `mail not delivered: ${(error as Error).message}`);
          active.reject(failure);
          next?.reject(failure);
          job = undefined;
          envelopeWritten = false;
        }
      }
      // Right after the queue was found empty, with no await between: a message queued from now on starts a run.
      connection.busy = false;
      if (closed) connection.quit();
    }

    const connection = {
      busy: false,
      run() {
        connection.busy = true;
        return run();
      },
      quit() {
        if (!session) return;
        session.socket.end('QUIT\r\n');
        session = null;
      },
    };
    return connection;
  }

  return {
    send(message, stillOurs) {
      if (closed) return Promise.reject(new MailDeliveryError(false, 'mail not delivered: the mailer is closed'));
      return new Promise((resolve, reject) => {
        queue.push({ message, stillOurs, resolve, reject });
        let idle = connections.find((connection) => !connection.busy);
        if (!idle && connections.length < options.connections) connections.push((idle = pooledConnection()));
        if (idle) void idle.run();
      });
    },
    async close() {
      closed = true;
      for (const job of queue.splice(0)) job.reject(new MailDeliveryError(false, 'mail not delivered: the mailer is closed'));
      for (const connection of connections) if (!connection.busy) connection.quit();
    },
  };
}

const positive = (reply: SmtpReply | undefined): reply is SmtpReply => reply !== undefined && reply.code >= 200 && reply.code < 300;

/** 5xx: sending again fails again (a bounce); 503 is a command out of sequence, a client's fault, not the address's. */
function refusal(reply: SmtpReply): MailDeliveryError {
  const permanent = reply.code >= 500 && reply.code !== 503;
  return new MailDeliveryError(permanent, `mail not delivered: ${reply.text}`, reply.code, reply.text);
}

/** A line that starts with a dot gets a second one (RFC 5321 4.5.2), else the server would read the end of the message. */
export function dotStuffed(data: Buffer): Buffer {
  if (data[0] !== 0x2e && data.indexOf('\n.') < 0) return data;
  const parts: Buffer[] = [];
  let start = 0;
  if (data[0] === 0x2e) parts.push(Buffer.from('.'));
  for (let at = data.indexOf('\n.'); at >= 0; at = data.indexOf('\n.', at + 1)) {
    parts.push(data.subarray(start, at + 1), Buffer.from('.'));
    start = at + 1;
  }
  parts.push(data.subarray(start));
  return Buffer.concat(parts);
}

function parseSmtpUrl(url: string): Target {
  const parsed = new URL(url);
  const secure = parsed.protocol === 'smtps:';
  return {
    host: parsed.hostname.replace(/^\[(.*)\]$/, '$1'),
    port: parsed.port ? Number(parsed.port) : secure ? 465 : 587,
    secure,
    user: decodeURIComponent(parsed.username),
    password: decodeURIComponent(parsed.password),
  };
}

/** The name this client gives in EHLO: the machine's, when it is a valid host name. */
const clientName = /^[a-z0-9-]+(\.[a-z0-9-]+)*$/i.test(os.hostname()) ? os.hostname() : '[127.0.0.1]';

function connect(target: Target): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const socket = target.secure
      ? tls.connect({ host: target.host, port: target.port, servername: net.isIP(target.host) ? undefined : target.host }, () => done())
      : net.connect({ host: target.host, port: target.port }, () => done());
    const timer = setTimeout(() => socket.destroy(new Error(`no connection after ${CONNECT_TIMEOUT_MS / 1000} s`)), CONNECT_TIMEOUT_MS);
    const failed = (error: Error) => {
      clearTimeout(timer);
      reject(error);
    };
    socket.once('error', failed);
    function done() {
      clearTimeout(timer);
      socket.off('error', failed);
      resolve(socket);
    }
  });
}

function upgradeToTls(socket: net.Socket, host: string): Promise<tls.TLSSocket> {
  return new Promise((resolve, reject) => {
    const secure = tls.connect({ socket, servername: net.isIP(host) ? undefined : host }, () => {
      secure.off('error', reject);
      resolve(secure);
    });
    secure.once('error', reject);
  });
}

async function expectReply(replies: ReplyReader, code: number, step: string): Promise<SmtpReply> {
  const reply = await replies.next();
  if (reply.code !== code) throw new Error(`${step}: ${reply.text}`);
  return reply;
}

/** The extensions an EHLO reply lists, by keyword, e.g. `AUTH` → `PLAIN LOGIN`. */
function extensions(ehlo: SmtpReply): Map<string, string> {
  const found = new Map<string, string>();
  for (const line of ehlo.text.split('\n').slice(1)) {
    const [keyword = '', ...rest] = line.slice(4).trim().split(/\s+/);
    found.set(keyword.toUpperCase(), rest.join(' ').toUpperCase());
  }
  return found;
}

/** Connects, greets, upgrades to TLS when the server offers it on a plain connection, and logs in when asked to. */
async function openSession(target: Target): Promise<Session> {
  let socket = await connect(target);
  try {
    let replies = readReplies(socket);
    socket.setTimeout(SOCKET_TIMEOUT_MS, () => socket.destroy(new Error('the server stopped answering')));
    await expectReply(replies, 220, 'greeting');
    socket.write(`EHLO ${clientName}\r\n`);
    let offered = extensions(await expectReply(replies, 250, 'EHLO'));
    if (!target.secure && offered.has('STARTTLS')) {
      socket.write('STARTTLS\r\n');
      await expectReply(replies, 220, 'STARTTLS');
      replies.detach();
      socket.setTimeout(0);
      socket = await upgradeToTls(socket, target.host);
      replies = readReplies(socket);
      socket.setTimeout(SOCKET_TIMEOUT_MS, () => socket.destroy(new Error('the server stopped answering')));
      socket.write(`EHLO ${clientName}\r\n`);
      offered = extensions(await expectReply(replies, 250, 'EHLO'));
    }
    if (target.user) {
      const methods = (offered.get('AUTH') ?? '').split(' ');
      const base64 = (text: string) => Buffer.from(text).toString('base64');
      if (methods.includes('PLAIN')) {
        socket.write(`AUTH PLAIN ${base64(`\0${target.user}\0${target.password}`)}\r\n`);
      } else if (methods.includes('LOGIN')) {
        socket.write('AUTH LOGIN\r\n');
        await expectReply(replies, 334, 'AUTH LOGIN');
        socket.write(`${base64(target.user)}\r\n`);
        await expectReply(replies, 334, 'AUTH LOGIN');
        socket.write(`${base64(target.password)}\r\n`);
      } else {
        throw new Error('the server offers neither AUTH PLAIN nor AUTH LOGIN');
      }
      await expectReply(replies, 235, 'AUTH');
    }
    return { socket, replies, pipelining: offered.has('PIPELINING'), smtputf8: offered.has('SMTPUTF8') };
  } catch (error) {
    socket.destroy();
    throw error;
  }
}
