import { EmailButton, renderEmail } from '../mail/email-layout.tsx';

/** The double opt-in message: one link that confirms every newsletter of one signup. */
export function confirmationEmail(input: { siteName: string; siteUrl: string; newsletterNames: string[]; link: string }) {
  const names = input.newsletterNames.join('، ');
  return {
    subject: `أكّد اشتراكك في ${names}`,
    text:
      `طلب أحدهم — ونرجو أن تكون أنت — الاشتراك بهذا العنوان في: ${names}.\n\n` +
      `لتأكيد الاشتراك افتح هذا الرابط (يعمل مرة واحدة خلال سبعة أيام):\n${input.link}\n\n` +
      'إن لم تطلب ذلك فتجاهل هذه الرسالة ولن نراسلك.\n',
    html: renderEmail({
      siteName: input.siteName,
      siteUrl: input.siteUrl,
      title: 'أكّد اشتراكك',
      children: (
        <>
          <p>طلب أحدهم — ونرجو أن تكون أنت — الاشتراك بهذا العنوان في: {names}.</p>
          <EmailButton href={input.link}>نعم، أكّد اشتراكي</EmailButton>
          <p>يعمل الرابط مرة واحدة خلال سبعة أيام.</p>
        </>
      ),
      footer: 'إن لم تطلب ذلك فتجاهل هذه الرسالة ولن نراسلك.',
    }),
  };
}
