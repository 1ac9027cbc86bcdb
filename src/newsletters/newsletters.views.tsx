import type { ComponentChildren } from 'preact';
import type { SubscriptionStatus } from '../db/schema.ts';
import { CsrfField } from '../web/csrf-field.tsx';
import { Layout, type SiteChrome } from '../web/layout.tsx';
import { usePresentation } from '../web/presentation.tsx';
import type { NewsletterRow } from './newsletter.repository.ts';

const head = <link rel="stylesheet" href="/assets/newsletters.css" />;

function Page({ site, title, children }: { site: SiteChrome; title: string; children: ComponentChildren }) {
  return (
    <Layout site={site} title={title} head={head}>
      <div class="newsletters">{children}</div>
    </Layout>
  );
}

export interface AccountState {
  newsletter: NewsletterRow;
  status: SubscriptionStatus | null;
}

interface NewslettersPageProps {
  site: SiteChrome;
  newsletters: NewsletterRow[];
  csrfToken: string;
  /** A signed-in reader: their state per newsletter, with subscribe/unsubscribe buttons instead of the form. */
  account?: { email: string; states: AccountState[] } & TimeZoneChoice;
  /** Shown above the form after a failed attempt, with what was typed. */
  error?: string;
  email?: string;
  chosen?: string[];
}

/** `/newsletters`: every newsletter, and the public signup form (double opt-in) or the reader's own switches. */
export function NewslettersPage({ site, newsletters, csrfToken, account, error, email, chosen }: NewslettersPageProps) {
  // First visit: the default newsletter is offered ticked.
  const picked = new Set(chosen ?? newsletters.filter((newsletter) => newsletter.is_default).map((newsletter) => newsletter.slug));
  const { text } = usePresentation();
  return (
    <Page site={site} title={text.ourNewsletters}>
      <h1>{text.ourNewsletters}</h1>
      <p class="lede">{text.newslettersLede(site.siteName)}</p>
      {account ? (
        <ul class="newsletter-list">
          {account.states.map(({ newsletter, status }) => (
            <li class="newsletter-item">
              <NewsletterSummary newsletter={newsletter} />
              <form method="post" action={`/account/newsletters/${newsletter.slug}/${status === 'confirmed' ? 'unsubscribe' : 'subscribe'}`}>
                <CsrfField token={csrfToken} />
                <input type="hidden" name="next" value="/newsletters" />
                {status === 'confirmed' ? (
                  <>
                    <span class="state subscribed">{text.subscribed}</span>
                    <button type="submit" class="secondary">
                      {text.unsubscribe}
                      <span class="visually-hidden">{text.toNewsletter(newsletter.name)}</span>
                    </button>
                  </>
                ) : (
                  <button type="submit">
                    {text.subscribe}
                    <span class="visually-hidden">{text.toNewsletter(newsletter.name)}</span>
                  </button>
                )}
              </form>
            </li>
          ))}
          <li class="account-email">
            {text.newslettersGoTo} <bdi>{account.email}</bdi>
          </li>
        </ul>
      ) : null}
      {account ? (
        <TimeZoneForm {...account} csrfToken={csrfToken} />
      ) : (
        <form class="signup" method="post" action="/newsletters/subscribe" novalidate>
          <CsrfField token={csrfToken} />
          {error ? (
            <p class="form-error" role="alert" id="signup-error">
              {error}
            </p>
          ) : null}
          <fieldset>
            <legend>{text.newsletters}</legend>
            {newsletters.map((newsletter) => (
              <label class="choice">
                <input type="checkbox" name="newsletter" value={newsletter.slug} checked={picked.has(newsletter.slug)} />
                <NewsletterSummary newsletter={newsletter} />
              </label>
            ))}
          </fieldset>
          <label class="field">
            <span>{text.yourEmail}</span>
            <input
              type="email"
              name="email"
              dir="ltr"
              autocomplete="email"
              required
              value={email ?? ''}
              aria-invalid={error ? 'true' : undefined}
              aria-describedby={error ? 'signup-error' : undefined}
            />
          </label>
          <button type="submit">{text.subscribe}</button>
          <p class="fine-print">{text.confirmationComing}</p>
        </form>
      )}
    </Page>
  );
}

interface TimeZoneChoice {
  /** The reader's zone (or what they typed, after an error); null: the site's. */
  timeZone: string | null;
  siteTimeZone: string;
  /** The zone posted was not one Intl knows. */
  timeZoneError?: boolean;
  saved: boolean;
}

/** Every zone Intl knows, and UTC (which it lists under no region). */
const TIME_ZONES = ['UTC', ...Intl.supportedValuesOf('timeZone')];

/** The reader's own zone for the newsletters that arrive at a local time (the daily digest at 07:00 theirs). */
function TimeZoneForm({ timeZone, siteTimeZone, timeZoneError, saved, csrfToken }: TimeZoneChoice & { csrfToken: string }) {
  const { text } = usePresentation();
  const described = ['time-zone-hint', timeZoneError ? 'time-zone-error' : null].filter(Boolean).join(' ');
  return (
    <form class="time-zone signup" method="post" action="/account/newsletters/time-zone">
      <CsrfField token={csrfToken} />
      <h2>{text.newsletterTimeZone}</h2>
      {saved ? (
        <p class="notice" role="status">
          {text.timeZoneSaved}
        </p>
      ) : null}
      <label class="field">
        <span>{text.yourTimeZone}</span>
        <select name="timeZone" dir="ltr" aria-describedby={described} aria-invalid={timeZoneError ? 'true' : undefined}>
          <option value="" selected={!timeZone}>
            {text.siteTimeZone(siteTimeZone)}
          </option>
          {TIME_ZONES.map((zone) => (
            <option value={zone} selected={zone === timeZone}>
              {zone}
            </option>
          ))}
        </select>
      </label>
      <p class="fine-print" id="time-zone-hint">
        {text.timeZoneHint}
      </p>
      {timeZoneError ? (
        <p class="form-error" role="alert" id="time-zone-error">
          {text.timeZoneInvalid}
        </p>
      ) : null}
      <button type="submit">{text.saveTimeZone}</button>
    </form>
  );
}

function NewsletterSummary({ newsletter }: { newsletter: NewsletterRow }) {
  const { text, arabic } = usePresentation();
  return (
    <span class="summary">
      <strong {...arabic}>{newsletter.name}</strong> <span class="cadence">{text.cadence[newsletter.cadence]}</span>
      <span class="description" {...arabic}>
        {newsletter.description}
      </span>
    </span>
  );
}

/** After a signup: the same page whether or not the address was known (it reveals nothing about it). */
export function CheckInboxPage({ site }: { site: SiteChrome }) {
  const { text } = usePresentation();
  return (
    <Page site={site} title={text.checkYourInbox}>
      <h1>{text.checkYourInbox}</h1>
      <p>{text.checkInboxText}</p>
      <p class="fine-print">
        {text.noMessageBefore}
        <a href="/newsletters">{text.tryAgain}</a>.
      </p>
    </Page>
  );
}

/** The confirmation link opens a page with a button: mail scanners that open links must not confirm for anyone. */
export function ConfirmPage({ site, token, csrfToken }: { site: SiteChrome; token: string; csrfToken: string }) {
  const { text } = usePresentation();
  return (
    <Page site={site} title={text.confirmSubscription}>
      <h1>{text.confirmSubscription}</h1>
      <p>{text.confirmText}</p>
      <form method="post" action={`/newsletters/confirm/${encodeURIComponent(token)}`}>
        <CsrfField token={csrfToken} />
        <button type="submit">{text.confirmButton}</button>
      </form>
    </Page>
  );
}

export function ConfirmedPage({ site, newsletters }: { site: SiteChrome; newsletters: NewsletterRow[] }) {
  const { text } = usePresentation();
  return (
    <Page site={site} title={text.subscriptionConfirmed}>
      <h1>{text.subscriptionConfirmed}</h1>
      <p>
        {text.fromNowYouGet}
        {newsletters.map((newsletter) => text.quoted(newsletter.name)).join(text.listSeparator)}.
      </p>
      <p>
        <a href="/">{text.returnHome}</a>
      </p>
    </Page>
  );
}

export function LinkInvalidPage({ site, what }: { site: SiteChrome; what: 'confirm' | 'unsubscribe' }) {
  const { text } = usePresentation();
  return (
    <Page site={site} title={text.invalidLink}>
      <h1>{text.invalidLink}</h1>
      <p>{what === 'confirm' ? text.invalidConfirmLink : text.invalidUnsubscribeLink}</p>
      <p>
        <a href="/newsletters">{text.newslettersPage}</a>
      </p>
    </Page>
  );
}

/** "r•••@example.org": enough for readers to recognise their address, not enough to learn someone else's. */
export function maskEmail(email: string): string {
  const [local = '', domain = ''] = email.split('@');
  return `${local.slice(0, 1)}•••@${domain}`;
}

export function UnsubscribePage({ site, newsletter, email, token, done }: { site: SiteChrome; newsletter: NewsletterRow; email: string; token: string; done: boolean }) {
  const { text } = usePresentation();
  return (
    <Page site={site} title={done ? text.unsubscribed : text.unsubscribeTitle}>
      {done ? (
        <>
          <h1>{text.unsubscribed}</h1>
          <p>
            {text.noLongerSentBefore(newsletter.name)}
            <bdi dir="ltr">{maskEmail(email)}</bdi>
            {text.noLongerSentAfter}
          </p>
          <p>
            {text.changedYourMind}
            <a href="/newsletters">{text.subscribeAgain}</a>.
          </p>
        </>
      ) : (
        <>
          <h1>{text.unsubscribeTitle}</h1>
          <p>
            {text.stopSendingBefore(newsletter.name)}
            <bdi dir="ltr">{maskEmail(email)}</bdi>
            {text.stopSendingAfter}
          </p>
          <form method="post" action={`/unsubscribe/${encodeURIComponent(token)}`}>
            <button type="submit">{text.yesUnsubscribe}</button>
          </form>
        </>
      )}
    </Page>
  );
}
