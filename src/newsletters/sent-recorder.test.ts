import { expect, it } from 'vitest';
import type { SentMessage } from './send.repository.ts';
import { sentRecorder } from './sent-recorder.ts';

const message = (subscriberId: string): SentMessage => ({ subscriberId, messageId: `<${subscriberId}@news.example>`, response: '250 ok', sentAt: '2026-11-29T00:00:00.000Z' });

it('writes the answers of one turn together, and those that arrive during a write in the next one', async () => {
  const writes: string[][] = [];
  let finishWrite: () => void = () => {};
  const recorder = sentRecorder(async (messages) => {
    writes.push(messages.map((m) => m.subscriberId));
    await new Promise<void>((resolve) => (finishWrite = resolve));
  });
  const first = [recorder.record(message('a')), recorder.record(message('b'))];
  await new Promise((resolve) => setImmediate(resolve));
  expect(writes).toEqual([['a', 'b']]);
  // Arrives while the first write is in flight: waits for it, then goes out at once.
  const later = recorder.record(message('c'));
  finishWrite();
  await Promise.all(first);
  await new Promise((resolve) => setImmediate(resolve));
  expect(writes).toEqual([['a', 'b'], ['c']]);
  finishWrite();
  await later;
});

it('rejects the messages of a failed write, so their rows stay leased and are sent again', async () => {
  const recorder = sentRecorder(async () => {
    throw new Error('database gone');
  });
  await expect(recorder.record(message('a'))).rejects.toThrow('database gone');
});
