import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import { type ArticleFeatures, candidateRepository } from './candidates.repository.ts';

/** The features of published articles (section, source, story, tags, authors, entities), by id. */
export interface FeatureSource {
  /** Features of the published articles among `ids`; ids of other articles are left out. */
  features(ids: string[]): Promise<Map<string, ReadonlyArticleFeatures>>;
}

export type ReadonlyArticleFeatures = Readonly<ArticleFeatures>;

/**
 * Keeps what the database said about each article for `ttlMs`: every reader's feed asks for the same articles of
 * the window, and a heavy reader's profile for the same 500 read ones, on every visit. An article edited,
 * clustered into a story or unpublished meanwhile is seen at most a minute late (cards are read fresh, and only
 * published articles are shown). One per process, created in app.ts; at most `maxEntries` articles are kept,
 * the oldest fetched dropped first.
 */
export function createFeatureCache(db: Kysely<Database>, options: { ttlMs?: number; maxEntries?: number } = {}): FeatureSource {
  const ttlMs = options.ttlMs ?? 60_000;
  const maxEntries = options.maxEntries ?? 50_000;
  // Map order is fetch order: re-fetched articles are deleted and set again, so the first key is the oldest.
  const entries = new Map<string, { at: number; features: ReadonlyArticleFeatures | null }>();
  return {
    async features(ids) {
      const now = Date.now();
      const found = new Map<string, ReadonlyArticleFeatures>();
      const missing: string[] = [];
      for (const id of new Set(ids)) {
        const entry = entries.get(id);
        if (!entry || now - entry.at > ttlMs) missing.push(id);
        else if (entry.features) found.set(id, entry.features);
      }
      if (missing.length === 0) return found;
      const fetched = await candidateRepository(db).features(missing);
      for (const id of missing) {
        // Not published (or deleted) is remembered too, so it is not asked for again on every feed.
        const features = fetched.get(id) ?? null;
        entries.delete(id);
        entries.set(id, { at: now, features });
        if (features) found.set(id, features);
      }
      for (const id of entries.keys()) {
        if (entries.size <= maxEntries) break;
        entries.delete(id);
      }
      return found;
    },
  };
}

/** No cache: every call reads the database (tests, and callers that need what was just written). */
export const uncachedFeatures = (db: Kysely<Database>): FeatureSource => ({ features: (ids) => candidateRepository(db).features(ids) });
