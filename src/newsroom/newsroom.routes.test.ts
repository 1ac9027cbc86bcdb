import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { parseHTML } from 'linkedom';
import sharp from 'sharp';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { insertReader } from '../../test/build-reader.ts';
import { describeEachEngine } from '../../test/engines.ts';
import { SESSION_COOKIE } from '../accounts/session.plugin.ts';
import { sessionService } from '../accounts/session.service.ts';
import { buildApp } from '../app.ts';
import { loadConfig } from '../config.ts';
import type { Role } from '../db/schema.ts';
import { importFiles } from '../ingest/import.service.ts';
import { recordImportRun } from './import-runs.service.ts';
import { folderMediaStore } from './media-store.ts';
import { uploadImage } from './media.service.ts';
import { newsroomRepository } from './newsroom.repository.ts';
import { type FormSession, postForm } from '../../test/post-form.ts';

describeEachEngine('the newsroom at /admin', (database) => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sahifa-newsroom-'));
  const config = loadConfig({ SITE_URL: 'https://news.example', DATA_DIR: dataDir });
  let app: FastifyInstance;
  beforeAll(async () => {
    app = await buildApp({ config, database: database.handle });
    // Any signed-in person's CSRF token, as a page would embed it (readers have no newsroom page to take it from).
    app.get('/test/csrf-token', async (request) => request.csrfToken());
  });
  afterAll(async () => {
    await app.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  async function signedIn(role: Role, name = 'هدى') {
    const user = await insertReader(database.handle.db, { role, display_name: name });
    const sessions = sessionService(database.handle.db, { idleMs: config.accounts.sessionIdleMs, maxMs: config.accounts.sessionMaxMs });
    const { token } = await sessions.start(user.id, {});
    const cookie = `${SESSION_COOKIE}=${token}`;
    // The CSRF token of this session, as the pages put it in every form.
    const csrf = (await app.inject({ url: '/test/csrf-token', headers: { cookie } })).body;
    return { user, cookie, csrf };
  }

  const post = (url: string, who: FormSession, form: Record<string, string>) => postForm(app, url, who, form);

  const articleForm = (overrides: Record<string, string> = {}) => ({
    title: 'افتتاح جسر المشاة فوق النهر',
    subtitle: '',
    body: '## الافتتاح\n\nافتتح المحافظ **صباح اليوم** جسراً للمشاة.\n\n> قال المحافظ: «الجسر يصل الحيّين»',
    sectionId: '',
    tags: 'نقل، مدن',
    authors: 'هدى المحررة',
    related: '',
    sourceName: '',
    sourceUrl: '',
    publishAt: '',
    action: 'save',
    ...overrides,
  });

  it('answers a reader 403 on every newsroom page and call, and sends anonymous visitors to sign in', async () => {
    const reader = await signedIn('reader');
    const id = '00000000-0000-4000-8000-000000000000';
    const routes: [string, string][] = [
      ['GET', '/admin'],
      ['GET', '/admin/articles/new'],
      ['POST', '/admin/articles'],
      ['GET', `/admin/articles/${id}`],
      ['POST', `/admin/articles/${id}`],
      ['POST', '/admin/articles/preview'],
      ['POST', `/admin/articles/${id}/autosave`],
      ['POST', '/admin/articles/new/autosave'],
      ['POST', `/admin/articles/${id}/autosave/discard`],
      ['GET', `/admin/articles/${id}/revisions`],
      ['GET', `/admin/articles/${id}/revisions/1`],
      ['POST', `/admin/articles/${id}/revisions/1/restore`],
      ['GET', '/admin/media'],
      ['POST', '/admin/media'],
      ['GET', '/admin/settings'],
      ['POST', '/admin/settings'],
      ['GET', '/admin/audit'],
      ['GET', '/admin/imports'],
      ['POST', `/admin/imports/failures/${id}/retry`],
      ['GET', '/admin/feeds'],
      ['POST', '/admin/feeds'],
      ['POST', `/admin/feeds/${id}/poll`],
      ['POST', `/admin/feeds/${id}/delete`],
      ['GET', '/admin/users'],
      ['POST', `/admin/users/${id}/role`],
      ['POST', '/admin/users/suppress'],
      ['GET', '/admin/sections'],
      ['POST', '/admin/sections'],
      ['GET', `/admin/sections/${id}`],
      ['POST', `/admin/sections/${id}`],
      ['GET', '/admin/authors'],
      ['POST', '/admin/authors'],
      ['POST', `/admin/authors/${id}`],
      ['GET', '/admin/tags'],
      ['POST', `/admin/tags/${id}`],
      ['POST', `/admin/tags/${id}/delete`],
      ['GET', '/admin/newsletters'],
      ['POST', '/admin/newsletters'],
      ['GET', `/admin/newsletters/${id}`],
      ['POST', `/admin/newsletters/${id}`],
    ];
    for (const [method, url] of routes) {
      // With the reader's own valid CSRF token, so the 403 comes from the role check and not from CSRF.
      const asReader = await app.inject({ method: method as 'GET', url, headers: { cookie: reader.cookie, 'x-csrf-token': reader.csrf } });
      expect(asReader.statusCode, `${method} ${url}`).toBe(403);
      expect(asReader.body, `${method} ${url}`).not.toContain('field-title');
      const anonymous = await app.inject({ method: method as 'GET', url });
      expect(method === 'GET' ? [303] : [401, 403], `anonymous ${method} ${url}`).toContain(anonymous.statusCode);
    }
    // Editors are not admins.
    const editor = await signedIn('editor');
    for (const url of ['/admin/settings', '/admin/audit', '/admin/sections', '/admin/authors', '/admin/tags', '/admin/users', '/admin/newsletters']) {
      expect((await app.inject({ url, headers: { cookie: editor.cookie } })).statusCode, url).toBe(403);
    }
    expect((await post('/admin/settings', editor, { siteName: 'اسم آخر' })).statusCode).toBe(403);
    expect((await post('/admin/newsletters', editor, { name: 'نشرة' })).statusCode).toBe(403);
  });

  it('refuses a newsroom form without the CSRF token', async () => {
    const editor = await signedIn('editor');
    const response = await post('/admin/articles', { cookie: editor.cookie, csrf: '' }, articleForm());
    expect(response.statusCode).toBe(403);
  });

  it('shows Arabic errors beside the fields and keeps what was typed', async () => {
    const editor = await signedIn('editor');
    const response = await post('/admin/articles', editor, articleForm({ title: '  ', sourceUrl: 'example.org' }));
    expect(response.statusCode).toBe(422);
    const { document } = parseHTML(response.body);
    expect(document.querySelector('#field-title-error')?.textContent).toBe('اكتب عنوان المقال.');
    expect(document.querySelector('#field-title')?.getAttribute('aria-describedby')).toBe('field-title-error');
    expect(document.querySelector('#field-sourceUrl-error')?.textContent).toContain('https://');
    expect(document.querySelector('#field-body')?.textContent).toContain('جسراً للمشاة');
  });

  it('lets an editor write, publish and edit an article that readers then see rendered from its Markdown', async () => {
    const editor = await signedIn('editor', 'هدى المحررة');
    const created = await post('/admin/articles', editor, articleForm({ action: 'publish' }));
    expect(created.statusCode).toBe(303);
    const editUrl = created.headers.location!.split('?')[0]!;
    const id = editUrl.split('/').pop()!;
    const row = await newsroomRepository(database.handle.db).findArticle(id);
    expect(row?.status).toBe('published');

    const page = await app.inject({ url: `/article/${encodeURIComponent(row!.slug)}` });
    const body = parseHTML(page.body).document.querySelector('.article-body')!;
    expect(body.querySelector('h2')?.textContent).toBe('الافتتاح');
    expect(body.querySelector('strong')?.textContent).toBe('صباح اليوم');
    expect(body.querySelector('blockquote')?.textContent).toContain('«الجسر يصل الحيّين»');

    const editor2 = await signedIn('editor', 'كريم');
    const first = await post(editUrl, editor, articleForm({ version: '1', title: 'افتتاح جسر المشاة الجديد' }));
    expect(first.statusCode).toBe(303);
    // Kareem opened version 1 too: his save is refused with a clear message, his text kept in the form.
    const stale = await post(editUrl, editor2, articleForm({ version: '1', title: 'عنوان كريم' }));
    expect(stale.statusCode).toBe(409);
    const { document } = parseHTML(stale.body);
    expect(document.querySelector('.conflict h2')?.textContent).toContain('حفظ هدى المحررة نسخة أحدث');
    expect(document.querySelector('#field-title')?.getAttribute('value')).toBe('عنوان كريم');
    expect(document.querySelector('input[name="version"]')?.getAttribute('value')).toBe('2');
    const inserted = [...document.querySelectorAll('.conflict ins')].map((node) => node.textContent).join(' ');
    expect(inserted).toContain('عنوان');
    expect(inserted).toContain('كريم');

    const revisions = await app.inject({ url: `${editUrl}/revisions/2`, headers: { cookie: editor.cookie } });
    expect(revisions.statusCode).toBe(200);
    expect(parseHTML(revisions.body).document.querySelector('.diff ins')?.textContent).toContain('الجديد');
    const restored = await post(`${editUrl}/revisions/1/restore`, editor, { version: '2' });
    expect(restored.statusCode).toBe(303);
    expect((await newsroomRepository(database.handle.db).findArticle(id))?.title).toBe('افتتاح جسر المشاة فوق النهر');
  });

  it('schedules an article for the worker, in the site time zone', async () => {
    const editor = await signedIn('editor');
    // One clock reading for the form and the check: two readings a minute boundary apart would disagree.
    const now = Date.now();
    const inOneHourRiyadh = new Date(now + 3 * 3600_000 + 3600_000).toISOString().slice(0, 16);
    const response = await post('/admin/articles', editor, articleForm({ action: 'schedule', publishAt: inOneHourRiyadh }));
    expect(response.statusCode).toBe(303);
    const id = response.headers.location!.split('?')[0]!.split('/').pop()!;
    const row = await newsroomRepository(database.handle.db).findArticle(id);
    expect(row?.status).toBe('scheduled');
    expect(row!.published_at!.slice(0, 16)).toBe(new Date(now + 3600_000).toISOString().slice(0, 16));
    const job = await database.handle.db.selectFrom('jobs').selectAll().where('kind', '=', 'newsroom.publish-scheduled').where('payload', 'like', `%${id}%`).executeTakeFirst();
    expect(job?.run_at).toBe(row!.published_at);

    const past = await post('/admin/articles', editor, articleForm({ action: 'schedule', publishAt: '2020-01-01T10:00' }));
    expect(past.statusCode).toBe(422);
    expect(parseHTML(past.body).document.querySelector('#field-publishAt-error')?.textContent).toContain('المستقبل');
  });

  it('previews the form as the article page and autosaves what is typed', async () => {
    const editor = await signedIn('editor');
    const preview = await post('/admin/articles/preview', editor, articleForm({ title: 'عنوان المعاينة' }));
    expect(preview.statusCode).toBe(200);
    const { document } = parseHTML(preview.body);
    expect(document.querySelector('article.article h1')?.textContent).toBe('عنوان المعاينة');
    expect(document.querySelector('.article-body h2')?.textContent).toBe('الافتتاح');

    const saved = await app.inject({
      method: 'POST',
      url: '/admin/articles/new/autosave',
      headers: { cookie: editor.cookie, 'x-csrf-token': editor.csrf, 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({ title: 'مسودة لم تُحفظ', body: 'نص' }).toString(),
    });
    expect(saved.statusCode).toBe(200);
    const page = await app.inject({ url: '/admin/articles/new', headers: { cookie: editor.cookie } });
    expect(page.body).toContain('لديك تعديلات لم تُحفظ');
    const restored = await app.inject({ url: '/admin/articles/new?restore=autosave', headers: { cookie: editor.cookie } });
    expect(parseHTML(restored.body).document.querySelector('#field-title')?.getAttribute('value')).toBe('مسودة لم تُحفظ');
  });

  it('uploads an image with required alt text and serves its AVIF, WebP and JPEG variants', async () => {
    const editor = await signedIn('editor');
    const png = await sharp({ create: { width: 1200, height: 800, channels: 3, background: '#8a1c1c' } }).png().toBuffer();
    const upload = (fields: Record<string, string>, file: Buffer) => {
      const boundary = '----sahifa-test-boundary';
      const parts: Buffer[] = [];
      for (const [name, value] of Object.entries({ _csrf: editor.csrf, ...fields })) {
        parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`));
      }
      parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="bridge.png"\r\nContent-Type: image/png\r\n\r\n`));
      parts.push(file, Buffer.from(`\r\n--${boundary}--\r\n`));
      return app.inject({
        method: 'POST',
        url: '/admin/media',
        headers: { cookie: editor.cookie, 'content-type': `multipart/form-data; boundary=${boundary}` },
        payload: Buffer.concat(parts),
      });
    };
    const missingAlt = await upload({ alt: ' ', caption: 'الجسر' }, png);
    expect(missingAlt.statusCode).toBe(422);
    expect(parseHTML(missingAlt.body).document.querySelector('#field-alt-error')?.textContent).toContain('نصاً بديلاً');
    const notImage = await upload({ alt: 'صورة' }, Buffer.from('ليس صورة'));
    expect(parseHTML(notImage.body).document.querySelector('#field-file-error')?.textContent).toContain('لم نستطع قراءة');

    // A photo larger than the site's 1 MB body limit for forms.
    const noise = Buffer.alloc(800 * 500 * 3);
    for (let i = 0; i < noise.length; i++) noise[i] = (i * 2654435761) >>> 24;
    const big = await sharp(noise, { raw: { width: 800, height: 500, channels: 3 } }).png({ compressionLevel: 0 }).toBuffer();
    expect(big.length).toBeGreaterThan(1024 * 1024);
    expect((await upload({ alt: 'صورة كبيرة' }, big)).statusCode).toBe(303);

    const ok = await upload({ alt: 'جسر المشاة عند الغروب', caption: 'الجسر الجديد', credit: 'سلمى' }, png);
    expect(ok.statusCode).toBe(303);
    const id = /uploaded=([0-9a-f-]+)/.exec(ok.headers.location!)![1]!;
    for (const [file, type, width] of [['480.webp', 'image/webp', 480], ['960.avif', 'image/avif', 960], ['1600.jpeg', 'image/jpeg', 1200]] as const) {
      const response = await app.inject({ url: `/media/${id}/${file}` });
      expect(response.statusCode, file).toBe(200);
      expect(response.headers['content-type']).toBe(type);
      expect((await sharp(response.rawPayload).metadata()).width, file).toBe(width);
    }
    expect((await app.inject({ url: `/media/${id}/../../sahifa.db` })).statusCode).toBe(404);
    const library = await app.inject({ url: `/admin/media?uploaded=${id}`, headers: { cookie: editor.cookie } });
    expect(parseHTML(library.body).document.querySelector(`#snippet-${id}`)?.getAttribute('value')).toBe(
      `![جسر المشاة عند الغروب](/media/${id} "الجسر الجديد · تصوير: سلمى")`,
    );
  });

  it('lets an admin change the settings, with errors beside the field, and logs it', async () => {
    const admin = await signedIn('admin', 'مديرة الموقع');
    const bad = await post('/admin/settings', admin, { siteName: 'صحيفة الغد', description: '', timeZone: 'Mars/Olympus', footerText: '', logoMediaId: '' });
    expect(bad.statusCode).toBe(422);
    expect(parseHTML(bad.body).document.querySelector('#field-timeZone-error')?.textContent).toContain('منطقة زمنية');
    const good = await post('/admin/settings', admin, { siteName: 'صحيفة الغد', description: 'أخبار', timeZone: 'Africa/Cairo', footerText: '', logoMediaId: '' });
    expect(good.statusCode).toBe(303);
    const audit = await app.inject({ url: '/admin/audit', headers: { cookie: admin.cookie } });
    expect(audit.body).toContain('عدّل إعدادات الموقع');
    expect(audit.body).toContain('مديرة الموقع');
  });

  it('lets an admin choose an author’s photo and the logo by their pictures; readers see the photo in the byline', async () => {
    const admin = await signedIn('admin', 'مديرة الموقع');
    const png = await sharp({ create: { width: 400, height: 400, channels: 3, background: '#1c5f8a' } }).png().toBuffer();
    const photo = await uploadImage(database.handle.db, folderMediaStore(path.join(dataDir, 'media')), { data: png, originalName: 'p.png', alt: 'صورة سلوى', caption: '', credit: '' }, { id: null, name: 'مديرة الموقع' });

    const form = parseHTML((await app.inject({ url: '/admin/authors', headers: { cookie: admin.cookie } })).body).document;
    const choice = form.querySelector(`input[type="radio"][name="photoMediaId"][value="${photo}"]`)!;
    expect(choice.closest('label')?.querySelector('img')?.getAttribute('src')).toBe(`/media/${photo}/480.webp`);
    expect(choice.closest('label')?.textContent).toContain('صورة سلوى');
    expect(form.querySelector('input[name="photoMediaId"][value=""]')?.hasAttribute('checked')).toBe(true);
    const settings = parseHTML((await app.inject({ url: '/admin/settings', headers: { cookie: admin.cookie } })).body).document;
    expect(settings.querySelector(`input[type="radio"][name="logoMediaId"][value="${photo}"]`)).not.toBeNull();

    expect((await post('/admin/authors', admin, { name: 'سلوى الكاتبة', slug: '', bio: '', photoMediaId: photo })).statusCode).toBe(303);
    const author = await database.handle.db.selectFrom('authors').select('id').where('name', '=', 'سلوى الكاتبة').executeTakeFirstOrThrow();
    const edit = parseHTML((await app.inject({ url: `/admin/authors/${author.id}`, headers: { cookie: admin.cookie } })).body).document;
    expect(edit.querySelector(`input[name="photoMediaId"][value="${photo}"]`)?.hasAttribute('checked')).toBe(true);

    const editor = await signedIn('editor');
    const published = await post('/admin/articles', editor, articleForm({ title: 'مقال بصورة كاتبته', authors: 'سلوى الكاتبة', action: 'publish' }));
    expect(published.statusCode).toBe(303);
    const row = await database.handle.db.selectFrom('articles').select('slug').where('title', '=', 'مقال بصورة كاتبته').executeTakeFirstOrThrow();
    const page = parseHTML((await app.inject({ url: `/article/${encodeURIComponent(row.slug)}` })).body).document;
    expect(page.querySelector('.byline .author-photo')?.getAttribute('src')).toBe(`/media/${photo}/480.webp`);
  });

  it('lets an admin add and rename sections, and rename or remove tags, readers seeing the change at once', async () => {
    const admin = await signedIn('admin', 'مديرة الموقع');
    const bad = await post('/admin/sections', admin, { name: '', nameEn: '', slug: 'with space', position: 'x' });
    expect(bad.statusCode).toBe(422);
    const { document } = parseHTML(bad.body);
    expect(document.querySelector('#field-name-error')?.textContent).toBe('اكتب اسم القسم بالعربية.');
    expect(document.querySelector('#field-slug-error')?.textContent).toContain('بلا مسافات');
    expect(document.querySelector('#field-position-error')?.textContent).toContain('رقماً');

    expect((await post('/admin/sections', admin, { name: 'علوم', nameEn: 'Science', slug: '', position: '3' })).statusCode).toBe(303);
    const section = await database.handle.db.selectFrom('sections').selectAll().where('name', '=', 'علوم').executeTakeFirstOrThrow();
    expect(section.slug).toBe('علوم');
    expect(section.name_en).toBe('Science');
    expect((await app.inject({ url: '/' })).body).toContain('علوم');
    expect((await post(`/admin/sections/${section.id}`, admin, { name: 'علوم وتقنية', nameEn: 'Science', slug: 'science', position: '3' })).statusCode).toBe(303);
    expect((await app.inject({ url: '/section/science' })).statusCode).toBe(200);

    const editor = await signedIn('editor');
    await post('/admin/articles', editor, articleForm({ tags: 'وسم مؤقت', action: 'publish' }));
    const tag = await database.handle.db.selectFrom('tags').selectAll().where('name', '=', 'وسم مؤقت').executeTakeFirstOrThrow();
    const tags = await app.inject({ url: '/admin/tags', headers: { cookie: admin.cookie } });
    expect(tags.body).toContain('وسم مؤقت');
    expect((await post(`/admin/tags/${tag.id}/delete`, admin, {})).statusCode).toBe(303);
    expect(await database.handle.db.selectFrom('tags').select('id').where('id', '=', tag.id).executeTakeFirst()).toBeUndefined();
  });

  it('shows what an import could not import and lets an editor re-run it once fixed', async () => {
    const editor = await signedIn('editor', 'هدى');
    const file = path.join(dataDir, 'broken-feed.rss');
    fs.writeFileSync(file, '');
    const startedAt = new Date();
    const report = await importFiles(database.handle.db, [file]);
    expect(report.failed).toHaveLength(1);
    await recordImportRun(database.handle.db, { origin: 'cli', actorName: 'sahifa import', startedAt, finishedAt: new Date(), report });
    const queue = await app.inject({ url: '/admin/imports', headers: { cookie: editor.cookie } });
    const failure = parseHTML(queue.body).document.querySelector(`.import-failures form[action*="/retry"]`)!;
    expect(queue.body).toContain(file);

    const again = await post(failure.getAttribute('action')!, editor, {});
    expect(again.body).toContain('لم ينجح الاستيراد مرة أخرى');
    fs.writeFileSync(
      file,
      `<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>وكالة الأنباء</title><link>https://agency.example/</link>
      <item><title>وصول أول قطار إلى المحطة الجديدة</title><link>https://agency.example/train</link><pubDate>Wed, 25 Nov 2026 08:00:00 GMT</pubDate>
      <description>وصل صباح اليوم أول قطار إلى المحطة الجديدة في شمال المدينة بعد سنتين من العمل.</description></item></channel></rss>`,
    );
    const fixed = await post(failure.getAttribute('action')!, editor, {});
    expect(fixed.body).toContain('نجحت إعادة الاستيراد');
    expect(fixed.body).not.toContain(file);
    const audit = await newsroomRepository(database.handle.db).listAudit({ limit: 5, offset: 0 });
    expect(audit.filter((entry) => entry.action === 'import.retry').map((entry) => entry.actor_name)).toEqual(['هدى', 'هدى']);
  });

  it('lists an item that keeps failing once, and resolves it when a later run imports it', async () => {
    const editor = await signedIn('editor', 'هدى');
    const file = path.join(dataDir, 'empty-page.html');
    fs.writeFileSync(file, '');
    const run = async () => {
      const startedAt = new Date();
      await recordImportRun(database.handle.db, { origin: 'cli', actorName: 'sahifa import', startedAt, finishedAt: new Date(), report: await importFiles(database.handle.db, [file]) });
    };
    const listed = async () => {
      const queue = await app.inject({ url: '/admin/imports', headers: { cookie: editor.cookie } });
      return [...parseHTML(queue.body).document.querySelectorAll('.import-failures li')].filter((row) => row.textContent!.includes(file));
    };
    await run();
    await run();
    expect(await listed()).toHaveLength(1);
    const retry = (await listed())[0]!.querySelector('form[action*="/retry"]')!.getAttribute('action')!;
    expect((await post(retry, editor, {})).body).toContain('لم ينجح الاستيراد مرة أخرى');
    expect(await listed()).toHaveLength(1);

    fs.writeFileSync(file, '<html lang="ar"><head><title>افتتاح سوق الكتب</title></head><body><article><h1>افتتاح سوق الكتب</h1><p>افتتحت البلدية صباح اليوم سوقاً للكتب المستعملة في الساحة القديمة وسط المدينة.</p></article></body></html>');
    await run();
    expect(await listed()).toHaveLength(0);
  });

  it('lets an admin change roles (ending that account’s sessions), never demote the last admin, and stop mail to an address', async () => {
    await database.handle.db.updateTable('users').set({ role: 'reader' }).where('role', '=', 'admin').execute();
    const admin = await signedIn('admin', 'مديرة الموقع');
    const editor = await signedIn('editor', 'محرر سابق');
    const page = await app.inject({ url: '/admin/users', headers: { cookie: admin.cookie } });
    expect(parseHTML(page.body).document.querySelector('.counts')?.textContent).toContain('المحررون');

    const demoted = await post(`/admin/users/${editor.user.id}/role`, admin, { role: 'reader' });
    expect(demoted.statusCode).toBe(200);
    expect(demoted.body).toContain('تغيّر الدور');
    expect((await app.inject({ url: '/admin', headers: { cookie: editor.cookie } })).statusCode).toBe(303);

    const self = await post(`/admin/users/${admin.user.id}/role`, admin, { role: 'reader' });
    expect(self.statusCode).toBe(422);
    expect(parseHTML(self.body).document.querySelector('.error-summary')?.textContent).toContain('آخر مدير');
    const badRole = await post(`/admin/users/${editor.user.id}/role`, admin, { role: 'owner' });
    expect(badRole.statusCode).toBe(422);

    const suppressed = await post('/admin/users/suppress', admin, { email: ' Someone@Example.COM ' });
    expect(suppressed.statusCode).toBe(200);
    const row = await database.handle.db.selectFrom('email_suppressions').selectAll().where('email', '=', 'someone@example.com').executeTakeFirst();
    expect(row?.reason).toBe('manual');
    const bad = await post('/admin/users/suppress', admin, { email: 'ليس بريداً' });
    expect(parseHTML(bad.body).document.querySelector('#field-email-error')?.textContent).toContain('بريد');
  });

  it('subscribes to another source’s feed: its items arrive in the mapped section, as drafts for review or published', async () => {
    const feed = (n: number) => `<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>وكالة الجنوب</title><link>https://south.example/</link>
      <item><title>افتتاح سوق الخضار الجديد رقم ${n}</title><link>https://south.example/market-${n}</link><pubDate>Wed, 25 Nov 2026 07:00:00 GMT</pubDate>
      <category>اقتصاد</category><description>افتتح صباح اليوم سوق جديد للخضار والفاكهة في الحي الجنوبي من المدينة.</description></item></channel></rss>`;
    const server = http.createServer((request, response) => {
      response.writeHead(200, { 'content-type': 'application/rss+xml; charset=utf-8' });
      response.end(feed(request.url === '/review.xml' ? 1 : 2));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
    try {
      const editor = await signedIn('editor');
      const admin = await signedIn('admin');
      await post('/admin/sections', admin, { name: 'محليات', nameEn: 'Local', slug: 'local', position: '9' });
      const local = await database.handle.db.selectFrom('sections').select('id').where('slug', '=', 'local').executeTakeFirstOrThrow();

      const bad = await post('/admin/feeds', editor, { url: 'south.example', name: '', sectionId: '', mode: 'review', intervalMinutes: '1' });
      expect(bad.statusCode).toBe(422);
      const errors = parseHTML(bad.body).document;
      expect(errors.querySelector('#field-url-error')?.textContent).toContain('https://');
      expect(errors.querySelector('#field-intervalMinutes-error')?.textContent).toContain('خمس دقائق');

      for (const [path, mode] of [['/review.xml', 'review'], ['/publish.xml', 'publish']] as const) {
        const added = await post('/admin/feeds', editor, { url: `${base}${path}`, name: 'وكالة الجنوب', sectionId: local.id, mode, intervalMinutes: '30' });
        expect(added.statusCode).toBe(200);
      }
      const sources = await database.handle.db.selectFrom('feed_sources').selectAll().where('url', 'like', `${base}%`).orderBy('url', 'desc').execute();
      const jobs = await database.handle.db.selectFrom('jobs').select('dedupe_key').where('kind', '=', 'newsroom.poll-feed').execute();
      expect(jobs.map((job) => job.dedupe_key)).toEqual(expect.arrayContaining(sources.map((source) => `newsroom.poll-feed:${source.id}`)));
      for (const source of sources) expect((await post(`/admin/feeds/${source.id}/poll`, editor, {})).body).toContain('١ جديد');

      const review = await articleBySource(`https://south.example/market-1`);
      const published = await articleBySource(`https://south.example/market-2`);
      expect([review?.status, review?.section_id]).toEqual(['draft', local.id]);
      expect([published?.status, published?.section_id]).toEqual(['published', local.id]);
      expect((await app.inject({ url: `/article/${encodeURIComponent(review!.slug)}` })).statusCode).toBe(404);
      expect((await app.inject({ url: `/article/${encodeURIComponent(published!.slug)}` })).statusCode).toBe(200);
    } finally {
      server.close();
    }
  });

  const articleBySource = (url: string) =>
    database.handle.db.selectFrom('articles').select(['status', 'section_id', 'slug']).where('source_url', '=', url).executeTakeFirst();

  it('publishing a breaking article enqueues the «عاجل» alert with the publication, once', async () => {
    const editor = await signedIn('editor');
    const created = await post('/admin/articles', editor, articleForm({ breaking: 'on', action: 'publish' }));
    expect(created.statusCode).toBe(303);
    const id = created.headers.location!.split('?')[0]!.split('/').pop()!;
    const alerts = await database.handle.db.selectFrom('jobs').select(['payload', 'dedupe_key']).where('kind', '=', 'newsroom.breaking-alert').execute();
    expect(alerts.filter((job) => job.dedupe_key === `newsroom.breaking-alert:${id}`)).toHaveLength(1);
    expect(JSON.parse(alerts.find((job) => job.dedupe_key === `newsroom.breaking-alert:${id}`)!.payload)).toEqual({ articleId: id });
  });
});
