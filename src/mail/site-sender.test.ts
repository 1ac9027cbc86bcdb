import { describe, expect, it } from 'vitest';
import type { MailMessage, Mailer } from './mailer.ts';
import { parseSender, sendingAsSite } from './site-sender.ts';

describe('the site as the sender of its messages', () => {
  const recording = () => {
    const sent: MailMessage[] = [];
    const mailer: Mailer = { kind: 'outbox', close: async () => {}, send: async (message) => (sent.push(message), { messageId: '<1@test>', accepted: [], rejected: [] }) };
    return { sent, mailer };
  };
  const message = { to: 'huda@example.com', subject: 's', text: 't', html: '<p>t</p>' };

  it('names the site as its settings do now, at the address of MAIL_FROM', async () => {
    const { sent, mailer } = recording();
    let name = 'صحيفة';
    const asSite = sendingAsSite(mailer, '"Sahifa" <news@example.com>', async () => name);
    await asSite.send(message);
    name = 'صحيفة الغد';
    await asSite.send(message);
    expect(sent.map((m) => m.from)).toEqual(['"صحيفة" <news@example.com>', '"صحيفة الغد" <news@example.com>']);
  });

  it('keeps the sender a newsletter names', async () => {
    const { sent, mailer } = recording();
    await sendingAsSite(mailer, 'news@example.com', async () => 'صحيفة').send({ ...message, from: '"الموجز اليومي" <daily@example.com>' });
    expect(sent[0]?.from).toBe('"الموجز اليومي" <daily@example.com>');
  });

  it('reads a From with or without a name', () => {
    expect(parseSender('"صحيفة" <no-reply@news.example>', 'x')).toEqual({ name: 'صحيفة', address: 'no-reply@news.example' });
    expect(parseSender('no-reply@news.example', 'صحيفة')).toEqual({ name: 'صحيفة', address: 'no-reply@news.example' });
  });
});
