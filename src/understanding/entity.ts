import { normalizeArabic } from '../arabic/normalize.ts';

/** What an entity is. Stored as these words; readers see them named by `entityTypes` in src/web/messages.ts. */
export type EntityType = 'person' | 'organisation' | 'place';

export const ENTITY_TYPES: readonly EntityType[] = ['person', 'organisation', 'place'];

/** One place in a text where an entity is named. Offsets are UTF-16 positions inside the block. */
export interface Mention {
  type: EntityType;
  /** Identity across articles: the type and the normalized canonical name. */
  key: string;
  /** Canonical name, as readers see it. */
  name: string;
  /** The words as written in the text (with their clitics). */
  surface: string;
  /** 0 is the title, 1… the paragraphs. */
  block: number;
  start: number;
  end: number;
}

/** An entity named in one article, with every normalized form it was written in there. */
export interface ArticleEntity {
  key: string;
  type: EntityType;
  name: string;
  mentions: number;
  /** Order of first appearance in the article (0 = first entity named). */
  firstPosition: number;
  /** Normalized forms the article used, canonical name included: what other articles may call it too. */
  forms: string[];
}

/** The identity key of an entity: its type and normalized canonical name. */
export function entityKey(type: EntityType, name: string): string {
  return `${type}:${normalizeArabic(name).replace(/\s+/g, ' ').trim()}`;
}
