import { type Kysely, sql, type Transaction } from 'kysely';
import type { Database } from '../db/schema.ts';

type Executor = Kysely<Database> | Transaction<Database>;

export interface CachedPage {
  html: string;
  lastModified: string;
}

/**
 * Rendered reader pages stored in the database. A lookup returns the page only if it was rendered in the
 * current generation, and always returns that generation, so a page rendered while a change commits is stored
 * under the old generation and never served.
 */
export function pageCacheRepository(db: Executor) {
  /** The current generation; no row yet means nothing was ever published through this schema: 0. */
  const generation = async (): Promise<number> => {
    const current = await db.selectFrom('site_generation').select('generation').where('id', '=', 1).executeTakeFirst();
    return Number(current?.generation ?? 0);
  };

  return {
    generation,

    async lookup(path: string): Promise<{ generation: number; page: CachedPage | null }> {
      const current = await generation();
      const row = await db
        .selectFrom('page_cache')
        .select(['html', 'last_modified'])
        .where('path', '=', path)
        .where('generation', '=', current)
        .executeTakeFirst();
      return { generation: current, page: row ? { html: row.html, lastModified: row.last_modified } : null };
    },

    store: (path: string, generation: number, page: CachedPage) =>
      db
        .insertInto('page_cache')
        .values({ path, generation, html: page.html, last_modified: page.lastModified })
        .onConflict((oc) => oc.column('path').doUpdateSet({ generation, html: page.html, last_modified: page.lastModified }))
        .execute(),

    /**
     * Invalidates every cached page; call it in the transaction of any change readers can see. The old pages are
     * deleted too, so the cache only ever holds pages rendered since the last change.
     */
    async bumpGeneration() {
      await db
        .insertInto('site_generation')
        .values({ id: 1, generation: 1 })
        .onConflict((oc) => oc.column('id').doUpdateSet({ generation: sql`site_generation.generation + 1` }))
        .execute();
      await db.deleteFrom('page_cache').execute();
    },
  };
}
