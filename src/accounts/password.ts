import { hash, verify } from '@node-rs/argon2';
import { ZxcvbnFactory } from '@zxcvbn-ts/core';
import type { Presentation } from '../web/presentation.tsx';
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
    // No translations: warnings come back as their keys, written later in the reader's language.
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

type WarningKey = keyof typeof english.translations.warnings;

/** Why a new password is refused: too short or long, or guessable (with zxcvbn's warning key, when it has one). */
export type PasswordProblem = { kind: 'short' } | { kind: 'long' } | { kind: 'guessable'; warning: WarningKey | null };

/**
 * Why a new password is refused, or null when it is fine: too short or long, or guessable (common passwords,
 * words, Arabic and English names, keyboard runs, the reader's own email or name).
 */
export function passwordProblem(password: string, personal: string[]): PasswordProblem | null {
  const length = [...password.normalize('NFC')].length;
  if (length < PASSWORD_MIN_LENGTH) return { kind: 'short' };
  if (length > PASSWORD_MAX_LENGTH) return { kind: 'long' };
  const result = strengthChecker().check(password, personal.flatMap((value) => [value, ...value.split(/[@.\s]+/)]).filter(Boolean));
  if (result.score >= MIN_SCORE) return null;
  return { kind: 'guessable', warning: (result.feedback.warning as WarningKey | null) || null };
}

/** The problem as a sentence in the reader's language and digits. */
export function describePasswordProblem(problem: PasswordProblem, { lang, text, count }: Presentation): string {
  if (problem.kind === 'short') return text.passwordTooShort(count(PASSWORD_MIN_LENGTH));
  if (problem.kind === 'long') return text.passwordTooLong(count(PASSWORD_MAX_LENGTH));
  const warning = problem.warning ? (lang === 'ar' ? arabic : english).translations.warnings[problem.warning] : '';
  return text.passwordGuessable(warning ? `${warning} ` : '');
}
