import { z } from 'zod';

const shape = z.email();

/**
 * The one form an address is stored and compared in: trimmed, Unicode NFC, lower case. Returns null when the
 * result is not a valid address (or longer than the 254 characters SMTP allows).
 */
export function normalizeEmail(input: string): string | null {
  const email = input.trim().normalize('NFC').toLowerCase();
  if (email.length > 254 || !shape.safeParse(email).success) return null;
  return email;
}
