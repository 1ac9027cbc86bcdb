import type { ComponentChildren } from 'preact';
import { render } from 'preact-render-to-string';

// Mail programs ignore stylesheets and <style> more often than not: every style is inline, and the direction is
// said three times (html, body, the content block) because each program honours a different one.
const FONT = "'Noto Naskh Arabic', 'Geeza Pro', 'Arabic Typesetting', Tahoma, serif";
const BODY_STYLE = `margin:0;padding:0;background:#f4f1ea;direction:rtl;text-align:right;font-family:${FONT};`;
const CARD_STYLE = 'max-width:560px;margin:24px auto;padding:24px;background:#ffffff;border-radius:8px;color:#1d1d1b;font-size:18px;line-height:1.8;direction:rtl;text-align:right;';
const BUTTON_STYLE = 'display:inline-block;padding:10px 22px;background:#8a1c1c;color:#ffffff;text-decoration:none;border-radius:6px;font-weight:bold;';

interface EmailLayoutProps {
  siteName: string;
  siteUrl: string;
  /** The <title>, and the heading of the message. */
  title: string;
  children: ComponentChildren;
  /** A line under the message, e.g. why the reader receives it. */
  footer?: ComponentChildren;
}

/** Renders an Arabic, right-to-left HTML email. Text is escaped by preact; pass the plain-text part separately. */
export function renderEmail({ siteName, siteUrl, title, children, footer }: EmailLayoutProps): string {
  return `<!doctype html>${render(
    <html lang="ar" dir="rtl">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{title}</title>
      </head>
      <body dir="rtl" style={BODY_STYLE}>
        <div dir="rtl" style={CARD_STYLE}>
          <p style="margin:0 0 16px;font-size:22px;font-weight:bold;">
            <a href={siteUrl} style="color:#8a1c1c;text-decoration:none;">
              {siteName}
            </a>
          </p>
          <h1 style="font-size:22px;margin:0 0 16px;">{title}</h1>
          {children}
          {footer ? <p style="margin:24px 0 0;font-size:14px;color:#6b6b66;">{footer}</p> : null}
        </div>
      </body>
    </html>,
  )}`;
}

/** A link that looks like a button; the URL is also written out in the plain-text part by the caller. */
export function EmailButton({ href, children }: { href: string; children: ComponentChildren }) {
  return (
    <p style="margin:24px 0;">
      <a href={href} style={BUTTON_STYLE}>
        {children}
      </a>
    </p>
  );
}
