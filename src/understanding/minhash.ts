// MinHash signatures (Broder 1997) and locality-sensitive bands over them. Two signatures agree in a position
// with probability equal to the Jaccard similarity of the two sets, so comparing 64 numbers estimates it without
// the sets; an LSH band (a few positions hashed together) is shared by similar sets and rarely by others.

/** Positions per signature. */
export const SIGNATURE_SIZE = 64;

/** FNV-1a over UTF-16 code units: a fast 32-bit hash of a string. */
function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/** MurmurHash3's finalizer: spreads the bits of a 32-bit number. */
function mix(value: number): number {
  let h = value;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** One seed per position, fixed forever: signatures stored in the database must stay comparable. */
const SEEDS = Array.from({ length: SIGNATURE_SIZE }, (_, i) => mix(0x9e3779b9 + i * 0x7f4a7c15));

/** The MinHash signature of a set of strings; an empty set gets a signature that matches nothing. */
export function minHash(items: Iterable<string>): Uint32Array {
  const signature = new Uint32Array(SIGNATURE_SIZE).fill(0xffffffff);
  let empty = true;
  for (const item of items) {
    empty = false;
    const base = fnv1a(item);
    for (let i = 0; i < SIGNATURE_SIZE; i++) {
      const value = mix(base ^ SEEDS[i]!);
      if (value < signature[i]!) signature[i] = value;
    }
  }
  return empty ? signature.fill(0) : signature;
}

/** Estimated Jaccard similarity of the sets two signatures come from (0 when either set was empty). */
export function similarity(a: Uint32Array, b: Uint32Array): number {
  let same = 0;
  let zeros = 0;
  for (let i = 0; i < SIGNATURE_SIZE; i++) {
    if (a[i] === b[i]) same++;
    if (a[i] === 0 || b[i] === 0) zeros++;
  }
  return zeros === SIGNATURE_SIZE ? 0 : same / SIGNATURE_SIZE;
}

/** `bands` keys of `rows` positions each, e.g. 16 × 4: sets with Jaccard ≥ ~0.5 share one with high probability. */
export function bandKeys(signature: Uint32Array, bands: number, rows: number): string[] {
  const keys: string[] = [];
  if (signature.every((value) => value === 0)) return keys;
  for (let band = 0; band < bands; band++) {
    let hash = band;
    for (let row = 0; row < rows; row++) hash = mix(hash ^ signature[band * rows + row]!);
    keys.push(`${band}.${hash.toString(36)}`);
  }
  return keys;
}

/** A signature as text for storage: 8 hex digits per position. */
export function encodeSignature(signature: Uint32Array): string {
  let text = '';
  for (const value of signature) text += value.toString(16).padStart(8, '0');
  return text;
}

export function decodeSignature(text: string): Uint32Array {
  if (text.length !== SIGNATURE_SIZE * 8) throw new Error(`a signature has ${SIGNATURE_SIZE * 8} hex digits, not ${text.length}`);
  const signature = new Uint32Array(SIGNATURE_SIZE);
  for (let i = 0; i < SIGNATURE_SIZE; i++) signature[i] = Number.parseInt(text.slice(i * 8, i * 8 + 8), 16);
  return signature;
}
