import type { Socket } from 'node:net';

/** One SMTP reply: its code and its text (the lines of a multi-line reply joined by newlines, codes included). */
export interface SmtpReply {
  code: number;
  text: string;
}

export interface ReplyReader {
  /** The next reply, in the order the server sends them; rejects once the connection failed or closed. */
  next(): Promise<SmtpReply>;
  /** Stops reading this socket (before STARTTLS hands it to TLS). */
  detach(): void;
}

/**
 * Reads the server's replies off a socket in order, so a client that pipelines several commands in one write takes
 * their replies one by one. Lines of a multi-line reply (`250-…`) are gathered until the last (`250 …`).
 */
export function readReplies(socket: Socket): ReplyReader {
  const ready: SmtpReply[] = [];
  const waiting: { resolve: (reply: SmtpReply) => void; reject: (error: Error) => void }[] = [];
  let partial = '';
  let lines: string[] = [];
  let failure: Error | null = null;

  const fail = (error: Error) => {
    failure ??= error;
    for (const waiter of waiting.splice(0)) waiter.reject(failure);
  };
  const onData = (chunk: Buffer) => {
    partial += chunk.toString('utf8');
    let end: number;
    while ((end = partial.indexOf('\n')) >= 0) {
      const line = partial.slice(0, end).replace(/\r$/, '');
      partial = partial.slice(end + 1);
      lines.push(line);
      // `250-…` says more lines follow; `250 …` (or a bare `250`) ends the reply.
      if (line.charAt(3) === '-') continue;
      const reply = { code: Number(line.slice(0, 3)) || 0, text: lines.join('\n') };
      lines = [];
      const waiter = waiting.shift();
      if (waiter) waiter.resolve(reply);
      else ready.push(reply);
    }
  };
  const onError = (error: Error) => fail(error);
  const onClose = () => fail(new Error('the server closed the connection'));
  socket.on('data', onData);
  socket.on('error', onError);
  socket.on('close', onClose);

  return {
    next() {
      const reply = ready.shift();
      if (reply) return Promise.resolve(reply);
      if (failure) return Promise.reject(failure);
      return new Promise((resolve, reject) => waiting.push({ resolve, reject }));
    },
    detach() {
      socket.off('data', onData);
      socket.off('error', onError);
      socket.off('close', onClose);
    },
  };
}
