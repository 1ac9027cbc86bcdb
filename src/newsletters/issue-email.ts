import mjml2html from 'mjml';

// An issue's email: responsive RTL HTML built with MJML, and its plain-text part. It is rendered once per send
// (frozen with the audience); the only per-reader part, the unsubscribe link, is a placeholder filled in for each
// recipient by `personalize`, so rendering never happens per message.

/** Stands for the reader's own unsubscribe URL until `personalize` replaces it. */
export const UNSUBSCRIBE_PLACEHOLDER = '%%UNSUBSCRIBE_URL%%';

export interface IssueArticle {
  title: string;
  subtitle: string | null;
  url: string;
  sectionName: string | null;
}

export interface IssueContent {
  siteName: string;
  siteUrl: string;
  newsletterName: string;
  /** Why the reader gets this, shown in the footer. */
  newsletterDescription: string;
  subject: string;
  /** The line mail programs show after the subject; never shown in the message itself. */
  preheader: string;
  /** A breaking alert leads with its one story in larger type. */
  breaking: boolean;
  articles: IssueArticle[];
  webViewUrl: string;
  /** Where readers manage all their newsletters. */
  manageUrl: string;
}

export interface RenderedIssue {
  html: string;
  text: string;
}

const FONT = "'Noto Naskh Arabic', 'Geeza Pro', Tahoma, Arial, sans-serif";
const ACCENT = '#8a1c1c';

const escapeHtml = (text: string) =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');

/** Text in a cell: Outlook ignores inherited direction, so every block says it again. */
const rtl = (inner: string) => `<div dir="rtl" style="direction:rtl;text-align:right;">${inner}</div>`;

function articleBlock(article: IssueArticle, lead: boolean): string {
  const section = article.sectionName
    ? `<mj-text padding="0 0 4px" font-size="13px" color="${ACCENT}">${rtl(escapeHtml(article.sectionName))}</mj-text>`
    : '';
  const subtitle = article.subtitle
    ? `<mj-text padding="4px 0 0" font-size="16px" color="#4a4a46" line-height="1.7">${rtl(escapeHtml(article.subtitle))}</mj-text>`
    : '';
  return `<mj-section direction="rtl" padding="12px 24px" background-color="#ffffff">
    <mj-column>
      ${section}
      <mj-text padding="0" font-size="${lead ? 24 : 19}px" font-weight="bold" line-height="1.5">${rtl(
        `<a href="${escapeHtml(article.url)}" style="color:#1d1d1b;text-decoration:none;">${escapeHtml(article.title)}</a>`,
      )}</mj-text>
      ${subtitle}
      <mj-text padding="6px 0 0" font-size="15px">${rtl(`<a href="${escapeHtml(article.url)}" style="color:${ACCENT};">اقرأ المقال كاملًا</a>`)}</mj-text>
      <mj-divider padding="12px 0 0" border-width="1px" border-color="#e6e1d6" />
    </mj-column>
  </mj-section>`;
}

/** Renders an issue once; `personalize` then fills in each reader's unsubscribe link. */
export async function renderIssue(content: IssueContent): Promise<RenderedIssue> {
  const template = `<mjml lang="ar" dir="rtl">
  <mj-head>
    <mj-title>${escapeHtml(content.subject)}</mj-title>
    <mj-preview>${escapeHtml(content.preheader)}</mj-preview>
    <mj-attributes>
      <mj-all font-family="${FONT}" />
      <mj-text align="right" color="#1d1d1b" font-size="17px" line-height="1.8" />
    </mj-attributes>
    <mj-style>a { color: ${ACCENT}; }</mj-style>
  </mj-head>
  <mj-body background-color="#f4f1ea" width="600px">
    <mj-section direction="rtl" padding="8px 24px 0">
      <mj-column>
        <mj-text padding="0" font-size="13px" color="#6b6b66">${rtl(
          `<a href="${escapeHtml(content.webViewUrl)}" style="color:#6b6b66;">اعرض هذه الرسالة في المتصفح</a>`,
        )}</mj-text>
      </mj-column>
    </mj-section>
    <mj-section direction="rtl" padding="20px 24px 8px" background-color="#ffffff" border-top="4px solid ${ACCENT}">
      <mj-column>
        <mj-text padding="0" font-size="24px" font-weight="bold">${rtl(
          `<a href="${escapeHtml(content.siteUrl)}" style="color:${ACCENT};text-decoration:none;">${escapeHtml(content.siteName)}</a>`,
        )}</mj-text>
        <mj-text padding="4px 0 0" font-size="${content.breaking ? 15 : 18}px" color="${content.breaking ? '#ffffff' : '#4a4a46'}" container-background-color="${content.breaking ? ACCENT : '#ffffff'}">${rtl(
          escapeHtml(content.breaking ? ` ${content.newsletterName} ` : content.newsletterName),
        )}</mj-text>
      </mj-column>
    </mj-section>
    ${content.articles.map((article, i) => articleBlock(article, content.breaking || i === 0)).join('\n')}
    <mj-section direction="rtl" padding="16px 24px 24px">
      <mj-column>
        <mj-text padding="0" font-size="13px" color="#6b6b66" line-height="1.7">${rtl(
          `${escapeHtml(content.newsletterDescription)}<br />` +
            `<a href="${UNSUBSCRIBE_PLACEHOLDER}" style="color:#6b6b66;">إلغاء الاشتراك في ${escapeHtml(content.newsletterName)}</a> · ` +
            `<a href="${escapeHtml(content.manageUrl)}" style="color:#6b6b66;">كل نشراتنا</a>`,
        )}</mj-text>
      </mj-column>
    </mj-section>
  </mj-body>
</mjml>`;
  const result = await mjml2html(template, { validationLevel: 'strict', keepComments: false });
  if (result.errors.length) throw new Error(`newsletter template: ${result.errors.map((e) => e.formattedMessage).join('; ')}`);
  // MJML marks <html>; mail programs that drop <html> keep <body>, so it says the language and direction too.
  // MJML indents its output; dropping the indentation (a line break stays where there was one, so no two words
  // meet) makes every copy about a quarter smaller, which is what each SMTP connection spends its time on.
  const html = result.html.replace(/<body([^>]*)>/, '<body$1 dir="rtl" lang="ar">').replace(/[ \t]*\n\s*/g, '\n');
  return { html, text: plainText(content) };
}

function plainText(content: IssueContent): string {
  const lines = [content.siteName, content.newsletterName, '', content.subject, ''];
  for (const article of content.articles) {
    if (article.sectionName) lines.push(`[${article.sectionName}]`);
    lines.push(article.title);
    if (article.subtitle) lines.push(article.subtitle);
    lines.push(article.url, '');
  }
  lines.push('—', `اعرض هذه الرسالة في المتصفح: ${content.webViewUrl}`, content.newsletterDescription);
  lines.push(`إلغاء الاشتراك: ${UNSUBSCRIBE_PLACEHOLDER}`, `كل نشراتنا: ${content.manageUrl}`);
  return `${lines.join('\n')}\n`;
}

/** One reader's copy: the issue with their unsubscribe link in place of the placeholder. */
export function personalize(issue: RenderedIssue, unsubscribeUrl: string): RenderedIssue {
  return {
    html: issue.html.split(UNSUBSCRIBE_PLACEHOLDER).join(escapeHtml(unsubscribeUrl)),
    text: issue.text.split(UNSUBSCRIBE_PLACEHOLDER).join(unsubscribeUrl),
  };
}
