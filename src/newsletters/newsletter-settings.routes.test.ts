import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { insertReader } from '../../test/build-reader.ts';
import { describeEachEngine } from '../../test/engines.ts';
import { SESSION_COOKIE } from '../accounts/session.plugin.ts';
import { sessionService } from '../accounts/session.service.ts';
import { buildApp } from '../app.ts';
import { loadConfig } from '../config.ts';
import type { Role } from '../db/schema.ts';
import { newsletterRepository } from './newsletter.repository.ts';
import { ensureDefaultNewsletters } from './newsletters.service.ts';
import { type FormSession, postForm } from '../../test/post-form.ts';

describeEachEngine('admins define newsletters at /admin/newsletters', (database) => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sahifa-newsletter-settings-'));
  const config = loadConfig({ SITE_URL: 'https://news.example', DATA_DIR: dataDir });
  let app: FastifyInstance;
  const db = () => database.handle.db;
  beforeAll(async () => {
    // As every start does (server.ts).
    await ensureDefaultNewsletters(db(), { name: 'صحيفة', address: 'newsletters@news.example' }, 'Asia/Riyadh');
    app = await buildApp({ config, database: database.handle });
  });
  afterAll(async () => {
    await app.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  async function signedIn(role: Role) {
    const user = await insertReader(db(), { role, display_name: 'سلمى' });
    const sessions = sessionService(db(), { idleMs: config.accounts.sessionIdleMs, maxMs: config.accounts.sessionMaxMs });
    const { token } = await sessions.start(user.id, {});
    const cookie = `${SESSION_COOKIE}=${token}`;
    const page = await app.inject({ url: role === 'admin' ? '/admin/newsletters' : '/newsletters', headers: { cookie } });
    const csrf = /name="_csrf" value="([^"]+)"/.exec(page.body)![1]!;
    return { cookie, csrf };
  }

  const post = (url: string, who: FormSession, form: Record<string, string>) => postForm(app, url, who, form);

  const form = (overrides: Record<string, string> = {}) => ({
    name: 'الرياضة الأسبوعية',
    slug: 'sports-weekly',
    description: 'أهم مباريات الأسبوع وتحليلها، صباح كل سبت.',
    cadence: 'weekly',
    sendTime: '08:30',
    sendWeekday: '6',
    timeZone: 'africa/cairo',
    perReaderTime: '1',
    contentRule: 'section_latest',
    sectionId: '',
    articleLimit: '6',
    senderName: 'صحيفة الرياضة',
    senderAddress: 'Sports@News.example',
    replyTo: '',
    status: 'active',
    position: '4',
    ...overrides,
  });

  it('creates a weekly per-section newsletter that readers then see, logged in the audit', async () => {
    const admin = await signedIn('admin');
    const list = await app.inject({ url: '/admin/newsletters', headers: { cookie: admin.cookie } });
    expect(list.statusCode).toBe(200);
    // The seeded three are listed, the daily digest as the default.
    expect(list.body).toContain('الموجز اليومي');
    expect(list.body).toContain('النشرة الأساسية');

    const section = await db().selectFrom('sections').select(['id', 'name']).executeTakeFirst();
    const sectionId = section?.id ?? '';
    const created = await post('/admin/newsletters', admin, form({ sectionId }));
    expect(created.statusCode).toBe(303);
    const row = (await newsletterRepository(db()).findNewsletterBySlug('sports-weekly'))!;
    expect(row).toMatchObject({
      name: 'الرياضة الأسبوعية',
      cadence: 'weekly',
      send_time: '08:30',
      send_weekday: 6,
      // Stored as Intl spells it, so readers of one zone share one issue.
      time_zone: 'Africa/Cairo',
      per_reader_time: 1,
      content_rule: 'section_latest',
      section_id: sectionId || null,
      article_limit: 6,
      sender_address: 'sports@news.example',
      status: 'active',
      is_default: 0,
    });
    const audit = await db().selectFrom('audit_log').selectAll().where('subject_id', '=', row.id).execute();
    expect(audit).toMatchObject([{ action: 'newsletter.create', actor_name: 'سلمى' }]);

    const publicPage = await app.inject({ url: '/newsletters' });
    expect(publicPage.body).toContain('الرياضة الأسبوعية');
    expect((await app.inject({ url: '/api/newsletters' })).json().newsletters.map((n: { slug: string }) => n.slug)).toContain('sports-weekly');
  });

  it('shows each mistake in Arabic beside its field and keeps what was typed', async () => {
    const admin = await signedIn('admin');
    const response = await post(
      '/admin/newsletters',
      admin,
      form({ name: '', slug: 'Not Latin!', cadence: 'weekly', sendTime: '25:00', sendWeekday: '', timeZone: 'Mars/Olympus', senderAddress: 'nobody', articleLimit: '0' }),
    );
    expect(response.statusCode).toBe(422);
    for (const message of ['اكتب اسم النشرة.', 'المعرّف حروف لاتينية صغيرة', 'اكتب الوقت بالساعة والدقيقة', 'اكتب منطقة زمنية معروفة', 'اكتب عنوان بريد صحيحاً للمرسِل', 'مقال واحد على الأقل.']) {
      expect(response.body).toContain(message);
    }
    expect(response.body).toContain('value="Mars/Olympus"');
    // The slug of an existing newsletter is taken.
    const taken = await post('/admin/newsletters', admin, form({ slug: 'daily' }));
    expect(taken.statusCode).toBe(422);
    expect(taken.body).toContain('هذا المعرّف لنشرة أخرى');
  });

  it('edits a newsletter, moves the default to it, and never leaves the site without one', async () => {
    const admin = await signedIn('admin');
    await post('/admin/newsletters', admin, form({ slug: 'culture', name: 'ثقافة الأسبوع' }));
    const culture = (await newsletterRepository(db()).findNewsletterBySlug('culture'))!;
    const daily = (await newsletterRepository(db()).findNewsletterBySlug('daily'))!;

    // The default cannot simply be unmarked: another one has to become the default.
    const unmark = await post(`/admin/newsletters/${daily.id}`, admin, { ...form(), name: daily.name, cadence: 'daily', sendTime: '07:00', isDefault: '' });
    expect(unmark.statusCode).toBe(422);
    expect(unmark.body).toContain('هذه هي النشرة الأساسية');

    const edit = await post(`/admin/newsletters/${culture.id}`, admin, form({ name: 'ثقافة وفنون', cadence: 'manual', sendTime: '', sendWeekday: '', contentRule: 'curated', isDefault: '1' }));
    expect(edit.statusCode).toBe(303);
    const edited = (await newsletterRepository(db()).findNewsletter(culture.id))!;
    // The slug never changes after creation; a manual newsletter keeps no schedule.
    expect(edited).toMatchObject({ name: 'ثقافة وفنون', slug: 'culture', cadence: 'manual', send_time: null, send_weekday: null, per_reader_time: 0, is_default: 1 });
    expect((await newsletterRepository(db()).findNewsletter(daily.id))!.is_default).toBe(0);
    expect((await newsletterRepository(db()).findDefaultNewsletter())!.id).toBe(culture.id);
    // The public signup form offers the default first (checked).
    expect((await app.inject({ url: '/newsletters' })).body).toMatch(/value="culture" checked/);
    const audit = await db().selectFrom('audit_log').select('summary').where('subject_id', '=', culture.id).where('action', '=', 'newsletter.update').execute();
    expect(audit.map((entry) => entry.summary)).toEqual(['عدّل نشرة «ثقافة وفنون» وجعلها النشرة الأساسية']);
    // Put the daily digest back as the default for the other tests.
    expect((await post(`/admin/newsletters/${daily.id}`, admin, form({ name: daily.name, cadence: 'daily', sendTime: '07:00', contentRule: 'section_latest', isDefault: '1' }))).statusCode).toBe(303);
  });

  it('answers readers and editors 403, and refuses a form without the CSRF token', async () => {
    const reader = await signedIn('reader');
    const editor = await signedIn('editor');
    for (const who of [reader, editor]) {
      expect((await app.inject({ url: '/admin/newsletters', headers: { cookie: who.cookie } })).statusCode).toBe(403);
      expect((await post('/admin/newsletters', who, form({ slug: 'not-made' }))).statusCode).toBe(403);
    }
    const admin = await signedIn('admin');
    expect((await post('/admin/newsletters', { cookie: admin.cookie, csrf: 'wrong' }, form({ slug: 'not-made' }))).statusCode).toBe(403);
    expect(await newsletterRepository(db()).findNewsletterBySlug('not-made')).toBeUndefined();
  });
});
