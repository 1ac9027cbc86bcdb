import { hash, verify } from '@node-rs/argon2';
import { ZxcvbnFactory } from '@zxcvbn-ts/core';
import { formatCount } from '../web/numbers.ts';
import * as arabic from '@zxcvbn-ts/language-ar';
import * as common from '@zxcvbn-ts/language-common';
import * as english from '@zxcvbn-ts/language-en';

/** `Algorithm.Argon2id` of @node-rs/argon2, a const enum that cannot be imported under verbatimModuleSyntax. */
const ARGON2ID = 2;

/**
 * argon2id at OWASP's first recommended setting (19 MiB, 2 passes, 1 lane): about 25–40 ms per hash on one core
 * of the 2-core machine we measured on (see BENCHMARKS.md), cheap enough for sign-in peaks, costly for guessing.
 */
export const ARGON2_PARAMETERS = { algorithm: ARGON2ID, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

export const PASSWORD_MIN_LENGTH = 10;
export const PASSWORD_MAX_LENGTH = 256;
/** zxcvbn score 0–4; 3 is "safely unguessable: moderate protection from an offline attack". */
const MIN_SCORE = 3;

// Built once per process: the dictionaries (common passwords, English words, Arabic names) take a moment to load.
let strength: ZxcvbnFactory | undefined;
function strengthChecker(): ZxcvbnFactory {
  strength ??= new ZxcvbnFactory({
    dictionary: { ...common.dictionary, ...english.dictionary, ...arabic.dictionary },
    graphs: common.adjacencyGraphs,
    translations: arabic.translations,
  });
  return strength;
}

export const hashPassword = (password: string) => hash(password.normalize('NFC'), ARGON2_PARAMETERS);

export async function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  try {
    return await verify(passwordHash, password.normalize('NFC'));
  } catch {
    return false;
  }
}

/** A hash of nothing anyone knows: verifying against it costs what a real check costs (no timing oracle). */
let decoy: Promise<string> | undefined;
export async function verifyAgainstDecoy(password: string): Promise<false> {
  decoy ??= hashPassword('decoy password that no account has');
  await verifyPassword(await decoy, password);
  return false;
}

/**
 * Why a new password is refused, in Arabic, or null when it is fine: too short or long, or guessable (common
 * passwords, words, Arabic and English names, keyboard runs, the reader's own email or name).
 */
export function passwordProblem(password: string, personal: string[]): string | null {
  const length = [...password.normalize('NFC')].length;
  if (length < PASSWORD_MIN_LENGTH) return `كلمة المرور قصيرة: اجعلها ${formatCount(PASSWORD_MIN_LENGTH)} أحرف على الأقل.`;
  if (length > PASSWORD_MAX_LENGTH) return `كلمة المرور أطول من ${formatCount(PASSWORD_MAX_LENGTH)} حرفاً.`;
  const result = strengthChecker().check(password, personal.flatMap((value) => [value, ...value.split(/[@.\s]+/)]).filter(Boolean));
  if (result.score >= MIN_SCORE) return null;
  const warning = result.feedback.warning ? `${result.feedback.warning} ` : '';
  return `كلمة المرور سهلة التخمين. ${warning}جرّب عبارة من عدة كلمات لا يعرفها غيرك.`;
}
