import type { ComponentChildren } from 'preact';
import { render } from 'preact-render-to-string';
import { sectionPath } from '../articles/slug.ts';
import type { SiteLogo } from '../newsroom/site-settings.service.ts';
import { CsrfField } from './csrf-field.tsx';
import { type Presentation, PresentationContext, presentationFor, usePresentation } from './presentation.tsx';
import { ReaderSlot } from './reader-slot.tsx';

export interface SiteChrome {
  siteName: string;
  /** `name_en` is shown in the English interface when an admin has set it. */
  sections: { slug: string; name: string; name_en?: string | null }[];
  /** From the site settings (src/web/site-chrome.ts); pages that do not load them go without. */
  description?: string;
  footerText?: string;
  logo?: SiteLogo | null;
  /** The site's time zone; the page's dates fall on its calendar days (the default zone when absent). */
  timeZone?: string;
}

interface LayoutProps {
  site: SiteChrome;
  title: string;
  description?: string;
  head?: ComponentChildren;
  /** Slug of the section this page is, marked in the navigation. */
  currentSection?: string;
  children: ComponentChildren;
}

/**
 * Every reader page: the document in the reader's language (RTL Arabic by default), header with sections, the
 * reader prompt, footer. Its dates are written in the site's time zone: the page's components read the zone from
 * the presentation this provides, whichever route rendered them.
 */
export function Layout({ site, title, description, head, currentSection, children }: LayoutProps) {
  const presentation = usePresentation();
  const zoned = site.timeZone ? presentationFor(presentation.preferences, site.timeZone) : presentation;
  return (
    <PresentationContext.Provider value={zoned}>
      <Document site={site} title={title} description={description} head={head} currentSection={currentSection}>
        {children}
      </Document>
    </PresentationContext.Provider>
  );
}

function Document({ site, title, description, head, currentSection, children }: LayoutProps) {
  const { lang, dir, text, arabic } = usePresentation();
  return (
    <html lang={lang} dir={dir}>
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="color-scheme" content="light dark" />
        <title>{title === site.siteName ? title : `${title} — ${site.siteName}`}</title>
        {description ? <meta name="description" content={description} /> : null}
        <link rel="preload" href="/assets/fonts/noto-naskh-arabic-arabic-400-normal.woff2" as="font" type="font/woff2" crossorigin="anonymous" />
        <link rel="stylesheet" href="/assets/site.css" />
        <script src="/assets/reader.js" defer />
        <link rel="alternate" type="application/rss+xml" title={site.siteName} href="/feed.xml" />
        {head}
      </head>
      <body>
        <a class="skip-link" href="#main">
          {text.skipToContent}
        </a>
        <header class="site-header">
          <a class="site-name" href="/">
            {site.logo ? <SiteLogoImage logo={site.logo} siteName={site.siteName} /> : site.siteName}
          </a>
          <nav aria-label={text.sectionsNav}>
            <ul class="sections-nav">
              {site.sections.map((section) => (
                <li>
                  {lang === 'en' && section.name_en ? (
                    <a href={sectionPath(section.slug)} aria-current={section.slug === currentSection ? 'page' : undefined}>
                      {section.name_en}
                    </a>
                  ) : (
                    <a href={sectionPath(section.slug)} aria-current={section.slug === currentSection ? 'page' : undefined} {...arabic}>
                      {section.name}
                    </a>
                  )}
                </li>
              ))}
              <li>
                <a href="/search">{text.search}</a>
              </li>
            </ul>
          </nav>
        </header>
        <ReaderSlot name="prompt">
          <ReaderPrompt status={{ state: 'anonymous' }} />
        </ReaderSlot>
        <main id="main">{children}</main>
        <footer class="site-footer">
          {site.footerText ? <p class="footer-text">{site.footerText}</p> : null}
          <p>
            {site.siteName} · <a href="/feed.xml">RSS</a> · <a href="/atom.xml">Atom</a> ·{' '}
            <a href="/feed.json">JSON Feed</a>
          </p>
        </footer>
      </body>
    </html>
  );
}

/** The logo in place of the site's name, which becomes its alt text; 480 px wide is plenty for a header. */
function SiteLogoImage({ logo, siteName }: { logo: SiteLogo; siteName: string }) {
  const base = `/media/${logo.mediaId}/480`;
  const width = Math.min(480, logo.width);
  return (
    <picture>
      <source type="image/avif" srcset={`${base}.avif`} />
      <source type="image/webp" srcset={`${base}.webp`} />
      <img class="site-logo" src={`${base}.jpeg`} alt={siteName} width={width} height={Math.round((logo.height * width) / logo.width)} />
    </picture>
  );
}

/**
 * What the reader prompt says. Pages are rendered with `anonymous`; for a signed-in reader the accounts slot
 * renderer replaces it with one of the other two (src/accounts/reader-slots.tsx).
 */
export type ReaderPromptStatus =
  | { state: 'anonymous' }
  | {
      state: 'not-subscribed';
      name: string;
      /** One-click subscribe to the default newsletter; absent until a newsletter exists to subscribe to. */
      subscribe?: { action: string; newsletterName: string; csrfToken: string };
    }
  | { state: 'subscribed'; name: string; manageHref: string };

/** The reader's status on every page: invite, offer the newsletter, or quietly confirm the subscription. */
export function ReaderPrompt({ status }: { status: ReaderPromptStatus }) {
  const { text } = usePresentation();
  if (status.state === 'anonymous') {
    return (
      <aside class="reader-prompt" aria-label={text.promptLabel}>
        <strong>{text.notSubscribed}</strong>
        <span>{text.anonymousPitch}</span>
        <a class="button" href="/account/signup">
          {text.createYourAccount}
        </a>
        <a class="signin-link" href="/account/signin">
          {text.signIn}
        </a>
      </aside>
    );
  }
  const account = (
    <a class="account-link" href="/account">
      {text.myAccount}
      <span class="visually-hidden">: {status.name}</span>
    </a>
  );
  if (status.state === 'subscribed') {
    return (
      <aside class="reader-prompt quiet" aria-label={text.promptLabel}>
        <strong>{text.subscribed}</strong>
        <a href={status.manageHref}>{text.manageNewsletters}</a>
        {account}
      </aside>
    );
  }
  return (
    <aside class="reader-prompt" aria-label={text.promptLabel}>
      <strong>{text.notSubscribed}</strong>
      {status.subscribe ? (
        <form class="one-click" method="post" action={status.subscribe.action}>
          <CsrfField token={status.subscribe.csrfToken} />
          <span>{text.oneClickPitch(status.subscribe.newsletterName)}</span>
          <button type="submit">{text.oneClickButton}</button>
        </form>
      ) : (
        <span>{text.chooseNewslettersInAccount}</span>
      )}
      {account}
    </aside>
  );
}

/** Renders a full HTML document for `presentation` (`presentationOf(request)`); preact escapes every text and attribute value. */
export function renderDocument(page: preact.VNode, presentation: Presentation): string {
  return `<!doctype html>${render(<PresentationContext.Provider value={presentation}>{page}</PresentationContext.Provider>)}`;
}
