import { EmailButton, renderEmail } from '../mail/email-layout.tsx';
import type { MailMessage } from '../mail/mailer.ts';

interface Site {
  siteName: string;
  siteUrl: string;
}

type Email = Omit<MailMessage, 'to'>;

/** One account email: a heading, paragraphs, an optional button, the same words in the plain-text part. */
function accountEmail(site: Site, subject: string, paragraphs: string[], action?: { label: string; url: string }, footer?: string): Email {
  const text = [
    ...paragraphs,
    ...(action ? [`${action.label}:\n${action.url}`] : []),
    ...(footer ? [footer] : []),
    `— ${site.siteName}\n${site.siteUrl}`,
  ].join('\n\n');
  const html = renderEmail({
    siteName: site.siteName,
    siteUrl: site.siteUrl,
    title: subject,
    footer,
    children: (
      <>
        {paragraphs.map((paragraph) => (
          <p style="margin:0 0 12px;">{paragraph}</p>
        ))}
        {action ? (
          <>
            <EmailButton href={action.url}>{action.label}</EmailButton>
            <p style="margin:0 0 12px;font-size:14px;color:#6b6b66;direction:ltr;text-align:left;word-break:break-all;">{action.url}</p>
          </>
        ) : null}
      </>
    ),
  });
  return { subject, text, html };
}

const NOT_YOU = 'إن لم تطلب هذا فتجاهل الرسالة؛ لن يتغير شيء في حسابك.';

export const accountEmails = {
  verify: (site: Site, url: string) =>
    accountEmail(
      site,
      `أكّد بريدك في ${site.siteName}`,
      ['أهلاً بك! أنشأت حساباً بهذا البريد. أكّد أن البريد بريدك لتكتمل خطوات إنشاء الحساب وتدخل إليه.', 'الرابط صالح ٢٤ ساعة ولمرة واحدة.'],
      { label: 'أكّد بريدي', url },
      'إن لم تنشئ حساباً فتجاهل الرسالة ولن يُفعَّل أي حساب.',
    ),

  alreadyRegistered: (site: Site, signInUrl: string) =>
    accountEmail(
      site,
      `لديك حساب في ${site.siteName} بالفعل`,
      ['طلب أحدهم إنشاء حساب بهذا البريد، لكن لديك حساب به من قبل. ادخل إليه، وإن نسيت كلمة المرور فاطلب رابط دخول من صفحة الدخول.'],
      { label: 'ادخل إلى حسابك', url: signInUrl },
      NOT_YOU,
    ),

  magic: (site: Site, url: string) =>
    accountEmail(
      site,
      `رابط الدخول إلى ${site.siteName}`,
      ['اضغط الزر لتدخل إلى حسابك دون كلمة مرور.', 'الرابط صالح ١٥ دقيقة ولمرة واحدة.'],
      { label: 'ادخل إلى حسابي', url },
      NOT_YOU,
    ),

  noAccount: (site: Site, signUpUrl: string) =>
    accountEmail(
      site,
      `لا حساب بهذا البريد في ${site.siteName}`,
      ['طُلب رابط دخول أو إعادة تعيين كلمة مرور لهذا البريد، لكن لا حساب به عندنا. يمكنك إنشاء حساب في دقيقة.'],
      { label: 'أنشئ حسابك', url: signUpUrl },
      NOT_YOU,
    ),

  reset: (site: Site, url: string) =>
    accountEmail(
      site,
      `أعد تعيين كلمة المرور في ${site.siteName}`,
      ['طُلبت إعادة تعيين كلمة مرور حسابك. اضغط الزر واختر كلمة مرور جديدة؛ ستخرج بعدها من كل أجهزتك.', 'الرابط صالح ٣٠ دقيقة ولمرة واحدة.'],
      { label: 'اختر كلمة مرور جديدة', url },
      NOT_YOU,
    ),

  deleted: (site: Site) =>
    accountEmail(site, `حُذف حسابك في ${site.siteName}`, [
      'حذفنا حسابك وكل ما كان مرتبطاً به: ملفك، وجلساتك، وما حفظته واشتركت فيه. لم نُبقِ عنوان بريدك عندنا.',
      'يسعدنا أن تعود متى شئت.',
    ]),
};
