import type { Mailer } from './mailer.ts';

/** The name and address of a From (`"name" <address>` or a bare address); `fallbackName` when it names no one. */
export function parseSender(from: string, fallbackName: string): { name: string; address: string } {
  const match = /^\s*"?([^"<]*?)"?\s*<([^>]+)>\s*$/.exec(from);
  return match ? { name: match[1]!.trim() || fallbackName, address: match[2]!.trim() } : { name: fallbackName, address: from.trim() };
}

/**
 * The mailer with the site as the sender of its own messages (sign-up, sign-in links, confirmations: every
 * message that names no sender): the site's name as an admin set it in /admin/settings, read when each message
 * is sent, at MAIL_FROM's address. A newsletter names its own sender, which is kept.
 */
export function sendingAsSite(mailer: Mailer, mailFrom: string, siteName: () => Promise<string>): Mailer {
  const { address } = parseSender(mailFrom, '');
  return {
    kind: mailer.kind,
    close: () => mailer.close(),
    async send(message) {
      if (message.from) return mailer.send(message);
      // Quotes and backslashes would end the quoted name early; nodemailer encodes the Arabic itself.
      return mailer.send({ ...message, from: `"${(await siteName()).replace(/["\\]/g, '')}" <${address}>` });
    },
  };
}
