import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import { pageCacheRepository } from '../articles/page-cache.repository.ts';
import { slugify } from '../articles/slug.ts';
import type { Database } from '../db/schema.ts';
import { invalidFields, notFound } from '../lib/errors.ts';
import { type Actor, audit } from './article-editing.service.ts';

/**
 * Sections, authors and tags as admins manage them. Every change is one transaction with its audit entry and a
 * page-cache generation bump (names and slugs show on every page).
 */

const slugSchema = z
  .string()
  .trim()
  .max(80, 'اجعل المعرّف في الرابط أقصر من ٨٠ حرفاً.')
  .refine((value) => value === '' || /^[\p{L}\p{N}-]+$/u.test(value), 'المعرّف في الرابط حروف وأرقام وشرطات فقط، بلا مسافات.');

export const sectionFormSchema = z.object({
  name: z.string().trim().min(1, 'اكتب اسم القسم بالعربية.').max(60, 'اجعل اسم القسم أقصر من ٦٠ حرفاً.'),
  nameEn: z.string().trim().max(60, 'اجعل الاسم الإنجليزي أقصر من ٦٠ حرفاً.'),
  slug: slugSchema,
  position: z.coerce.number({ error: 'اكتب الترتيب رقماً.' }).int('اكتب الترتيب رقماً صحيحاً.').min(0, 'الترتيب صفر أو أكثر.').max(1000, 'الترتيب أقل من ألف.'),
});

export const authorFormSchema = z.object({
  name: z.string().trim().min(1, 'اكتب اسم الكاتب.').max(100, 'اجعل الاسم أقصر من مئة حرف.'),
  slug: slugSchema,
  bio: z.string().trim().max(1000, 'اجعل النبذة أقصر من ألف حرف.'),
  photoMediaId: z.string().trim(),
});

export const tagFormSchema = z.object({
  name: z.string().trim().min(1, 'اكتب اسم الوسم.').max(100, 'اجعل الوسم أقصر من مئة حرف.'),
  slug: slugSchema,
});

function parse<T extends z.ZodType>(schema: T, form: Record<string, unknown>): z.output<T> {
  const result = schema.safeParse(form);
  if (result.success) return result.data;
  const fields: Record<string, string> = {};
  for (const issue of result.error.issues) fields[String(issue.path[0])] ??= issue.message;
  throw invalidFields(fields);
}

type NamedTable = 'sections' | 'authors' | 'tags';

async function slugFree(trx: Kysely<Database>, table: NamedTable, slug: string, exceptId: string | null): Promise<void> {
  const other = await trx.selectFrom(table).select('id').where('slug', '=', slug).executeTakeFirst();
  if (other && other.id !== exceptId) throw invalidFields({ slug: 'هذا المعرّف مستعمل؛ اختر غيره.' });
}

/** Creates (id null) or updates a section. */
export async function saveSection(db: Kysely<Database>, id: string | null, form: Record<string, unknown>, actor: Actor, now = new Date()): Promise<string> {
  const values = parse(sectionFormSchema, form);
  const slug = values.slug || slugify(values.name);
  return db.transaction().execute(async (trx) => {
    await slugFree(trx, 'sections', slug, id);
    const row = { name: values.name, name_en: values.nameEn || null, slug, position: values.position };
    let sectionId = id;
    if (sectionId) {
      const result = await trx.updateTable('sections').set(row).where('id', '=', sectionId).executeTakeFirst();
      if (Number(result.numUpdatedRows) === 0) throw notFound(`section ${sectionId}`);
    } else {
      sectionId = randomUUID();
      await trx.insertInto('sections').values({ id: sectionId, ...row }).execute();
    }
    await pageCacheRepository(trx).bumpGeneration();
    await audit(trx, actor, now.toISOString(), {
      action: id ? 'section.update' : 'section.create',
      subjectType: 'section',
      subjectId: sectionId,
      summary: `${id ? 'عدّل' : 'أنشأ'} قسم «${values.name}»`,
    });
    return sectionId;
  });
}

/** Creates (id null) or updates an author. */
export async function saveAuthor(db: Kysely<Database>, id: string | null, form: Record<string, unknown>, actor: Actor, now = new Date()): Promise<string> {
  const values = parse(authorFormSchema, form);
  const slug = values.slug || slugify(values.name);
  return db.transaction().execute(async (trx) => {
    await slugFree(trx, 'authors', slug, id);
    if (values.photoMediaId && !(await trx.selectFrom('media').select('id').where('id', '=', values.photoMediaId).executeTakeFirst())) {
      throw invalidFields({ photoMediaId: 'لا توجد صورة بهذا المعرّف في مكتبة الصور.' });
    }
    const row = { name: values.name, slug, bio: values.bio || null, photo_media_id: values.photoMediaId || null };
    let authorId = id;
    if (authorId) {
      const result = await trx.updateTable('authors').set(row).where('id', '=', authorId).executeTakeFirst();
      if (Number(result.numUpdatedRows) === 0) throw notFound(`author ${authorId}`);
    } else {
      authorId = randomUUID();
      await trx.insertInto('authors').values({ id: authorId, ...row }).execute();
    }
    await pageCacheRepository(trx).bumpGeneration();
    await audit(trx, actor, now.toISOString(), {
      action: id ? 'author.update' : 'author.create',
      subjectType: 'author',
      subjectId: authorId,
      summary: `${id ? 'عدّل' : 'أضاف'} الكاتب «${values.name}»`,
    });
    return authorId;
  });
}

/** Renames a tag (name and slug). */
export async function saveTag(db: Kysely<Database>, id: string, form: Record<string, unknown>, actor: Actor, now = new Date()): Promise<void> {
  const values = parse(tagFormSchema, form);
  const slug = values.slug || slugify(values.name);
  await db.transaction().execute(async (trx) => {
    await slugFree(trx, 'tags', slug, id);
    const result = await trx.updateTable('tags').set({ name: values.name, slug }).where('id', '=', id).executeTakeFirst();
    if (Number(result.numUpdatedRows) === 0) throw notFound(`tag ${id}`);
    await pageCacheRepository(trx).bumpGeneration();
    await audit(trx, actor, now.toISOString(), { action: 'tag.update', subjectType: 'tag', subjectId: id, summary: `عدّل الوسم «${values.name}»` });
  });
}

/** Deletes a tag; articles simply lose it. */
export async function deleteTag(db: Kysely<Database>, id: string, actor: Actor, now = new Date()): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const tag = await trx.selectFrom('tags').select('name').where('id', '=', id).executeTakeFirst();
    if (!tag) throw notFound(`tag ${id}`);
    await trx.deleteFrom('article_tags').where('tag_id', '=', id).execute();
    await trx.deleteFrom('tags').where('id', '=', id).execute();
    await pageCacheRepository(trx).bumpGeneration();
    await audit(trx, actor, now.toISOString(), { action: 'tag.delete', subjectType: 'tag', subjectId: id, summary: `حذف الوسم «${tag.name}»` });
  });
}

export const listSectionsForAdmin = (db: Kysely<Database>) =>
  db.selectFrom('sections').select(['id', 'name', 'name_en', 'slug', 'position']).orderBy('position').orderBy('name').execute();

export const listAuthorsForAdmin = (db: Kysely<Database>, limit: number, offset: number) =>
  db.selectFrom('authors').select(['id', 'name', 'slug', 'bio', 'photo_media_id']).orderBy('name').orderBy('id').limit(limit).offset(offset).execute();

/** Tags with how many articles carry each, most used first. */
export async function listTagsForAdmin(db: Kysely<Database>, limit: number, offset: number) {
  const rows = await db
    .selectFrom('tags')
    .leftJoin('article_tags', 'article_tags.tag_id', 'tags.id')
    .select(['tags.id', 'tags.name', 'tags.slug', (eb) => eb.fn.count<string | number>('article_tags.article_id').as('uses')])
    .groupBy(['tags.id', 'tags.name', 'tags.slug'])
    .orderBy('uses', 'desc')
    .orderBy('tags.name')
    .limit(limit)
    .offset(offset)
    .execute();
  return rows.map((row) => ({ ...row, uses: Number(row.uses) }));
}
