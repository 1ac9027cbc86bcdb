import type { SentMessage } from './send.repository.ts';

/** At most this many messages in one write (four bound parameters each, far below either engine's limit). */
const MAX_GROUP = 500;

export interface SentRecorder {
  /** Resolves once the message is recorded as sent (or rejects with the write's error). */
  record(message: SentMessage): Promise<void>;
}

/**
 * Records accepted messages in as few writes as possible without holding any back: the answers that arrive in one
 * turn of the event loop are written together at its end, and those that arrive while a write is in flight go
 * in the next one. A message waits for at most the write in flight and its own — never for a timer or a group to
 * fill — so the duplicate window (CONTEXT.md) stays one write long, while one write per group instead of per
 * message is what lets a lane keep up with its SMTP connections (on PostgreSQL each commit is a round trip and a
 * WAL flush).
 */
export function sentRecorder(write: (messages: SentMessage[]) => Promise<unknown>): SentRecorder {
  let waiting: { message: SentMessage; resolve: () => void; reject: (error: unknown) => void }[] = [];
  let draining = false;

  async function drain() {
    while (waiting.length) {
      const group = waiting.slice(0, MAX_GROUP);
      waiting = waiting.slice(MAX_GROUP);
      try {
        await write(group.map((entry) => entry.message));
        for (const entry of group) entry.resolve();
      } catch (error) {
        for (const entry of group) entry.reject(error);
      }
    }
    draining = false;
  }

  return {
    record(message) {
      return new Promise<void>((resolve, reject) => {
        waiting.push({ message, resolve, reject });
        if (draining) return;
        draining = true;
        // The other answers read in this turn of the event loop join the group.
        setImmediate(() => void drain());
      });
    },
  };
}
