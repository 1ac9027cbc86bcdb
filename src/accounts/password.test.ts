import { expect, it } from 'vitest';
import { presentationFor } from '../web/presentation.tsx';
import { describePasswordProblem, passwordProblem } from './password.ts';

const english = presentationFor({ digits: 'latn', dateStyle: 'both', language: 'en' });
const ARABIC_LETTER = /[\u0600-\u06FF]/;

it('writes a refused password’s reason in the reader’s language and digits, zxcvbn’s warning included', () => {
  expect(describePasswordProblem(passwordProblem('short', [])!, english)).toBe('The password is too short: make it at least 10 characters.');
  expect(describePasswordProblem(passwordProblem('short', [])!, presentationFor())).toBe('كلمة المرور قصيرة: اجعلها ١٠ أحرف على الأقل.');
  const guessable = passwordProblem('password1234', [])!;
  expect(guessable).toMatchObject({ kind: 'guessable', warning: expect.any(String) });
  const inEnglish = describePasswordProblem(guessable, english);
  expect(inEnglish).toMatch(/^The password is easy to guess\. .+ Try a phrase/);
  expect(inEnglish).not.toMatch(ARABIC_LETTER);
  expect(describePasswordProblem(guessable, presentationFor())).toMatch(/^كلمة المرور سهلة التخمين\. .+ جرّب/);
});
