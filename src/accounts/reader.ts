import type { Role } from '../db/schema.ts';

/**
 * The signed-in person making a request, as every route sees it in `request.reader` (null when anonymous).
 * A Reader is any account, whatever its role; "member" and "user" are words we do not use for them in code
 * outside the `users` table.
 */
export interface Reader {
  id: string;
  email: string;
  displayName: string | null;
  role: Role;
  emailVerified: boolean;
  preferences: ReaderPreferences;
  /** The current session's id (a hash, never the cookie's token). */
  sessionId: string;
}

export interface ReaderPreferences {
  /** Arabic-Indic (٠١٢) or Western (012) digits. */
  digits: 'arab' | 'latn';
  dateStyle: 'gregorian' | 'hijri' | 'both';
  /** Interface language; Arabic by default. */
  language: 'ar' | 'en';
}

const RANK: Record<Role, number> = { reader: 0, editor: 1, admin: 2 };

/** True when `role` is `minimum` or above: admin ⊇ editor ⊇ reader. */
export function roleAtLeast(role: Role, minimum: Role): boolean {
  return RANK[role] >= RANK[minimum];
}
