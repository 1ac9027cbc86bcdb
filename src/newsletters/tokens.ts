import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

// Tokens in links and addresses that must work without a session: the unsubscribe link (its POST carries no
// cookie, RFC 8058), the VERP bounce address, and the single-use confirmation link of a public signup.

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

function mac(secret: string, purpose: string, value: string, bytes: number): string {
  return createHmac('sha256', secret).update(`${purpose}:${value}`).digest().subarray(0, bytes).toString('base64url');
}

function equal(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

/** Names one reader (subscriber) and one newsletter, signed: `<subscriberId>.<newsletterId>.<hmac>`. */
export function unsubscribeToken(secret: string, subscriberId: string, newsletterId: string): string {
  return `${subscriberId}.${newsletterId}.${mac(secret, 'unsubscribe', `${subscriberId}.${newsletterId}`, 16)}`;
}

/** The subscriber and newsletter an unsubscribe token names, or null when it was not made with `secret`. */
export function readUnsubscribeToken(secret: string, token: string): { subscriberId: string; newsletterId: string } | null {
  const [subscriberId, newsletterId, signature, ...rest] = token.split('.');
  if (rest.length || !subscriberId || !newsletterId || !signature || !UUID.test(subscriberId) || !UUID.test(newsletterId)) return null;
  return equal(signature, mac(secret, 'unsubscribe', `${subscriberId}.${newsletterId}`, 16)) ? { subscriberId, newsletterId } : null;
}

/**
 * The local part of a VERP envelope sender for one subscriber (`b+<id>.<hmac>`, under 64 characters), so a
 * bounce that comes back to it names the reader even when the report itself does not.
 */
export function bounceLocalPart(secret: string, subscriberId: string): string {
  const compact = Buffer.from(subscriberId.replaceAll('-', ''), 'hex').toString('base64url');
  return `b+${compact}.${mac(secret, 'bounce', subscriberId, 6)}`;
}

/** The subscriber id a VERP local part (or whole address) names, or null. */
export function readBounceAddress(secret: string, address: string): string | null {
  const match = /^b\+([A-Za-z0-9_-]{22})\.([A-Za-z0-9_-]{8})(?:@|$)/.exec(address.trim());
  if (!match) return null;
  const hex = Buffer.from(match[1]!, 'base64url').toString('hex');
  if (hex.length !== 32) return null;
  const subscriberId = `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  return equal(match[2]!, mac(secret, 'bounce', subscriberId, 6)) ? subscriberId : null;
}

/** A random single-use token for a confirmation link, and the hash stored in its place. */
export function newConfirmationToken(): { token: string; hash: string } {
  const token = randomBytes(24).toString('base64url');
  return { token, hash: hashToken(token) };
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}
