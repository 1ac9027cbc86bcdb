import { ReaderPrompt } from '../web/layout.tsx';
import type { Reader } from './reader.ts';
import type { ReaderSlots } from './reader-slots.tsx';

/**
 * What the newsletters capability tells the reader prompt: whether a reader receives any newsletter, how to
 * subscribe to the default one in one click (a POST form, CSRF-checked like every other), and where to manage.
 */
export interface NewsletterPromptProvider {
  isSubscribed(reader: Reader): Promise<boolean>;
  /** The default newsletter (admins choose it): `action` receives a POST with `_csrf`; `newsletterName` is shown beside the button. */
  subscribe(): Promise<{ action: string; newsletterName: string } | null>;
  manageHref: string;
}

/**
 * Registers the `prompt` slot (every page's reader prompt): signed-in readers see "مشترك" or "لم تشترك بعد" with
 * the one-click subscribe. Without a provider, signed-in readers are sent to their account page to choose.
 */
export function registerReaderPrompt(slots: ReaderSlots, newsletters?: NewsletterPromptProvider): void {
  slots.register('prompt', async ({ reader, request }) => {
    const name = reader.displayName ?? reader.email;
    if (newsletters && (await newsletters.isSubscribed(reader))) {
      return <ReaderPrompt status={{ state: 'subscribed', name, manageHref: newsletters.manageHref }} />;
    }
    const subscribe = newsletters ? await newsletters.subscribe() : null;
    return (
      <ReaderPrompt
        status={{
          state: 'not-subscribed',
          name,
          ...(subscribe ? { subscribe: { ...subscribe, csrfToken: request.csrfToken() } } : {}),
        }}
      />
    );
  });
}
