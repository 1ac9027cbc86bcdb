import { analyze } from './analyzer.ts';

/** Light stems of the content words of a text (stopwords dropped), in order. */
export function contentStems(text: string): string[] {
  return analyze(text).map((token) => token.stem);
}
