// Direct quotes («…», “…” or "…") and who said them, as the text says it:
// - "وقال X إن «…»", "أكد X … أن «…»": the first person or organisation named between the speech verb and the quote;
// - "وأضاف أن «…»", "مشيراً إلى أن «…»": no subject, so the person named last before the verb (for a feminine
//   verb, "وقالت في بيان", the person or organisation named last: groups and ministries are feminine in Arabic),
//   never one named inside a quote ("وقال الوزير إن «المدير سامي الحداد لم يتعاون…»": the words are the minister's);
//   no one when that one was named after a preposition, as an object ("صفقة بين الرئيس التركي رجب طيب أردوغان
//   و…"): on real articles the speaker was then nearly always someone not recognised, and whoever was named before
//   was no likelier to be them (a source after a verb of reporting, "ونقلت الوكالة عن الوزير", is no object);
// - "وقال مسؤول أميركي إن «…»", "وأضاف البيان أن «…»": a subject the text does not recognise, so no one, unless
//   it is a word of the name of the one named last ("وقالت الوزارة" after "وزارة الخارجية"); a verb is subject-less
//   only when what follows it opens what was said or where (SUBJECTLESS_VERB_FOLLOWERS), or its subject stands
//   before it ("وكان الوزير قد قال", a participle: "داعيا واشنطن إلى");
// - "وقالت كوريا الشمالية إن «…»", "وذكر المتحدث باسم الوزارة «…»": a country, or the body a spokesman speaks
//   for, when no person is named; never the person named last before, who did not say it;
// - "وقال الرئيس التركي «…»": a title with no name after it; the person introduced earlier by the same title and
//   adjective ("الرئيس التركي رجب طيب أردوغان"), or no one, rather than whoever spoke last;
// - "«…»، قال X": a speech verb right after the quote, then its speaker.
// A quote of fewer than MIN_QUOTE_WORDS words is a name or a term ("«تويتر»", «الحوار الاستراتيجي»), not a quote.
import type { EntityType, Mention } from './entity.ts';
import {
  FEMININE_SPEECH_VERBS,
  isFunctionWord,
  OBJECT_PREPOSITIONS,
  PARTICIPLE_SPEECH_VERBS,
  PAST_SPEECH_VERBS,
  REPORTING_VERBS,
  SPEECH_VERBS,
  SPOKESMEN,
  SUBJECT_BEFORE_VERB,
  SUBJECTLESS_VERB_FOLLOWERS,
  TITLE_LINKS,
  TITLES,
} from './lexicon.ts';
import { cliticForms, type TextToken, textTokens, withoutArticle } from './text-tokens.ts';

const MIN_QUOTE_WORDS = 4;
/** How far (in words) a speech verb may stand before the quote it introduces. */
const MAX_VERB_DISTANCE = 25;
/** How many words (a title and its description) may stand between a preposition and a name: "بين الرئيس التركي رجب طيب أردوغان". */
const MAX_DESCRIPTION_WORDS = 5;
/** How far (in words) a verb of reporting may stand before the source it names: "ونقلت وسائل إعلام مصرية … عن". */
const MAX_REPORT_DISTANCE = 12;
const SHADDA = '\u0651';
const LETTER = /\p{L}/u;

export interface AttributedQuote {
  speakerKey: string;
  speakerName: string;
  speakerType: EntityType;
  /** The quoted words, without their quotation marks. */
  text: string;
  /** Block the quote is in (1… for paragraphs) and where it starts there. */
  block: number;
  start: number;
}

const OPENING: Record<string, string> = { '«': '»', '“': '”', '"': '"' };

/** Every quote in the paragraphs whose speaker the text names; quotes with no speaker are left out. */
export function attributeQuotes(paragraphs: string[], mentions: Mention[]): AttributedQuote[] {
  const speakers = mentions.filter((mention) => mention.type === 'person' || mention.type === 'organisation');
  const quotes: AttributedQuote[] = [];
  // "وأضاف أن «…»" continues the speaker of the paragraph's previous quote.
  let previousSpeaker: Mention | null = null;
  const blockTokens = paragraphs.map((text) => textTokens(text));
  const blockQuotes = blockTokens.map(quotations);
  paragraphs.forEach((text, index) => {
    const block = index + 1;
    const tokens = blockTokens[index]!;
    const named = mentions.filter((mention) => mention.block === block);
    for (const { open, close } of blockQuotes[index]!) {
      const speaker =
        speakerBefore(blockTokens, blockQuotes, open, block, speakers, named, previousSpeaker) ?? speakerAfter(tokens, close, block, speakers);
      if (speaker) {
        previousSpeaker = speaker;
        quotes.push({
          speakerKey: speaker.key,
          speakerName: speaker.name,
          speakerType: speaker.type,
          text: text.slice(tokens[open]!.end, tokens[close]!.start).trim(),
          block,
          start: tokens[open]!.start,
        });
      }
    }
  });
  return quotes;
}

/** A quote in a paragraph: the indices of its opening and closing marks among the paragraph's tokens. */
interface Quotation {
  open: number;
  close: number;
}

/**
 * The quotes of a paragraph, by the indices of their opening and closing marks; a quote that is not closed ends
 * the search, and one of fewer than MIN_QUOTE_WORDS words is a name or a term, left out.
 */
function quotations(tokens: TextToken[]): Quotation[] {
  const found: Quotation[] = [];
  for (let open = 0; open < tokens.length; open++) {
    const closing = OPENING[tokens[open]!.surface];
    if (!closing) continue;
    const close = tokens.findIndex((token, k) => k > open && token.surface === closing);
    if (close < 0) break;
    const words = tokens.slice(open + 1, close).filter((token) => token.kind !== 'punct').length;
    if (words >= MIN_QUOTE_WORDS) found.push({ open, close });
    open = close;
  }
  return found;
}

/** Whether a mention stands inside one of its paragraph's quotes: "«الشركة تعاونت مع فيسبوك»" is not Facebook speaking. */
function insideQuote(mention: Mention, tokens: TextToken[], quotes: Quotation[]): boolean {
  return quotes.some(({ open, close }) => tokens[open]!.end <= mention.start && mention.end <= tokens[close]!.start);
}

function speechVerb(token: TextToken): { feminine: boolean; past: boolean } | null {
  if (token.kind !== 'arabic') return null;
  for (const form of cliticForms(token.norm)) {
    if (SPEECH_VERBS.has(form)) return { feminine: FEMININE_SPEECH_VERBS.has(form), past: PAST_SPEECH_VERBS.has(form) };
  }
  return null;
}

/** The speaker named by a speech verb before the quote opening at `open` in the same sentence. */
function speakerBefore(
  blockTokens: TextToken[][],
  blockQuotes: Quotation[][],
  open: number,
  block: number,
  speakers: Mention[],
  named: Mention[],
  previousSpeaker: Mention | null,
): Mention | null {
  const tokens = blockTokens[block - 1]!;
  for (let i = open - 1; i >= 0 && open - i <= MAX_VERB_DISTANCE; i--) {
    const token = tokens[i]!;
    // A full stop ends the sentence the verb had to be in; so does another quote. A name in quotes («تويتر») does not.
    if (token.surface === '.') return null;
    if (token.surface === '»' || token.surface === '”') {
      const opening = token.surface === '»' ? '«' : '“';
      let k = i - 1;
      while (k >= 0 && tokens[k]!.surface !== opening) k--;
      if (k < 0 || tokens.slice(k + 1, i).filter((word) => word.kind !== 'punct').length >= MIN_QUOTE_WORDS) return null;
      i = k;
      continue;
    }
    const verb = speechVerb(token);
    if (!verb) continue;
    const between = named.filter((mention) => mention.start >= token.end && mention.start < tokens[open]!.start);
    // The subject is a person named after the verb, or an organisation or (after a verb in the past tense) a
    // country right after it ("وقالت الوزارة", "وقالت كوريا الشمالية") or after the spokesman who speaks for it;
    // an organisation further on is more often where it was said ("في تغريدة على «تويتر»").
    const subjectAt = tokens[subjectStart(tokens, i)]?.start;
    const subject =
      between.find((mention) => mention.type === 'person') ??
      between.find((mention) => mention.start === subjectAt && (mention.type !== 'place' || verb.past));
    if (subject) return subject;
    // "وقال الرئيس التركي «…»": someone described but not named speaks, not whoever spoke last.
    const description = subjectDescription(tokens, i);
    if (description) return personDescribedAs(description, block, token.start, speakers, blockTokens);
    const last = previousSpeaker?.block === block ? previousSpeaker : lastNamedBefore(block, token.start, speakers, verb.feminine, blockTokens, blockQuotes);
    // "وقال مسؤول أميركي إن «…»", "وأضاف البيان أن «…»": a subject the text does not name, not whoever spoke last,
    // unless it is a word of their name ("وقالت الوزارة" after "وزارة الخارجية", "وقال مدبولي").
    return hasNoSubjectAfter(tokens, i) || (last !== null && isWordOfName(tokens[i + 1]!, last)) ? last : null;
  }
  return null;
}

/**
 * The title (and the adjective after it) right after a speech verb that is its subject ("وقال الرئيس التركي" →
 * رييس, تركي; "وقالت المتحدثة"), without the article; null when the verb is not followed by a title.
 */
function subjectDescription(tokens: TextToken[], verb: number): string[] | null {
  const next = tokens[verb + 1];
  if (next?.kind !== 'arabic') return null;
  const title = cliticForms(next.norm).find((form) => TITLES.has(form) || SPOKESMEN.has(form));
  if (!title) return null;
  const adjective = tokens[verb + 2];
  const described = adjective?.kind === 'arabic' && adjective.norm.startsWith('ال') ? [withoutArticle(adjective.norm)] : [];
  return [withoutArticle(title), ...described];
}

/**
 * The person named last before a position right after the same description ("الرئيس التركي رجب طيب أردوغان"
 * earlier in the article); else the one person introduced by the title alone (its adjective may be spelled
 * otherwise: الأميركي، الأمريكي); else none: "رئيس الاتحاد" with no one introduced so is nobody the text names.
 */
function personDescribedAs(description: string[], block: number, position: number, speakers: Mention[], blockTokens: TextToken[][]): Mention | null {
  const byTitle: Mention[] = [];
  for (let m = speakers.length - 1; m >= 0; m--) {
    const mention = speakers[m]!;
    if (mention.type !== 'person' || mention.block === 0 || mention.block > block || (mention.block === block && mention.start >= position)) continue;
    const tokens = blockTokens[mention.block - 1]!;
    const at = tokens.findIndex((token) => token.start === mention.start);
    if (at < 0) continue;
    const before = new Set(tokens.slice(Math.max(0, at - 4), at).flatMap((token) => cliticForms(token.norm).map(withoutArticle)));
    if (description.every((word) => before.has(word))) return mention;
    if (before.has(description[0]!)) byTitle.push(mention);
  }
  return new Set(byTitle.map((mention) => mention.key)).size === 1 ? byTitle[0]! : null;
}

/**
 * Whether the speech verb at `verb` has no subject after it: the quote or a punctuation mark right after it, a word
 * that opens what was said or where ("وأضاف أن", "وقال في بيان"), another speech verb ("وتابع قائلا"), a subject
 * named before it ("وكان الوزير قد قال"), or a participle, whose subject is the sentence's ("داعيا واشنطن إلى").
 */
function hasNoSubjectAfter(tokens: TextToken[], verb: number): boolean {
  const previous = tokens[verb - 1];
  if (previous?.kind === 'arabic' && cliticForms(previous.norm).some((form) => SUBJECT_BEFORE_VERB.has(form))) return true;
  if (cliticForms(tokens[verb]!.norm).some((form) => PARTICIPLE_SPEECH_VERBS.has(form))) return true;
  const next = tokens[verb + 1];
  // The Arabic comma, semicolon and question mark are read as Arabic words by textTokens; they have no letters.
  if (!next || !LETTER.test(next.surface)) return true;
  if (next.kind !== 'arabic') return false;
  return cliticForms(next.norm).some((form) => SUBJECTLESS_VERB_FOLLOWERS.has(form)) || speechVerb(next) !== null;
}

/** Whether a word, without its clitics and article, is one of the words of a mention's name: "الوزارة" of "وزارة الخارجية". */
function isWordOfName(word: TextToken, mention: Mention): boolean {
  const nameWords = new Set(textTokens(mention.name).map((token) => withoutArticle(token.norm)));
  return cliticForms(word.norm).some((form) => nameWords.has(withoutArticle(form)));
}

/** Where a speech verb's subject starts: right after it, or after "المتحدث باسم" (the spokesman speaks for what follows). */
function subjectStart(tokens: TextToken[], verb: number): number {
  const next = tokens[verb + 1];
  if (next?.kind !== 'arabic' || !SPOKESMEN.has(next.norm)) return verb + 1;
  // "المتحدث باسم …", "المتحدث الرسمي باسم …".
  for (const link of [verb + 2, verb + 3]) if (tokens[link]?.norm === 'باسم') return link + 1;
  return verb + 1;
}

/** "«…»، قال X": the speaker after a speech verb that follows the quote closing at `close`. */
function speakerAfter(tokens: TextToken[], close: number, block: number, speakers: Mention[]): Mention | null {
  let i = close + 1;
  if (tokens[i]?.surface === '،' || tokens[i]?.surface === ',') i++;
  const verbToken = tokens[i];
  if (!verbToken || !speechVerb(verbToken)) return null;
  const next = tokens[i + 1];
  if (!next) return null;
  return speakers.find((mention) => mention.block === block && mention.start === next.start) ?? null;
}

/**
 * The person (or, for a feminine verb, the person or organisation) named last before a position, outside quotes:
 * whoever "«الشركة تعاونت مع فيسبوك»" names did not say what follows. No one when the one named last, in a quote or
 * not, was named as an object ("صفقة بين الرئيس التركي رجب طيب أردوغان والزعماء … وأوضح في رسالته"): a quote with
 * no speaker is left out, which is better than words on someone's page that are not theirs. (Reaching back past an
 * object named in a quote found the speaker 10 times and someone else 13 times in 4,000 articles.)
 */
function lastNamedBefore(
  block: number,
  position: number,
  speakers: Mention[],
  feminine: boolean,
  blockTokens: TextToken[][],
  blockQuotes: Quotation[][],
): Mention | null {
  let last: Mention | null = null;
  let lastOutsideQuotes: Mention | null = null;
  for (const mention of speakers) {
    if (mention.block > block || (mention.block === block && mention.start >= position)) break;
    if (mention.block === 0 || (mention.type !== 'person' && !feminine)) continue;
    last = mention;
    if (!insideQuote(mention, blockTokens[mention.block - 1]!, blockQuotes[mention.block - 1]!)) lastOutsideQuotes = mention;
  }
  const namedAsSpeaker = (mention: Mention | null) => mention !== null && !namedAsObject(mention, blockTokens[mention.block - 1]!);
  return namedAsSpeaker(last) && namedAsSpeaker(lastOutsideQuotes) ? lastOutsideQuotes : null;
}

/**
 * Whether a mention stands right after a preposition ("بين", "مع", "ضد", "إلى"…), its title and their description
 * between ("مع وزير الخارجية الروسي سيرغي لافروف"). A preposition after a verb of reporting names the source, not
 * an object: "ونقلت الوكالة عن الوزير", "نسبت الوكالة إلى الرئيس قوله".
 */
function namedAsObject(mention: Mention, tokens: TextToken[]): boolean {
  const at = tokens.findIndex((token) => token.start === mention.start);
  for (let i = at - 1; i >= 0 && at - i <= MAX_DESCRIPTION_WORDS + 1; i--) {
    const token = tokens[i]!;
    if (token.kind !== 'arabic') return false;
    const forms = cliticForms(token.norm);
    // A shadda marks a verb spelled like a preposition: "وبيّن الحمود" (and he explained).
    if (forms.some((form) => OBJECT_PREPOSITIONS.has(form))) return !token.surface.includes(SHADDA) && !reportedFrom(tokens, i);
    const describes = forms.some((form) => TITLES.has(form) || TITLE_LINKS.has(form)) || (token.norm.startsWith('ال') && !isFunctionWord(token.norm));
    if (!describes) return false;
  }
  return false;
}

/**
 * Whether a verb of reporting ("نقل", "نسب") stands shortly before the preposition at `preposition`, with no speech
 * verb after it: "إذ قال عن ترامب" is said about him.
 */
function reportedFrom(tokens: TextToken[], preposition: number): boolean {
  for (let i = preposition - 1; i >= 0 && preposition - i <= MAX_REPORT_DISTANCE; i--) {
    const token = tokens[i]!;
    if (token.kind !== 'arabic') continue;
    if (speechVerb(token)) return false;
    if (cliticForms(token.norm).some((form) => REPORTING_VERBS.has(form))) return true;
  }
  return false;
}
