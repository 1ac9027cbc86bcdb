import fs from 'node:fs/promises';
import path from 'node:path';

/** What the outbox keeps beside each .eml file: the fields /dev/outbox lists and shows. */
export interface OutboxSummary {
  /** The file name without extension: sortable by time, and the id in /dev/outbox/:id. */
  id: string;
  messageId: string;
  sentAt: string;
  from: string;
  to: string[];
  subject: string;
  text: string;
  html: string;
}

const ID_PATTERN = /^\d{8}T\d{9}Z-[0-9a-f]{8}$/;

/** `20261125T093015123Z-1a2b3c4d`: sorts by time, safe in a path and a URL. */
export function outboxFileName(sentAt: string, random: string): string {
  return `${sentAt.replace(/[-:.]/g, '')}-${random}`;
}

/** The newest `limit` messages first. An outbox that does not exist yet is empty. */
export async function listOutbox(directory: string, limit = 200): Promise<OutboxSummary[]> {
  const names = await fs.readdir(directory).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return [] as string[];
    throw error;
  });
  const ids = names
    .filter((name) => name.endsWith('.json'))
    .map((name) => name.slice(0, -'.json'.length))
    .filter((id) => ID_PATTERN.test(id))
    .sort()
    .reverse()
    .slice(0, limit);
  return Promise.all(ids.map(async (id) => JSON.parse(await fs.readFile(path.join(directory, `${id}.json`), 'utf8')) as OutboxSummary));
}

/** One message by id, with its raw .eml text; null for an unknown or malformed id (never a path outside the outbox). */
export async function readOutboxMessage(directory: string, id: string): Promise<{ summary: OutboxSummary; eml: string } | null> {
  if (!ID_PATTERN.test(id)) return null;
  try {
    const [summary, eml] = await Promise.all([
      fs.readFile(path.join(directory, `${id}.json`), 'utf8'),
      fs.readFile(path.join(directory, `${id}.eml`), 'utf8'),
    ]);
    return { summary: JSON.parse(summary) as OutboxSummary, eml };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}
