import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseHTML } from 'linkedom';
import { expect, it } from 'vitest';
import { describeEachEngine } from '../../test/engines.ts';
import { buildApp } from '../app.ts';
import { loadConfig } from '../config.ts';
import { createMailer } from './mailer.ts';

describeEachEngine('/dev/outbox', (database) => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sahifa-outbox-'));

  it('lists the messages written to the outbox and shows one with its links, text, HTML and .eml', async () => {
    const config = loadConfig({ DATA_DIR: dataDir, SITE_URL: 'https://news.example' });
    const mailer = createMailer(config.mail);
    await mailer.send({
      to: 'reader@example.com',
      subject: 'رابط الدخول إلى حسابك',
      text: 'ادخل من هذا الرابط: https://news.example/account/magic/xyz',
      html: '<p style="color:red">ادخل من <a href="https://news.example/account/magic/xyz">هذا الرابط</a></p>',
    });
    const app = await buildApp({ config, database: database.handle, mailer });

    const list = await app.inject({ url: '/dev/outbox' });
    expect(list.statusCode).toBe(200);
    const { document } = parseHTML(list.body);
    const link = document.querySelector('table.outbox a');
    expect(link?.textContent).toBe('رابط الدخول إلى حسابك');

    const page = await app.inject({ url: link!.getAttribute('href')! });
    expect(page.statusCode).toBe(200);
    const shown = parseHTML(page.body).document;
    expect(shown.querySelector('.outbox-links a')?.getAttribute('href')).toBe('https://news.example/account/magic/xyz');
    expect(shown.querySelector('.outbox-text')?.textContent).toContain('ادخل من هذا الرابط');

    const html = await app.inject({ url: shown.querySelector('iframe')!.getAttribute('src')! });
    expect(html.body).toContain('style="color:red"');
    expect(html.headers['content-security-policy']).toContain('sandbox');

    const eml = await app.inject({ url: `${link!.getAttribute('href')}/eml` });
    expect(eml.headers['content-type']).toContain('message/rfc822');
    expect(eml.body).toContain('Subject: ');

    expect((await app.inject({ url: '/dev/outbox/20261125T000000000Z-00000000' })).statusCode).toBe(404);
    expect((await app.inject({ url: '/dev/outbox/..%2F..%2Fsahifa.db' })).statusCode).toBe(404);
    await app.close();
  });

  it('does not exist in production', async () => {
    const app = await buildApp({ config: loadConfig({ DATA_DIR: dataDir, NODE_ENV: 'production' }), database: database.handle });
    expect((await app.inject({ url: '/dev/outbox' })).statusCode).toBe(404);
    await app.close();
  });
});
