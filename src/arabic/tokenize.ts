import { normalizeArabic } from './normalize.ts';
import { lightStem } from './stem.ts';

const WORD = /[\p{L}\p{N}]+/gu;

/** Common function words that carry no subject: they never count as evidence that two texts share a topic. */
const STOPWORDS = new Set(
  [
    'في', 'من', 'الى', 'علي', 'عن', 'مع', 'ان', 'او', 'ما', 'لا', 'لم', 'لن', 'قد', 'هذا', 'هذه', 'ذلك', 'تلك',
    'التي', 'الذي', 'الذين', 'كان', 'كانت', 'هو', 'هي', 'هم', 'ثم', 'حتي', 'بعد', 'قبل', 'بين', 'عند', 'كل', 'و',
    'ب', 'ل', 'ك', 'ف', 'انه', 'انها', 'اي', 'غير', 'بعض', 'اذا', 'لكن', 'منذ', 'خلال', 'حيث', 'كما', 'فيه', 'فيها',
    'عليه', 'عليها', 'له', 'لها', 'به', 'بها', 'منه', 'منها', 'the', 'a', 'an', 'of', 'and', 'in', 'to',
  ].map(normalizeArabic),
);

/** Normalized words of a text, in order, stopwords kept. */
export function words(text: string): string[] {
  return normalizeArabic(text).match(WORD) ?? [];
}

/** Light stems of the content words of a text (stopwords dropped). */
export function contentStems(text: string): string[] {
  return words(text)
    .filter((word) => !STOPWORDS.has(word))
    .map(lightStem);
}
