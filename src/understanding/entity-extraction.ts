// Finds the people, organisations and places an article names, in three passes over its blocks (title, then
// paragraphs):
// 1. the gazetteer: the longest known name at each word, its clitics (و ف ب ل ك لل) removed;
// 2. contextual rules: a title before a name ("اللواء يحيى رسول", "مستشار الأمن القومي العراقي قاسم الأعرجي"),
//    a known first name ("قاسم سليماني"), a kunya ("أبو مهدي المهندس"), an organisation's head word before its
//    name ("هيئة الحشد الشعبي", "جماعة «…»"), Latin acronyms (MBC);
// 3. short names: once an article has named "مصطفى الكاظمي", a later "الكاظمي" alone is the same person.
// Canonical names are the gazetteer's, or for people found by rules the longest form the article uses.
import { stripDiacritics } from '../arabic/normalize.ts';
import { type ArticleEntity, type EntityType, entityKey, type Mention } from './entity.ts';
import { type GazetteerEntry, gazetteerEntries } from './gazetteer.ts';
import {
  ADMINISTRATIVE_HEADS,
  DEFINITE_ORGANISATION_HEADS,
  FEMININE_ADJECTIVES,
  FIRST_NAMES,
  isFunctionWord,
  MOVEMENTS_OF,
  NAME_JOINERS,
  ORGANISATION_HEADS,
  PLACE_HEADS,
  PROPER_ORGANISATION_HEADS,
  QUOTED_ORGANISATION_HEADS,
  SPEECH_VERBS,
  TITLE_LINKS,
  TITLES,
} from './lexicon.ts';
import { cliticForms, type TextToken, textTokens } from './text-tokens.ts';

interface GazetteerForm {
  /** Normalized words after the first. */
  rest: string[];
  entry: GazetteerEntry;
  key: string;
}

/** The gazetteer compiled for matching: forms by their first normalized word, longest first. */
export interface Gazetteer {
  byFirstWord: ReadonlyMap<string, readonly GazetteerForm[]>;
}

/** Compiles gazetteer entries; an entity listed twice (a country that is also a city-state) is one entity. */
export function compileGazetteer(entries: GazetteerEntry[]): Gazetteer {
  const byFirstWord = new Map<string, GazetteerForm[]>();
  const seen = new Set<string>();
  for (const entry of entries) {
    const key = entityKey(entry.type, entry.name);
    for (const form of entry.forms) {
      const words = textTokens(form).filter((token) => token.kind !== 'punct').map((token) => token.norm);
      if (!words.length) continue;
      const id = words.join(' ');
      // The first entity to claim a written form keeps it.
      if (seen.has(id)) continue;
      seen.add(id);
      const list = byFirstWord.get(words[0]!) ?? [];
      list.push({ rest: words.slice(1), entry, key });
      byFirstWord.set(words[0]!, list);
    }
  }
  for (const list of byFirstWord.values()) list.sort((a, b) => b.rest.length - a.rest.length);
  return { byFirstWord };
}

/** The gazetteer shipped with Sahifa (see gazetteer.ts), compiled once; never modified. */
export const defaultGazetteer: Gazetteer = compileGazetteer(gazetteerEntries());

const MAX_NAME_WORDS = 4;
const MAX_TITLE_LINKS = 6;
const MAX_ORGANISATION_WORDS = 3;

interface Block {
  text: string;
  tokens: TextToken[];
  /** For each token, the type of the mention that already covers it. */
  taken: (EntityType | null)[];
}

interface RawMention extends Mention {
  /** Normalized words of the name as the text wrote it (clitic removed): what short forms are matched against. */
  words: string[];
  /**
   * The name without its head word, when what follows the head is a proper name of its own ("شركة كامبريدج
   * أناليتيكا" is also written "كامبريدج أناليتيكا", "جزيرة كامتشاتكا" "كامتشاتكا"): a form too, so that another
   * article that omits the head reaches the same entity.
   */
  headless?: string;
}

/** The entities of one article, in order of first appearance, and every mention of them. */
export function extractEntities(
  title: string,
  paragraphs: string[],
  gazetteer: Gazetteer = defaultGazetteer,
): { entities: ArticleEntity[]; mentions: Mention[] } {
  const blocks: Block[] = [title, ...paragraphs].map((text) => {
    const tokens = textTokens(text);
    return { text, tokens, taken: tokens.map((): EntityType | null => null) };
  });
  const found: RawMention[] = [];
  blocks.forEach((block, index) => found.push(...gazetteerPass(block, index, gazetteer)));
  blocks.forEach((block, index) => found.push(...rulePass(block, index)));
  found.push(...shortNamePass(blocks, found));

  const people = canonicalPeople(found);
  const resolved = found
    .map((raw) => {
      const person = people.get(raw.key);
      return { ...raw, key: person?.key ?? raw.key, name: person?.name ?? raw.name };
    })
    .sort((a, b) => a.block - b.block || a.start - b.start);

  const entities = new Map<string, ArticleEntity>();
  for (const raw of resolved) {
    const form = raw.words.join(' ');
    let entity = entities.get(raw.key);
    if (entity) {
      entity.mentions++;
      if (!entity.forms.includes(form)) entity.forms.push(form);
    } else {
      const canonical = raw.key.slice(raw.key.indexOf(':') + 1);
      const forms = form === canonical ? [canonical] : [canonical, form];
      entity = { key: raw.key, type: raw.type, name: raw.name, mentions: 1, firstPosition: entities.size, forms };
      entities.set(raw.key, entity);
    }
    if (raw.headless && !entity.forms.includes(raw.headless)) entity.forms.push(raw.headless);
  }
  const mentions: Mention[] = resolved.map(({ words: _words, headless: _headless, ...mention }) => mention);
  return { entities: [...entities.values()], mentions };
}

/** Pass 1: the longest gazetteer form starting at each word. */
function gazetteerPass(block: Block, blockIndex: number, gazetteer: Gazetteer): RawMention[] {
  const mentions: RawMention[] = [];
  const { tokens } = block;
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i]!;
    if (token.kind === 'punct' || token.kind === 'number') continue;
    let best: { form: GazetteerForm; first: string } | null = null;
    for (const first of cliticForms(token.norm)) {
      for (const form of gazetteer.byFirstWord.get(first) ?? []) {
        if (best && best.form.rest.length >= form.rest.length) break;
        if (form.rest.every((word, k) => tokens[i + 1 + k]?.norm === word)) {
          best = { form, first };
          break;
        }
      }
    }
    if (!best) continue;
    const last = i + best.form.rest.length;
    mentions.push(mention(block, blockIndex, i, last, best.form.entry.type, best.form.entry.name, best.form.key, best.first));
    i = last;
  }
  return mentions;
}

/** Pass 2: titles, first names, kunyas and organisation heads before names the gazetteer does not know. */
function rulePass(block: Block, blockIndex: number): RawMention[] {
  const mentions: RawMention[] = [];
  const { tokens, taken } = block;
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i]!;
    if (taken[i] || token.kind === 'punct' || token.kind === 'number') continue;

    if (token.kind === 'latin') {
      // An acronym inside Arabic text (MBC, BBC, NASA) names an organisation.
      if (/^[A-Z]{2,6}$/.test(token.surface) && !taken[i]) {
        mentions.push(mention(block, blockIndex, i, i, 'organisation', token.surface, entityKey('organisation', token.surface), token.norm));
      }
      continue;
    }

    const forms = cliticForms(token.norm);
    if (forms.some((form) => TITLES.has(form))) {
      const start = skipTitleLinks(block, i + 1);
      const firstForm = nameStartForm(tokens[start]);
      const end = nameEnd(block, start, firstForm, false);
      // "وسجل المهاجم الشاب هدفين": a lone plural or dual after a title is what the person did, not who they are.
      if (end >= start && !(end === start && looksLikePluralOrDual(tokens[start]!.norm))) {
        mentions.push(personMention(block, blockIndex, start, end, firstForm));
        i = end;
      }
      continue;
    }

    const first = forms.find((form) => FIRST_NAMES.has(form) || (NAME_JOINERS.has(form) && form !== 'بن'));
    if (first) {
      const end = nameEnd(block, i, first, true);
      if (end > i) {
        mentions.push(personMention(block, blockIndex, i, end, first));
        i = end;
        continue;
      }
    }

    const placeHead = forms.find((form) => PLACE_HEADS.has(form) || ADMINISTRATIVE_HEADS.has(form));
    // "ملعب ستاد دو فرانس": the second head starts the name.
    if (placeHead && !PLACE_HEADS.has(tokens[i + 1]?.norm ?? '')) {
      const end = nameAfterHead(block, i, 3, true, true);
      if (end > i) {
        // "محافظة حجة" names حجة; "نهر الراين" and "ملعب لوجنيكي" keep their head.
        const from = ADMINISTRATIVE_HEADS.has(placeHead) ? i + 1 : i;
        const name = displayName(block, from, end, from === i ? placeHead : undefined);
        const place = mention(block, blockIndex, from, end, 'place', name, entityKey('place', wordsOf(block, from, end, from === i ? placeHead : undefined).join(' ')), from === i ? placeHead : undefined);
        if (from === i) place.headless = properTail(block, i, end);
        mentions.push(place);
        i = end;
        continue;
      }
    }

    const head = forms.find((form) => ORGANISATION_HEADS.has(form) || QUOTED_ORGANISATION_HEADS.has(form));
    if (head) {
      const end = organisationEnd(block, i, head);
      if (end > i) {
        const quoted = tokens[i + 1]?.surface === '«' || tokens[i + 1]?.surface === '"';
        // "جماعة «قاصم الجبارين»": the name is what the quotes hold; "هيئة الحشد الشعبي": the head is part of it.
        const from = quoted ? i + 2 : i;
        const to = quoted ? end - 1 : end;
        const organisation = organisationMention(block, blockIndex, from, to, quoted ? undefined : head);
        if (!quoted) organisation.headless = properTail(block, i, end);
        mentions.push(organisation);
        taken.fill('organisation', i, end + 1);
        i = end;
        continue;
      }
    }

    if (forms.some((form) => isNisba(form))) {
      // "الأرجنتيني إدجاردو باوزا", "للإيراني جعفر بناهي": an adjective of origin before a name of two words or more.
      const start = i + 1;
      const next = tokens[start];
      const word = next?.norm ?? '';
      const plausible = word.length >= 4 && !/^(ال|و)/.test(word) && !word.endsWith('ه') && !(word.startsWith('ت') && word.length === 4);
      if (next?.kind === 'arabic' && !taken[start] && plausible) {
        const end = nameEnd(block, start, nameStartForm(next), true);
        if (end > start) {
          mentions.push(personMention(block, blockIndex, start, end, nameStartForm(next)));
          i = end;
          continue;
        }
      }
    }

    if (DEFINITE_ORGANISATION_HEADS.has(forms.at(-1)!) || forms.some((form) => DEFINITE_ORGANISATION_HEADS.has(form))) {
      // "الحكومة العراقية", "الجيش الأميركي": a definite head with an adjective of origin.
      const next = tokens[i + 1];
      if (next && !taken[i + 1] && isNisba(next.norm)) {
        const headForm = forms.find((form) => DEFINITE_ORGANISATION_HEADS.has(form))!;
        mentions.push(organisationMention(block, blockIndex, i, i + 1, headForm));
        i++;
      }
    }
  }
  return mentions;
}

/** Pass 3: a word that is the last name (or a later word) of a person already named in the article. */
function shortNamePass(blocks: Block[], found: RawMention[]): RawMention[] {
  const shortForms = new Map<string, RawMention>();
  for (const raw of found) {
    if (raw.type !== 'person' || raw.words.length < 2) continue;
    const last = raw.words.at(-1)!;
    if (last.length >= 3 && !NAME_JOINERS.has(last) && !shortForms.has(last)) shortForms.set(last, raw);
  }
  const mentions: RawMention[] = [];
  if (!shortForms.size) return mentions;
  blocks.forEach((block, blockIndex) => {
    block.tokens.forEach((token, i) => {
      if (block.taken[i] || token.kind !== 'arabic') return;
      for (const form of cliticForms(token.norm)) {
        const person = shortForms.get(form);
        if (!person || isFunctionWord(form)) continue;
        mentions.push(mention(block, blockIndex, i, i, 'person', person.name, person.key, form));
        return;
      }
    });
  });
  return mentions;
}

/**
 * People found by rules are keyed by the words the text used; a shorter form whose words end a longer one
 * ("الكاظمي" and "مصطفى الكاظمي") is the same person, known by the longer name.
 */
function canonicalPeople(found: RawMention[]): Map<string, RawMention> {
  const canonical = new Map<string, RawMention>();
  const people = found.filter((raw) => raw.type === 'person').sort((a, b) => b.words.length - a.words.length);
  for (const shorter of people) {
    const longer = people.find(
      (candidate) => candidate.words.length > shorter.words.length && endsWith(candidate.words, shorter.words),
    );
    if (longer && longer.key !== shorter.key) canonical.set(shorter.key, canonical.get(longer.key) ?? longer);
  }
  return canonical;
}

function endsWith(words: string[], suffix: string[]): boolean {
  return suffix.every((word, k) => words[words.length - suffix.length + k] === word);
}

/** After a title, the words that describe it ("الوزراء", "باسم «…»", "الأمن القومي العراقي") up to the name. */
function skipTitleLinks(block: Block, from: number): number {
  const { tokens, taken } = block;
  let i = from;
  for (let links = 0; links < MAX_TITLE_LINKS && i < tokens.length; links++) {
    const token = tokens[i]!;
    if (token.surface === '«' || token.surface === '(') {
      const close = closing(tokens, i);
      if (close < 0) return i;
      i = close + 1;
      continue;
    }
    // A person already found ends the title ("الرئيس الفرنسي إيمانويل ماكرون لهجته": لهجته is no name).
    if (taken[i] === 'person') return tokens.length;
    if (taken[i] && tokens[i]!.kind !== 'punct') {
      // A place or organisation the gazetteer found: "وزير خارجية قطر …".
      while (taken[i + 1] && tokens[i + 1]!.kind !== 'punct') i++;
      i++;
      continue;
    }
    if (token.kind !== 'arabic') break;
    const forms = cliticForms(token.norm);
    // "المؤسس لشركة تيسلا": an organisation's head starts a name of its own, for the organisation rule.
    if (forms.some((form) => ORGANISATION_HEADS.has(form)) && !TITLE_LINKS.has(token.norm)) return tokens.length;
    const describes =
      TITLE_LINKS.has(token.norm) ||
      TITLES.has(token.norm) ||
      forms.some((form) => form.startsWith('ال') && !isFunctionWord(form));
    if (!describes) break;
    i++;
  }
  // "المتحدث باسم التحالف، وين ماروتو،": a comma may stand before the name, once the title has been described.
  if (i > from && (tokens[i]?.surface === '،' || tokens[i]?.surface === ',')) i++;
  return i;
}

/** The words after a head as a form of their own, when none is a definite word ("نهر الراين" keeps its head). */
function properTail(block: Block, head: number, end: number): string | undefined {
  const words = wordsOf(block, head + 1, end);
  return words.length && !words.some((word) => word.startsWith('ال') || word.startsWith('وال')) ? words.join(' ') : undefined;
}

/** The index of the quote or bracket closing the one at `open`, or -1. */
function closing(tokens: TextToken[], open: number): number {
  const close = tokens[open]!.surface === '«' ? '»' : tokens[open]!.surface === '(' ? ')' : '"';
  for (let i = open + 1; i < tokens.length && i < open + 16; i++) if (tokens[i]!.surface === close) return i;
  return -1;
}

/**
 * The last word of a person's name starting at `from`, or from - 1 when no name starts there. A name starts with
 * a word that is not a function word, a title or a definite noun (or a Latin capital), and goes on with joiners
 * (بن، أبو، عبد، آل), surnames of origin ("الكاظمي", "الأعرجي") and other undefined words, up to four words.
 */
function nameEnd(block: Block, from: number, firstForm: string | undefined, needsTwoWords: boolean): number {
  const { tokens, taken } = block;
  const first = tokens[from];
  if (!first || taken[from]) return from - 1;
  if (first.kind === 'latin') {
    let end = from;
    while (end - from < MAX_NAME_WORDS && /^\p{Lu}/u.test(tokens[end]?.surface ?? '') && tokens[end]!.kind === 'latin') end++;
    return end > from ? end - 1 : from - 1;
  }
  if (first.kind !== 'arabic') return from - 1;
  const firstWord = firstForm ?? first.norm;
  if (!canStartName(firstWord) || (firstWord === first.norm && endsInPronoun(first.surface))) return from - 1;
  let end = from;
  let words = 1;
  let afterJoiner = NAME_JOINERS.has(firstWord);
  for (let i = from + 1; i < tokens.length && words < MAX_NAME_WORDS; i++) {
    const token = tokens[i]!;
    if (taken[i] || token.kind !== 'arabic') break;
    const word = token.norm;
    if (afterJoiner) {
      if (isFunctionWord(word) || TITLES.has(word)) break;
      end = i;
      words++;
      afterJoiner = NAME_JOINERS.has(word) && word !== 'ابو';
      // After "أبو X" one more word of any shape is still the name: "أبو مهدي المهندس".
      if (!afterJoiner && i === from + 1 && firstWord === 'ابو') afterJoiner = true;
      continue;
    }
    if (NAME_JOINERS.has(word)) {
      afterJoiner = true;
      continue;
    }
    if (!canContinueName(word, token.surface, FIRST_NAMES.has(firstWord) || NAME_JOINERS.has(firstWord))) break;
    end = i;
    words++;
    // A family name with the article ends the name: "حيدر الزاملي وفداً" stops before وفداً.
    if (word.startsWith('ال')) break;
  }
  // A name that ends on a joiner ("محمد بن") is cut before it.
  while (end > from && NAME_JOINERS.has(tokens[end]!.norm)) end--;
  // A first name alone is not enough to call a word a name: "هادي" may be an adjective.
  if (needsTwoWords && !NAME_JOINERS.has(firstWord) && end === from) return from - 1;
  return end;
}

/**
 * The form a name's first word is read in: without its clitic when that leaves a known first name or a joiner
 * ("وأبو مهدي" → "ابو"), else as written (a name after a title rarely carries a clitic).
 */
function nameStartForm(token: TextToken | undefined): string | undefined {
  if (!token || token.kind !== 'arabic') return undefined;
  return cliticForms(token.norm).find((form) => FIRST_NAMES.has(form) || NAME_JOINERS.has(form)) ?? token.norm;
}

function canStartName(word: string): boolean {
  if (word.length < 2 || isFunctionWord(word) || TITLES.has(word) || SPEECH_VERBS.has(word)) return false;
  // "وكذلك": a function word behind a clitic; "للرئيس", "للمستخدمين": a clitic before the article.
  if (cliticForms(word).some((form) => isFunctionWord(form) || TITLES.has(form) || SPEECH_VERBS.has(form) || (form !== word && form.startsWith('ال')))) return false;
  if (looksLikePresentVerb(word) && !FIRST_NAMES.has(word)) return false;
  // "بجائزة", "لمدينة": a preposition before a noun in taa marbuta, which no name after a title starts with.
  if (/^[بل]/.test(word) && word.endsWith('ه') && word.length >= 5) return false;
  return !word.startsWith('ال') || NAME_JOINERS.has(word);
}

/**
 * "ونظيره", "بتصريحاتها", "ومندوبها": a noun with a possessive pronoun, which news puts after a title ("الرئيس
 * الأميركي ونظيره الروسي") and no name ends with. Read on the written word: a name in taa marbuta ("وهيبة") ends
 * in ة, which normalization makes ه.
 */
function endsInPronoun(surface: string): boolean {
  const written = stripDiacritics(surface);
  if (written.length >= 5 && /(ها|هم|هما)$/.test(written)) return true;
  return written.length >= 5 && /^[وبل]/.test(written) && written.endsWith('ه');
}

/**
 * "يتحدث", "يؤكد": a present-tense verb, which news puts right after a title or a name. Names that begin with ي
 * mostly begin with يو or يا (يوسف، يونس، ياسر، يوري، يونغ).
 */
function looksLikePresentVerb(word: string): boolean {
  return word.startsWith('ي') && word.length >= 4 && !word.startsWith('يو') && !word.startsWith('يا');
}

/**
 * A common noun's sound feminine plural ("انتخابات", "لإيرادات") or dual ("هدفين", "مرتين"), which a one-word
 * name after a title almost never is. Short plurals (بركات، عرفات) and duals whose stem holds a long vowel (شاهين،
 * بوتين، دارين) are family and first names, so they are left alone.
 */
function looksLikePluralOrDual(word: string): boolean {
  if (word.endsWith('ات') && word.length >= 6) return true;
  if (/^[^اوي]{3}ين$/.test(word)) return true;
  // Behind a preposition ("بتعيين", "بمفاوضات"), as canContinueName reads it.
  return /^[لبك]/.test(word) && /(ات|ين|ون)$/.test(word) && word.length >= 6;
}

function canContinueName(word: string, surface: string, arabicName: boolean): boolean {
  if (word.length < 2 || isFunctionWord(word) || TITLES.has(word) || SPEECH_VERBS.has(word) || TITLE_LINKS.has(word)) return false;
  if (word.startsWith('ال')) {
    // A family name of origin ("الكاظمي", "الأعرجي") follows any name; another definite word ("الحداد") only an
    // Arabic first name, since after a foreign name it is a description ("سيريبرينيكوف الخاضع"). A feminine
    // adjective ("العراقية") describes, never names.
    if (word.length < 4 || word.endsWith('ه')) return false;
    return (word.endsWith('ي') && word.length >= 5) || arabicName;
  }
  // Tanwin marks an indefinite noun, never a name ("وفداً"); a present-tense verb ends the name too, and so does
  // "و" (and) before a word ("باوزا ومطالبته") or a noun in taa marbuta ("موغوروزا حاملة").
  if (/[\u064B-\u064D]/.test(surface) || looksLikePresentVerb(word)) return false;
  if ((word.startsWith('و') && word.length >= 4) || word.endsWith('ه')) return false;
  // A plural behind a preposition ("لوكالات", "بالمئات") is not part of a name.
  return !(/^[لبك]/.test(word) && /(ات|ين|ون)$/.test(word) && word.length >= 6);
}

/** An adjective of origin or a family name built like one: "العراقية", "الكاظمي". */
function isNisba(word: string): boolean {
  return word.startsWith('ال') && word.length >= 5 && (word.endsWith('ي') || word.endsWith('يه')) && !isFunctionWord(word);
}

/** The last word of an organisation's name after its head word at `head`, or head when none follows. */
function organisationEnd(block: Block, head: number, headForm: string): number {
  const { tokens, taken } = block;
  const next = tokens[head + 1];
  if (!next) return head;
  if (next.surface === '«' || next.surface === '"') {
    const close = closing(tokens, head + 1);
    const inside = taken.slice(head + 2, close);
    return close > head + 2 && close - head <= 8 && !inside.some(Boolean) ? close : head;
  }
  if (QUOTED_ORGANISATION_HEADS.has(headForm)) return head;
  if (headForm === 'حركه' && MOVEMENTS_OF.has(next.norm)) return head;
  return nameAfterHead(block, head, MAX_ORGANISATION_WORDS, PROPER_ORGANISATION_HEADS.has(headForm));
}

/**
 * The last word of a name made of a head and what follows it: definite words ("هيئة الحشد الشعبي", "لجنة
 * التجارة والطاقة"), or, where the head allows (`proper`, or any place head), proper words ("بنك أولستر",
 * "ستاد دو فرانس"). Returns head when nothing follows that can name.
 */
function nameAfterHead(block: Block, head: number, maxWords: number, proper: boolean, place = false): number {
  const { tokens, taken } = block;
  let end = head;
  for (let i = head + 1; i < tokens.length && i - head <= maxWords; i++) {
    const token = tokens[i]!;
    if (taken[i] || token.kind !== 'arabic' || isFunctionWord(token.norm)) break;
    const definite = token.norm.startsWith('ال') || (i > head + 1 && token.norm.startsWith('وال') && end === i - 1 && tokens[end]!.norm.startsWith('ال'));
    if (definite) {
      if (end > head && !tokens[end]!.norm.startsWith('ال')) break;
      // After a place's first word, a feminine definite word describes it: "الجونة الواقعة", "الساحات".
      if (place && end > head && (token.norm.endsWith('ه') || token.norm.startsWith('وال'))) break;
      // After a group's name, a feminine noun is what the group did ("وعزت هيئة الموانئ الزيادة إلى…"); after an
      // adjective, or when it is one ("الأركان العامة", "المقاومة اليمنية المشتركة"), it still describes the group.
      if (!place && end > head && objectAfterName(token.norm, tokens[end]!.norm)) break;
      end = i;
      continue;
    }
    if (!proper || (end > head && tokens[end]!.norm.startsWith('ال')) || !isProperWord(token, end === head)) break;
    end = i;
  }
  return end;
}

/**
 * A definite feminine noun right after a group's name noun ("الزيادة", "الحكومة", "الإدانة"). Adjectives go on
 * describing the group: of origin (…ية), participles (المصدرة in "منظمة البلدان المصدرة", الحاكمة) and those we
 * list (العامة، المتحدة).
 */
function objectAfterName(word: string, previous: string): boolean {
  if (!word.startsWith('ال') || !word.endsWith('ه') || word.endsWith('يه') || previous.endsWith('يه')) return false;
  const participle = word.startsWith('الم') || (word.length === 7 && word[3] === 'ا');
  return !participle && !FEMININE_ADJECTIVES.has(word);
}

/**
 * A word that can be (part of) a proper name after a head: no function word, title or verb, no tanwin, and not
 * shaped like an adjective agreeing with the head (ending in ة or ي: "شركة كبرى" stays unnamed).
 */
function isProperWord(token: TextToken, first: boolean): boolean {
  const word = token.norm;
  if (word.length < (first ? 3 : 2) || isFunctionWord(word) || TITLES.has(word) || SPEECH_VERBS.has(word) || TITLE_LINKS.has(word)) return false;
  if (/[\u064B-\u064D]/.test(token.surface) || looksLikePresentVerb(word)) return false;
  if (word.startsWith('و') && word.length >= 4) return false;
  // "مجموعة قرارات", "شركة استشارات": a plural after the head is what the group holds or the company sells.
  if (first && word.endsWith('ات') && word.length >= 6) return false;
  if (cliticForms(word).some((form) => isFunctionWord(form))) return false;
  return !word.endsWith('ه') && !word.endsWith('ي');
}

function personMention(block: Block, blockIndex: number, from: number, to: number, firstForm?: string): RawMention {
  const words = wordsOf(block, from, to, firstForm);
  const name = displayName(block, from, to, firstForm);
  return mention(block, blockIndex, from, to, 'person', name, entityKey('person', words.join(' ')), firstForm);
}

function organisationMention(block: Block, blockIndex: number, from: number, to: number, firstForm?: string): RawMention {
  const name = displayName(block, from, to, firstForm);
  return mention(block, blockIndex, from, to, 'organisation', name, entityKey('organisation', name), firstForm);
}

function mention(
  block: Block,
  blockIndex: number,
  from: number,
  to: number,
  type: EntityType,
  name: string,
  key: string,
  firstForm?: string,
): RawMention {
  block.taken.fill(type, from, to + 1);
  const start = block.tokens[from]!.start;
  const end = block.tokens[to]!.end;
  return { type, key, name, surface: block.text.slice(start, end), block: blockIndex, start, end, words: wordsOf(block, from, to, firstForm) };
}

function wordsOf(block: Block, from: number, to: number, firstForm?: string): string[] {
  return block.tokens
    .slice(from, to + 1)
    .filter((token) => token.kind !== 'punct')
    .map((token, k) => (k === 0 && firstForm ? firstForm : token.norm));
}

/** The name as written, without diacritics and without the clitic of its first word ("وقاسم" → "قاسم"). */
function displayName(block: Block, from: number, to: number, firstForm?: string): string {
  const words = block.tokens.slice(from, to + 1).filter((token) => token.kind !== 'punct').map((token) => stripDiacritics(token.surface).replace(/\u0640/g, ''));
  const first = block.tokens[from]!;
  if (firstForm && firstForm !== first.norm) words[0] = dropClitic(words[0]!, first.norm, firstForm);
  return words.join(' ');
}

/** Removes the proclitic letters that separate a normalized word from its form ("للأمم" with form "الامم" → "الأمم"). */
function dropClitic(written: string, norm: string, form: string): string {
  if (norm.startsWith('لل') && form.startsWith('ال') && form.length === norm.length) return `ال${written.slice(2)}`;
  return written.slice(norm.length - form.length);
}
