import { stripDiacritics } from '../arabic/normalize.ts';

const MAX_SLUG_WORDS = 10;
const MAX_SLUG_LENGTH = 80;

/**
 * A readable URL slug for any title, Arabic included: letters and digits of every script are kept as they are
 * written (minus tashkeel and tatweel), everything else becomes a hyphen. "العراق يعلن انسحاب" stays
 * "العراق-يعلن-انسحاب"; the browser shows it in Arabic and the wire carries it percent-encoded.
 */
export function slugify(title: string): string {
  const words = stripDiacritics(title.normalize('NFKC'))
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter(Boolean)
    .slice(0, MAX_SLUG_WORDS);
  let slug = '';
  for (const word of words) {
    const next = slug ? `${slug}-${word}` : word;
    if (next.length > MAX_SLUG_LENGTH) break;
    slug = next;
  }
  return slug || 'article';
}

/** The URL path of an article page, percent-encoded as HTTP requires. */
export function articlePath(slug: string): string {
  return `/article/${encodeURIComponent(slug)}`;
}

export function sectionPath(slug: string): string {
  return `/section/${encodeURIComponent(slug)}`;
}

export function tagPath(slug: string): string {
  return `/tag/${encodeURIComponent(slug)}`;
}

export function authorPath(slug: string): string {
  return `/author/${encodeURIComponent(slug)}`;
}
