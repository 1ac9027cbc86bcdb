import { randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import { secretsRepository } from '../accounts/accounts.repository.ts';
import type { Database } from '../db/schema.ts';

/**
 * The HMAC key of unsubscribe links and bounce addresses: made once, stored with the site's other secrets so
 * every web and worker process signs and checks the same way, and links in old issues keep working.
 */
export function newsletterSecret(db: Kysely<Database>): Promise<string> {
  return secretsRepository(db).getOrCreate('newsletters', () => randomBytes(32).toString('base64url'));
}
