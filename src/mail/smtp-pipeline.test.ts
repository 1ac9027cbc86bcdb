import { afterEach, describe, expect, it } from 'vitest';
import { type SmtpSink, type SmtpSinkOptions, startSmtpSink } from '../../test/smtp-sink.ts';
import { isSahifaError } from '../lib/errors.ts';
import { MailDeliveryError } from './mailer.ts';
import { messageDate, rawMessage } from './raw-message.ts';
import { createSmtpPipeline, dotStuffed, type OutgoingMessage, type SmtpPipeline } from './smtp-pipeline.ts';

const sinks: SmtpSink[] = [];
const pipelines: SmtpPipeline[] = [];
afterEach(async () => {
  for (const pipeline of pipelines.splice(0)) await pipeline.close();
  for (const sink of sinks.splice(0)) await sink.close();
});

async function setUp(options: SmtpSinkOptions & { connections?: number; url?: (sink: SmtpSink) => string } = {}) {
  const sink = await startSmtpSink(options);
  sinks.push(sink);
  const pipeline = createSmtpPipeline({ url: options.url?.(sink) ?? sink.url, connections: options.connections ?? 1, ratePerSecond: 0 });
  pipelines.push(pipeline);
  return { sink, pipeline };
}

function message(to: string, text = `مرحباً ${to}`): OutgoingMessage {
  const data = rawMessage(
    { to, from: '"صحيفة" <news@news.example>', subject: `رسالة إلى ${to}`, text, html: `<p dir="rtl">${text}</p>`, messageId: `<${to}@news.example>` },
    messageDate(new Date()),
  );
  return { envelopeFrom: 'bounces@news.example', to, data };
}

const always = () => true;

/** Each message's outcome: its response, 'withheld', or the error's code and SMTP code. */
const outcomes = (sends: Promise<{ response: string } | 'withheld'>[]) =>
  Promise.all(
    sends.map((send) =>
      send.then(
        (outcome) => (outcome === 'withheld' ? 'withheld' : 'accepted'),
        (error: MailDeliveryError) => `${error.code} ${error.responseCode ?? ''}`.trim(),
      ),
    ),
  );

describe('the pipelined SMTP client of bulk sends', () => {
  it('sends a batch over a few persistent connections, with pipelining and without', async () => {
    for (const pipelining of [true, false]) {
      const { sink, pipeline } = await setUp({ pipelining, connections: 2 });
      const addresses = Array.from({ length: 12 }, (_, i) => `reader${i}@example.org`);
      expect(await outcomes(addresses.map((to) => pipeline.send(message(to), always)))).toEqual(addresses.map(() => 'accepted'));
      const received = await sink.waitForMessages(12);
      expect(received.map((mail) => mail.envelope.to[0]).sort()).toEqual([...addresses].sort());
      expect(sink.connectionCount).toBeLessThanOrEqual(2);
      const first = received.find((mail) => mail.envelope.to[0] === 'reader0@example.org')!;
      expect(first.envelope.from).toBe('bounces@news.example');
      expect(first.subject).toBe('رسالة إلى reader0@example.org');
      expect(first.text.trim()).toBe('مرحباً reader0@example.org');
      expect(first.html).toContain('<p dir="rtl">');
      expect(first.parsed.from?.text).toBe('"صحيفة" <news@news.example>');
      expect(first.parsed.messageId).toBe('<reader0@example.org@news.example>');
    }
  });

  it('fails a message refused at RCPT TO (4xx temporary, 5xx permanent) and goes on with the next on the same connection', async () => {
    const { sink, pipeline } = await setUp();
    sink.refuseRecipient('busy@example.org', { code: 451, message: 'greylisted' });
    sink.refuseRecipient('gone@example.org', { code: 550, message: 'no such mailbox' });
    const results = await outcomes(['busy@example.org', 'gone@example.org', 'fine@example.org'].map((to) => pipeline.send(message(to), always)));
    expect(results).toEqual(['MAIL_TEMPORARY_FAILURE 451', 'MAIL_PERMANENT_FAILURE 550', 'accepted']);
    await pipeline.send(message('busy@example.org'), always).catch((error: unknown) => expect((error as MailDeliveryError).response).toContain('greylisted'));
    expect(sink.messages.map((mail) => mail.envelope.to[0])).toEqual(['fine@example.org']);
    expect(sink.connectionCount).toBe(1);
  });

  it('fails a message refused after its content (4xx temporary, 5xx permanent) and goes on with the next', async () => {
    const { sink, pipeline } = await setUp();
    sink.refuseMessageTo('full@example.org', { code: 452, message: 'mailbox full' });
    sink.refuseMessageTo('spam@example.org', { code: 554, message: 'looks like spam' });
    const results = await outcomes(['full@example.org', 'spam@example.org', 'fine@example.org'].map((to) => pipeline.send(message(to), always)));
    expect(results).toEqual(['MAIL_TEMPORARY_FAILURE 452', 'MAIL_PERMANENT_FAILURE 554', 'accepted']);
    expect(sink.messages.map((mail) => mail.envelope.to[0])).toEqual(['fine@example.org']);
    expect(sink.connectionCount).toBe(1);
  });

  it('reports as sent only what the server accepted when it closes the connection mid-batch, and sends the rest on a new one', async () => {
    const { sink, pipeline } = await setUp();
    sink.dropConnectionOnMessageTo('reader2@example.org');
    const addresses = Array.from({ length: 6 }, (_, i) => `reader${i}@example.org`);
    const results = await outcomes(addresses.map((to) => pipeline.send(message(to), always)));
    // The message in flight fails, and so may the next one, whose envelope went out behind it: both temporary.
    expect(results.slice(0, 2)).toEqual(['accepted', 'accepted']);
    expect(results[2]).toBe('MAIL_TEMPORARY_FAILURE');
    expect(['accepted', 'MAIL_TEMPORARY_FAILURE']).toContain(results[3]);
    expect(results.slice(4)).toEqual(['accepted', 'accepted']);
    const reportedSent = addresses.filter((_, i) => results[i] === 'accepted');
    expect(sink.messages.map((mail) => mail.envelope.to[0]).sort()).toEqual([...reportedSent].sort());
    expect(sink.connectionCount).toBe(2);
  });

  it('doubles a dot that starts a line, so a line of just "." does not end the message early', async () => {
    expect(dotStuffed(Buffer.from('.a\r\nb\r\n.\r\n..c\r\n')).toString()).toBe('..a\r\nb\r\n..\r\n...c\r\n');
    expect(dotStuffed(Buffer.from('no dots at line starts. none.\r\n')).toString()).toBe('no dots at line starts. none.\r\n');
    const { sink, pipeline } = await setUp();
    const data = Buffer.from(
      'From: news@news.example\r\nTo: dots@example.org\r\nSubject: dots\r\nMessage-ID: <dots@news.example>\r\n\r\n.starts with a dot\r\n.\r\nafter a lone dot\r\n',
    );
    await pipeline.send({ envelopeFrom: 'news@news.example', to: 'dots@example.org', data }, always);
    const [mail] = await sink.waitForMessages(1);
    expect(mail!.raw.toString()).toContain('\r\n\r\n.starts with a dot\r\n.\r\nafter a lone dot');
  });

  it('sends nothing when the caller no longer holds the message, asked before the envelope and again before the content', async () => {
    const { sink, pipeline } = await setUp();
    expect(await pipeline.send(message('early@example.org'), () => false)).toBe('withheld');
    // Yes before the envelope, no before the content: the connection is closed before the final dot.
    let asked = 0;
    expect(await pipeline.send(message('late@example.org'), () => ++asked < 3)).toBe('withheld');
    expect(await outcomes([pipeline.send(message('next@example.org'), always)])).toEqual(['accepted']);
    await sink.waitForMessages(1);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(sink.messages.map((mail) => mail.envelope.to[0])).toEqual(['next@example.org']);
  });

  it("logs in with the URL's credentials, and fails as temporary (not the reader's fault) when they are wrong", async () => {
    const credentials = { user: 'sahifa', password: 'p@ss word' };
    const good = await setUp({ credentials, url: (sink) => sink.url.replace('smtp://', `smtp://sahifa:${encodeURIComponent('p@ss word')}@`) });
    expect(await outcomes([good.pipeline.send(message('a@example.org'), always)])).toEqual(['accepted']);
    const bad = await setUp({ credentials, url: (sink) => sink.url.replace('smtp://', 'smtp://sahifa:wrong@') });
    const error = await bad.pipeline.send(message('b@example.org'), always).catch((failure: unknown) => failure);
    expect(isSahifaError(error, 'MAIL_TEMPORARY_FAILURE')).toBe(true);
    expect(bad.sink.messages).toHaveLength(0);
  });

  it('fails as temporary when nothing listens', async () => {
    const pipeline = createSmtpPipeline({ url: 'smtp://127.0.0.1:1', connections: 1, ratePerSecond: 0 });
    pipelines.push(pipeline);
    const error = await pipeline.send(message('a@example.org'), always).catch((failure: unknown) => failure);
    expect(isSahifaError(error, 'MAIL_TEMPORARY_FAILURE')).toBe(true);
  });
});
