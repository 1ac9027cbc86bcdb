import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

/**
 * A real SMTP server on loopback that only counts what it accepts (no parsing, so it keeps up with bulk sends):
 * how many times each recipient and each Message-ID was accepted with a 250. It can stop answering — holding
 * messages that arrived but were not yet accepted — to put a sender in the middle of a send on purpose.
 */
export interface CountingSink {
  readonly url: string;
  /** Messages accepted (answered 250). */
  readonly accepted: number;
  /** Accepted messages per recipient address. */
  readonly perRecipient: Map<string, number>;
  /** Accepted messages per Message-ID header. */
  readonly perMessageId: Map<string, number>;
  /** Messages fully received but not answered, while holding. */
  readonly held: number;
  /** Calls `listener` each time the accepted count changes. */
  onAccepted(listener: (accepted: number) => void): void;
  /** From now on, receive messages but do not answer them (the sender waits for a 250 that never comes). */
  hold(): void;
  /** Never answer the held messages (their sender is gone); accept normally again. */
  dropHeld(): void;
  close(): Promise<void>;
}

export async function startCountingSink(): Promise<CountingSink> {
  const perRecipient = new Map<string, number>();
  const perMessageId = new Map<string, number>();
  const listeners: ((accepted: number) => void)[] = [];
  let accepted = 0;
  let holding = false;
  let held: (() => void)[] = [];

  const server = new SMTPServer({
    secure: false,
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    // Up to 64 KiB of headers are enough to find the Message-ID; the body is read and thrown away.
    onData(stream, session, callback) {
      let head = '';
      stream.on('data', (chunk: Buffer) => {
        if (head.length < 65_536) head += chunk.toString('latin1');
      });
      stream.on('end', () => {
        const messageId = /^Message-ID:\s*(<[^>\r\n]+>)/im.exec(head)?.[1] ?? '(none)';
        const recipients = session.envelope.rcptTo.map((recipient) => recipient.address.toLowerCase());
        const accept = () => {
          accepted++;
          for (const recipient of recipients) perRecipient.set(recipient, (perRecipient.get(recipient) ?? 0) + 1);
          perMessageId.set(messageId, (perMessageId.get(messageId) ?? 0) + 1);
          callback();
          for (const listener of listeners) listener(accepted);
        };
        if (holding) held.push(accept);
        else accept();
      });
    },
  });
  // A sender killed while we hold its messages resets the connection; that is expected here.
  server.on('error', () => {});

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const port = (server.server.address() as AddressInfo).port;

  return {
    url: `smtp://127.0.0.1:${port}`,
    get accepted() {
      return accepted;
    },
    perRecipient,
    perMessageId,
    get held() {
      return held.length;
    },
    onAccepted: (listener) => void listeners.push(listener),
    hold: () => void (holding = true),
    dropHeld: () => {
      held = [];
      holding = false;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
