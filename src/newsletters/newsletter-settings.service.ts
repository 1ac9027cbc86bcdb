import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { Database, NewsletterCadence, NewsletterContentRule } from '../db/schema.ts';
import { invalidFields, notFound } from '../lib/errors.ts';
import { type Actor, audit } from '../newsroom/article-editing.service.ts';
import { type NewsletterRow, newsletterRepository } from './newsletter.repository.ts';
import { canonicalTimeZone } from './schedule.ts';

/**
 * Newsletters as admins define them at /admin/newsletters: name, description, cadence and schedule, content rule
 * (a section's latest for per-section ones), sender, status, order and which one is the default. Every save is
 * one transaction with its audit entry.
 */

const CADENCES = ['manual', 'daily', 'weekly', 'on_publish'] as const satisfies readonly NewsletterCadence[];
const RULES = ['curated', 'section_latest', 'breaking', 'personalized'] as const satisfies readonly NewsletterContentRule[];

/** The form's fields as the admin page posts them (strings; a checkbox is '1' or absent). */
export const newsletterFormSchema = z
  .object({
    name: z.string().trim().min(1, 'اكتب اسم النشرة.').max(80, 'اجعل اسم النشرة أقصر من ٨٠ حرفاً.'),
    // Only asked when creating: links, List-Id and the code's own newsletters («daily», «breaking») name it.
    slug: z
      .string()
      .trim()
      .regex(/^[a-z0-9-]{1,60}$/, 'المعرّف حروف لاتينية صغيرة وأرقام وشرطات، حتى ٦٠ حرفاً، مثل sports-weekly.')
      .optional(),
    description: z.string().trim().min(1, 'اكتب وصفاً قصيراً يراه القرّاء قبل الاشتراك.').max(300, 'اجعل الوصف أقصر من ٣٠٠ حرف.'),
    cadence: z.enum(CADENCES, { error: 'اختر متى تُرسل النشرة.' }),
    sendTime: z
      .string()
      .trim()
      .refine((value) => value === '' || /^([01]\d|2[0-3]):[0-5]\d$/.test(value), 'اكتب الوقت بالساعة والدقيقة، مثل 07:00.'),
    sendWeekday: z.string().trim(),
    timeZone: z
      .string()
      .trim()
      .refine((value) => value === '' || canonicalTimeZone(value) !== null, 'اكتب منطقة زمنية معروفة، مثل Asia/Riyadh، أو اتركها فارغة لتوقيت الموقع.')
      .transform((value) => (value ? canonicalTimeZone(value)! : '')),
    perReaderTime: z.string().optional(),
    contentRule: z.enum(RULES, { error: 'اختر ما تحمله النشرة.' }),
    sectionId: z.string().trim(),
    articleLimit: z.coerce
      .number({ error: 'اكتب عدد المقالات رقماً.' })
      .int('اكتب عدد المقالات رقماً صحيحاً.')
      .min(1, 'مقال واحد على الأقل.')
      .max(30, 'ثلاثون مقالاً على الأكثر.'),
    senderName: z.string().trim().min(1, 'اكتب اسم المرسِل كما يراه القرّاء.').max(80, 'اجعل اسم المرسِل أقصر من ٨٠ حرفاً.'),
    senderAddress: z.string().trim().toLowerCase().email('اكتب عنوان بريد صحيحاً للمرسِل، مثل news@example.com.'),
    replyTo: z
      .string()
      .trim()
      .toLowerCase()
      .refine((value) => value === '' || z.string().email().safeParse(value).success, 'اكتب عنوان بريد صحيحاً للردود، أو اتركه فارغاً.'),
    status: z.enum(['active', 'archived'], { error: 'اختر حالة النشرة.' }),
    position: z.coerce.number({ error: 'اكتب الترتيب رقماً.' }).int('اكتب الترتيب رقماً صحيحاً.').min(0, 'الترتيب صفر أو أكثر.').max(1000, 'الترتيب أقل من ألف.'),
    isDefault: z.string().optional(),
  })
  .superRefine((form, context) => {
    const scheduled = form.cadence === 'daily' || form.cadence === 'weekly';
    if (scheduled && !form.sendTime) context.addIssue({ code: 'custom', path: ['sendTime'], message: 'نشرة يومية أو أسبوعية تحتاج إلى وقت إرسال.' });
    if (form.cadence === 'weekly' && !/^[0-6]$/.test(form.sendWeekday)) {
      context.addIssue({ code: 'custom', path: ['sendWeekday'], message: 'اختر يوم الإرسال للنشرة الأسبوعية.' });
    }
    if (form.isDefault === '1' && form.status === 'archived') context.addIssue({ code: 'custom', path: ['isDefault'], message: 'النشرة المؤرشفة لا تكون النشرة الأساسية.' });
  });

type NewsletterForm = z.output<typeof newsletterFormSchema>;

function parse(form: Record<string, unknown>): NewsletterForm {
  const result = newsletterFormSchema.safeParse(form);
  if (result.success) return result.data;
  const fields: Record<string, string> = {};
  for (const issue of result.error.issues) fields[String(issue.path[0])] ??= issue.message;
  throw invalidFields(fields);
}

/** A newsletter as the admin form shows it (all strings). */
export function newsletterFormValues(row: NewsletterRow): Record<string, string> {
  return {
    name: row.name,
    slug: row.slug,
    description: row.description,
    cadence: row.cadence,
    sendTime: row.send_time ?? '',
    sendWeekday: row.send_weekday === null ? '' : String(row.send_weekday),
    timeZone: row.time_zone ?? '',
    perReaderTime: row.per_reader_time ? '1' : '',
    contentRule: row.content_rule,
    sectionId: row.section_id ?? '',
    articleLimit: String(row.article_limit),
    senderName: row.sender_name,
    senderAddress: row.sender_address,
    replyTo: row.reply_to ?? '',
    status: row.status,
    position: String(row.position),
    isDefault: row.is_default ? '1' : '',
  };
}

/**
 * Creates (id null) or updates a newsletter from the admin form; throws INVALID_FIELDS with an Arabic message per
 * field. Marking one as the default unmarks the others; the default cannot be archived or unmarked (another one
 * is made the default instead). Returns its id.
 */
export async function saveNewsletter(db: Kysely<Database>, id: string | null, form: Record<string, unknown>, actor: Actor, now = new Date()): Promise<string> {
  const values = parse(form);
  return db.transaction().execute(async (trx) => {
    const repository = newsletterRepository(trx);
    const existing = id ? await repository.findNewsletter(id) : undefined;
    if (id && !existing) throw notFound(`newsletter ${id}`);
    if (!existing) {
      if (!values.slug) throw invalidFields({ slug: 'اكتب معرّفاً للنشرة بحروف لاتينية، مثل sports-weekly.' });
      if (await repository.findNewsletterBySlug(values.slug)) throw invalidFields({ slug: 'هذا المعرّف لنشرة أخرى؛ اختر غيره.' });
    }
    if (existing?.is_default && values.isDefault !== '1') {
      throw invalidFields({ isDefault: 'هذه هي النشرة الأساسية؛ اجعل نشرة أخرى أساسية بدلاً منها.' });
    }
    if (values.sectionId && !(await trx.selectFrom('sections').select('id').where('id', '=', values.sectionId).executeTakeFirst())) {
      throw invalidFields({ sectionId: 'اختر قسماً من القائمة.' });
    }
    const scheduled = values.cadence === 'daily' || values.cadence === 'weekly';
    const row = {
      name: values.name,
      description: values.description,
      cadence: values.cadence,
      send_time: scheduled ? values.sendTime : null,
      send_weekday: values.cadence === 'weekly' ? Number(values.sendWeekday) : null,
      time_zone: values.timeZone || null,
      per_reader_time: scheduled && values.perReaderTime === '1' ? 1 : 0,
      content_rule: values.contentRule,
      section_id: values.sectionId || null,
      article_limit: values.articleLimit,
      sender_name: values.senderName,
      sender_address: values.senderAddress,
      reply_to: values.replyTo || null,
      status: values.status,
      position: values.position,
      updated_at: now.toISOString(),
    };
    let newsletterId = id;
    if (newsletterId) {
      await repository.updateNewsletter(newsletterId, row);
    } else {
      newsletterId = randomUUID();
      await repository.insertNewsletter({ id: newsletterId, slug: values.slug!, ...row, created_at: now.toISOString() });
    }
    if (values.isDefault === '1') await repository.makeDefault(newsletterId);
    await audit(trx, actor, now.toISOString(), {
      action: id ? 'newsletter.update' : 'newsletter.create',
      subjectType: 'newsletter',
      subjectId: newsletterId,
      summary: `${id ? 'عدّل' : 'أنشأ'} نشرة «${values.name}»${values.isDefault === '1' && !existing?.is_default ? ' وجعلها النشرة الأساسية' : ''}`,
    });
    return newsletterId;
  });
}
