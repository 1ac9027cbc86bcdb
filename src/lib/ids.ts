import { randomUUID } from 'node:crypto';

/**
 * A UUID version 7 (RFC 9562): 48 bits of milliseconds since 1970, then random bits. Ids made one after another
 * sort one after another, so a table keyed by them (and every index that starts with the id) grows at its end
 * instead of at random places: an import writes far fewer B-tree pages than with random (version 4) ids.
 */
export function timeOrderedId(now = Date.now()): string {
  const time = now.toString(16).padStart(12, '0');
  // randomUUID draws from a cached pool of random bytes; its variant bits are already right, its version nibble
  // (the 15th character) is replaced.
  return `${time.slice(0, 8)}-${time.slice(8, 12)}-7${randomUUID().slice(15)}`;
}
