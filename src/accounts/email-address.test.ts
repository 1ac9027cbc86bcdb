import { describe, expect, it } from 'vitest';
import { normalizeEmail } from './email-address.ts';

describe('email addresses', () => {
  it('keeps one form: trimmed, lower case, Unicode NFC', () => {
    expect(normalizeEmail('  Huda@Example.COM \n')).toBe('huda@example.com');
    // "é" typed as e + combining acute and as one code point is the same address.
    expect(normalizeEmail('rene\u0301@example.com')).toBe(normalizeEmail('ren\u00e9@example.com'));
  });

  it('refuses what is not an address, or longer than SMTP allows', () => {
    expect(normalizeEmail('')).toBeNull();
    expect(normalizeEmail('huda@')).toBeNull();
    expect(normalizeEmail('هدى')).toBeNull();
    expect(normalizeEmail(`${'a'.repeat(250)}@example.com`)).toBeNull();
  });
});
