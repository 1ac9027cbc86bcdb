import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import sharp, { type Metadata, type Sharp } from 'sharp';
import { MEDIA_FORMATS, MEDIA_WIDTHS } from '../articles/markdown-body.tsx';
import type { Database } from '../db/schema.ts';
import { invalidFields } from '../lib/errors.ts';
import { type Actor, audit } from './article-editing.service.ts';
import type { MediaStore } from './media-store.ts';

/** The largest upload we accept, and the largest picture (in pixels) we agree to decode. */
export const MAX_UPLOAD_BYTES = 20 * 1024 * 1024;
const MAX_INPUT_PIXELS = 50_000_000;

export interface UploadInput {
  data: Buffer;
  originalName: string;
  alt: string;
  caption: string;
  credit: string;
}

const ENCODE: Record<(typeof MEDIA_FORMATS)[number], (image: Sharp) => Sharp> = {
  // AVIF at a low effort: encoding at the default costs seconds per width on a small machine.
  avif: (image) => image.avif({ quality: 55, effort: 2 }),
  webp: (image) => image.webp({ quality: 78 }),
  jpeg: (image) => image.jpeg({ quality: 80, mozjpeg: true }),
};

/**
 * Stores an uploaded image at every width and format the article page asks for (never enlarged), then records it.
 * Alt text is required: readers who cannot see the picture get it instead. Returns the new image's id; the
 * Markdown that shows it is `markdownFor(media)`.
 */
export async function uploadImage(db: Kysely<Database>, store: MediaStore, input: UploadInput, actor: Actor, now = new Date()): Promise<string> {
  const alt = input.alt.replace(/\s+/g, ' ').trim();
  const errors: Record<string, string> = {};
  if (!alt) errors.alt = 'اكتب نصاً بديلاً يصف الصورة لمن لا يراها.';
  else if (alt.length > 300) errors.alt = 'اجعل النص البديل أقصر من ٣٠٠ حرف.';
  if (input.data.length === 0) errors.file = 'اختر ملف صورة.';
  else if (input.data.length > MAX_UPLOAD_BYTES) errors.file = 'الصورة أكبر من ٢٠ ميغابايت.';
  if (input.caption.length > 500) errors.caption = 'اجعل التعليق أقصر من ٥٠٠ حرف.';
  if (input.credit.length > 200) errors.credit = 'اجعل اسم المصوّر أو المصدر أقصر من ٢٠٠ حرف.';
  if (Object.keys(errors).length) throw invalidFields(errors);

  let metadata: Metadata;
  try {
    metadata = await sharp(input.data, { limitInputPixels: MAX_INPUT_PIXELS }).metadata();
  } catch {
    throw invalidFields({ file: 'لم نستطع قراءة هذا الملف صورةً. ارفع صورة JPEG أو PNG أو WebP أو AVIF.' });
  }
  if (!metadata.width || !metadata.height || !['jpeg', 'png', 'webp', 'avif', 'heif', 'gif', 'tiff'].includes(metadata.format ?? '')) {
    throw invalidFields({ file: 'لم نستطع قراءة هذا الملف صورةً. ارفع صورة JPEG أو PNG أو WebP أو AVIF.' });
  }

  const id = randomUUID();
  // Turned upright by its EXIF orientation first, so width and height are what readers see.
  const upright = sharp(input.data, { limitInputPixels: MAX_INPUT_PIXELS }).rotate();
  const { width, height } = orientedSize(metadata);
  try {
    for (const target of MEDIA_WIDTHS) {
      const resized = upright.clone().resize({ width: target, withoutEnlargement: true });
      for (const format of MEDIA_FORMATS) await store.put(`${id}/${target}.${format}`, await ENCODE[format](resized.clone()).toBuffer());
    }
    await db.transaction().execute(async (trx) => {
      await trx
        .insertInto('media')
        .values({
          id,
          original_name: input.originalName.slice(0, 255) || 'image',
          width,
          height,
          alt,
          caption: input.caption.trim() || null,
          credit: input.credit.trim() || null,
          actor_id: actor.id,
          created_at: now.toISOString(),
        })
        .execute();
      await audit(trx, actor, now.toISOString(), { action: 'media.upload', subjectType: 'media', subjectId: id, summary: `رفع صورة «${alt}»` });
    });
  } catch (error) {
    // No row without files, and no files without a row.
    await store.removeAll(id);
    throw error;
  }
  return id;
}

function orientedSize(metadata: Metadata): { width: number; height: number } {
  const swapped = (metadata.orientation ?? 1) >= 5;
  return swapped ? { width: metadata.height!, height: metadata.width! } : { width: metadata.width!, height: metadata.height! };
}

export interface MediaItem {
  id: string;
  alt: string;
  caption: string | null;
  credit: string | null;
  width: number;
  height: number;
  created_at: string;
}

/** The Markdown an editor pastes into a body to show this image, with its caption and credit under it. */
export function markdownFor(media: Pick<MediaItem, 'id' | 'alt' | 'caption' | 'credit'>): string {
  const caption = [media.caption, media.credit ? `تصوير: ${media.credit}` : null].filter(Boolean).join(' · ');
  const escape = (text: string) => text.replace(/[[\]\\]/g, '\\$&');
  return `![${escape(media.alt)}](/media/${media.id}${caption ? ` "${caption.replace(/"/g, '\u201d')}"` : ''})`;
}

export function listMedia(db: Kysely<Database>, options: { limit: number; offset: number }): Promise<MediaItem[]> {
  return db
    .selectFrom('media')
    .select(['id', 'alt', 'caption', 'credit', 'width', 'height', 'created_at'])
    .orderBy('created_at', 'desc')
    .orderBy('id')
    .limit(options.limit)
    .offset(options.offset)
    .execute();
}

/** A variant's key in the store and its type, or null when `file` is not one of the names uploadImage writes. */
export function variantOf(id: string, file: string): { key: string; type: string } | null {
  const match = /^(\d+)\.(avif|webp|jpeg)$/.exec(file);
  if (!match || !/^[0-9a-f-]{36}$/.test(id) || !MEDIA_WIDTHS.includes(Number(match[1]) as never)) return null;
  return { key: `${id}/${file}`, type: `image/${match[2]}` };
}
