import type { Kysely, Transaction } from 'kysely';
import type { Database, TargetKind } from '../db/schema.ts';
import { notFound } from '../lib/errors.ts';

/** Something a reader can follow or mute, as pages name and link it. */
export interface Target {
  kind: TargetKind;
  id: string;
  slug: string;
  name: string;
}

/** Kinds stored in a table with id, slug and name (entities come from src/understanding). */
const TABLES = { section: 'sections', tag: 'tags', author: 'authors', entity: 'entities' } as const;
type TableKind = keyof typeof TABLES;

export const FOLLOWABLE_KINDS = ['section', 'tag', 'author', 'entity'] as const;
export const MUTABLE_KINDS = ['section', 'tag', 'author', 'entity', 'source', 'article'] as const;

/**
 * Finds a target by its slug (for a source, its name; for an article, its slug). Throws NOT_FOUND naming what
 * was looked for.
 */
export async function resolveTarget(db: Kysely<Database> | Transaction<Database>, kind: TargetKind, slug: string): Promise<Target> {
  if (kind === 'source') {
    const row = await db.selectFrom('articles').select('source_name').where('source_name', '=', slug).limit(1).executeTakeFirst();
    if (!row) throw notFound(`source "${slug}"`);
    return { kind, id: slug, slug, name: slug };
  }
  if (kind === 'article') {
    const row = await db.selectFrom('articles').select(['id', 'slug', 'title']).where('slug', '=', slug).executeTakeFirst();
    if (!row) throw notFound(`article "${slug}"`);
    return { kind, id: row.id, slug: row.slug, name: row.title };
  }
  const row = await db.selectFrom(TABLES[kind as TableKind]).select(['id', 'slug', 'name']).where('slug', '=', slug).executeTakeFirst();
  if (!row) throw notFound(`${kind} "${slug}"`);
  return { kind, ...row };
}

/** Names and slugs of many targets at once, keyed `kind:id`; targets that no longer exist are left out. */
export async function describeTargets(db: Kysely<Database>, refs: { kind: TargetKind; id: string }[]): Promise<Map<string, Target>> {
  const byKey = new Map<string, Target>();
  const idsOf = (kind: TargetKind) => [...new Set(refs.filter((ref) => ref.kind === kind).map((ref) => ref.id))];
  await Promise.all(
    (Object.keys(TABLES) as TableKind[]).map(async (kind) => {
      const ids = idsOf(kind);
      if (ids.length === 0) return;
      const rows = await db.selectFrom(TABLES[kind]).select(['id', 'slug', 'name']).where('id', 'in', ids).execute();
      for (const row of rows) byKey.set(`${kind}:${row.id}`, { kind, ...row });
    }),
  );
  for (const id of idsOf('source')) byKey.set(`source:${id}`, { kind: 'source', id, slug: id, name: id });
  const articleIds = idsOf('article');
  if (articleIds.length) {
    const rows = await db.selectFrom('articles').select(['id', 'slug', 'title']).where('id', 'in', articleIds).execute();
    for (const row of rows) byKey.set(`article:${row.id}`, { kind: 'article', id: row.id, slug: row.slug, name: row.title });
  }
  return byKey;
}
