import { expect, it } from 'vitest';
import { describeEachEngine } from '../../test/engines.ts';
import { TEST_SECRET } from '../../test/newsletters.ts';
import { newsletterRepository } from './newsletter.repository.ts';
import { DEFAULT_NEWSLETTER_SLUG, ensureDefaultNewsletters, importSubscribers } from './newsletters.service.ts';
import { processInboundMail, splitMailbox } from './inbound-mail.ts';
import { bounceLocalPart, unsubscribeToken } from './tokens.ts';

/** A delivery status notification as a receiving server writes it (RFC 3464), to our VERP address. */
function dsn(to: string, recipient: string, action: string, status: string): string {
  return [
    'From: MAILER-DAEMON@mx.example.net',
    `To: ${to}`,
    'Subject: Undelivered Mail Returned to Sender',
    'MIME-Version: 1.0',
    'Content-Type: multipart/report; report-type=delivery-status; boundary="b1"',
    '',
    '--b1',
    'Content-Type: text/plain; charset=utf-8',
    '',
    'The message could not be delivered.',
    '',
    '--b1',
    'Content-Type: message/delivery-status',
    '',
    'Reporting-MTA: dns; mx.example.net',
    '',
    `Final-Recipient: rfc822; ${recipient}`,
    `Action: ${action}`,
    `Status: ${status}`,
    'Diagnostic-Code: smtp; 550 5.1.1 mailbox does not exist',
    '',
    '--b1--',
    '',
  ].join('\r\n');
}

describeEachEngine('inbound mail (bounces, complaints, mailto unsubscribe)', (database) => {
  const deps = () => ({ db: database.handle.db, secret: TEST_SECRET });

  it('suppresses an address on a hard bounce, counts a delayed one as soft, and reads an mbox', async () => {
    const { db } = database.handle;
    await ensureDefaultNewsletters(db, { name: 'صحيفة', address: 'newsletters@news.example' }, 'Asia/Riyadh');
    await importSubscribers(db, DEFAULT_NEWSLETTER_SLUG, ['gone@example.org', 'slow@example.org']);
    const gone = (await newsletterRepository(db).findSubscriberByEmail('gone@example.org'))!;
    const verp = `${bounceLocalPart(TEST_SECRET, gone.id)}@news.example`;
    const mbox = [
      `From MAILER-DAEMON Wed Nov 25 09:00:00 2026\n${dsn(verp, 'gone@example.org', 'failed', '5.1.1')}`,
      `From MAILER-DAEMON Wed Nov 25 09:01:00 2026\n${dsn('b+x@news.example', 'slow@example.org', 'delayed', '4.4.1')}`,
    ].join('\n');
    const messages = splitMailbox(mbox);
    expect(messages).toHaveLength(2);
    expect(await processInboundMail(deps(), messages[0]!)).toEqual({ kind: 'bounce', addresses: ['gone@example.org'] });
    expect(await processInboundMail(deps(), messages[1]!)).toEqual({ kind: 'bounce', addresses: ['slow@example.org'] });
    expect(await newsletterRepository(db).isSuppressed('gone@example.org')).toBe(true);
    expect(await newsletterRepository(db).isSuppressed('slow@example.org')).toBe(false);
    const bounces = await db.selectFrom('email_bounces').select(['email', 'kind', 'status_code']).orderBy('received_at').execute();
    expect(bounces).toEqual([
      { email: 'gone@example.org', kind: 'hard', status_code: '5.1.1' },
      { email: 'slow@example.org', kind: 'soft', status_code: '4.4.1' },
    ]);
  });

  it('takes the reader from the VERP address when the report names nobody, and suppresses on a complaint', async () => {
    const { db } = database.handle;
    await importSubscribers(db, DEFAULT_NEWSLETTER_SLUG, ['angry@example.org']);
    const angry = (await newsletterRepository(db).findSubscriberByEmail('angry@example.org'))!;
    const report = [
      'From: feedback@isp.example',
      `To: ${bounceLocalPart(TEST_SECRET, angry.id)}@news.example`,
      'Subject: complaint',
      'MIME-Version: 1.0',
      'Content-Type: multipart/report; report-type=feedback-report; boundary="f"',
      '',
      '--f',
      'Content-Type: text/plain',
      '',
      'This is an abuse report.',
      '--f',
      'Content-Type: message/feedback-report',
      '',
      'Feedback-Type: abuse',
      'User-Agent: isp-fbl/1.0',
      'Version: 1',
      '--f--',
      '',
    ].join('\r\n');
    expect(await processInboundMail(deps(), report)).toEqual({ kind: 'complaint', addresses: ['angry@example.org'] });
    expect(await newsletterRepository(db).isSuppressed('angry@example.org')).toBe(true);
  });

  it('unsubscribes on a mail to the List-Unsubscribe mailto address, and ignores a forged token', async () => {
    const { db } = database.handle;
    await importSubscribers(db, DEFAULT_NEWSLETTER_SLUG, ['leaving@example.org']);
    const leaving = (await newsletterRepository(db).findSubscriberByEmail('leaving@example.org'))!;
    const daily = (await newsletterRepository(db).findNewsletterBySlug(DEFAULT_NEWSLETTER_SLUG))!;
    const mail = (token: string) => `From: leaving@example.org\r\nTo: unsubscribe@news.example\r\nSubject: unsubscribe ${token}\r\n\r\n\r\n`;
    expect((await processInboundMail(deps(), mail(`${leaving.id}.${daily.id}.forged`))).kind).toBe('other');
    expect((await newsletterRepository(db).findSubscription(leaving.id, daily.id))?.status).toBe('confirmed');
    expect((await processInboundMail(deps(), mail(unsubscribeToken(TEST_SECRET, leaving.id, daily.id)))).kind).toBe('unsubscribe');
    expect(await newsletterRepository(db).findSubscription(leaving.id, daily.id)).toMatchObject({ status: 'unsubscribed', unsubscribe_source: 'mailto' });
  });
});
