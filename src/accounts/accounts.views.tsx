import type { ComponentChildren } from 'preact';
import type { UserRow } from '../db/schema.ts';
import { CsrfField } from '../web/csrf-field.tsx';
import { Layout, type SiteChrome } from '../web/layout.tsx';
import { formatCount } from '../web/numbers.ts';
import type { Messages } from '../web/messages.ts';
import { usePresentation } from '../web/presentation.tsx';
import { Moment } from '../web/published-date.tsx';
import { PASSWORD_MIN_LENGTH } from './password.ts';

interface PageProps {
  site: SiteChrome;
  csrfToken: string;
}

function AccountPage({ site, title, children }: { site: SiteChrome; title: string; children: ComponentChildren }) {
  return (
    <Layout site={site} title={title}>
      <div class="account">
        <h1>{title}</h1>
        {children}
      </div>
    </Layout>
  );
}

function Problem({ text }: { text: string | null | undefined }) {
  return text ? (
    <p class="form-problem" role="alert">
      {text}
    </p>
  ) : null;
}

function Field(props: { id: string; label: string; type?: string; name: string; value?: string; autocomplete: string; required?: boolean; hint?: string; dir?: 'ltr' }) {
  return (
    <p class="field">
      <label for={props.id}>{props.label}</label>
      <input
        id={props.id}
        name={props.name}
        type={(props.type ?? 'text') as 'text'}
        value={props.value ?? ''}
        autocomplete={props.autocomplete}
        required={props.required ?? true}
        dir={props.dir}
        {...(props.type === 'password' ? { minLength: PASSWORD_MIN_LENGTH, maxLength: 256 } : {})}
        {...(props.hint ? { 'aria-describedby': `${props.id}-hint` } : {})}
      />
      {props.hint ? (
        <span class="hint" id={`${props.id}-hint`}>
          {props.hint}
        </span>
      ) : null}
    </p>
  );
}

const PASSWORD_HINT = `${formatCount(PASSWORD_MIN_LENGTH)} أحرف على الأقل. عبارة من عدة كلمات أسهل تذكراً وأصعب تخميناً.`;

export function SignUpPage({ site, csrfToken, problem, values }: PageProps & { problem?: string | null; values?: { email: string; displayName: string } }) {
  return (
    <AccountPage site={site} title="أنشئ حسابك">
      <p>حساب واحد لتحفظ المقالات، وتتابع ما يهمك، وتختار نشراتك البريدية.</p>
      <Problem text={problem} />
      <form class="account-form" method="post" action="/account/signup">
        <CsrfField token={csrfToken} />
        <Field id="signup-name" label="الاسم (اختياري)" name="displayName" value={values?.displayName} autocomplete="name" required={false} />
        <Field id="signup-email" label="البريد الإلكتروني" type="email" name="email" value={values?.email} autocomplete="email" dir="ltr" />
        <Field id="signup-password" label="كلمة المرور" type="password" name="password" autocomplete="new-password" hint={PASSWORD_HINT} dir="ltr" />
        <p>
          <button type="submit">أنشئ الحساب</button>
        </p>
      </form>
      <p>
        لديك حساب؟ <a href="/account/signin">سجّل الدخول</a>
      </p>
    </AccountPage>
  );
}

export function SignInPage({ site, csrfToken, problem, next, email }: PageProps & { problem?: string | null; next: string; email?: string }) {
  return (
    <AccountPage site={site} title="تسجيل الدخول">
      <Problem text={problem} />
      <form class="account-form" method="post" action="/account/signin">
        <CsrfField token={csrfToken} />
        <input type="hidden" name="next" value={next} />
        <Field id="signin-email" label="البريد الإلكتروني" type="email" name="email" value={email} autocomplete="username" dir="ltr" />
        <Field id="signin-password" label="كلمة المرور" type="password" name="password" autocomplete="current-password" dir="ltr" />
        <p>
          <button type="submit">ادخل</button>
        </p>
      </form>
      <section class="account-section" aria-labelledby="magic-heading">
        <h2 id="magic-heading">أو ادخل دون كلمة مرور</h2>
        <p>نرسل إلى بريدك رابطاً يُدخلك مرة واحدة، صالحاً ١٥ دقيقة.</p>
        <form class="account-form" method="post" action="/account/magic">
          <CsrfField token={csrfToken} />
          <Field id="magic-email" label="البريد الإلكتروني" type="email" name="email" value={email} autocomplete="email" dir="ltr" />
          <p>
            <button type="submit">أرسل رابط الدخول</button>
          </p>
        </form>
      </section>
      <p>
        <a href="/account/reset">نسيت كلمة المرور؟</a> · <a href="/account/signup">أنشئ حساباً</a>
      </p>
    </AccountPage>
  );
}

/** The same page whether or not the address has an account: the email says what happened. */
export function CheckEmailPage({ site, email, why }: { site: SiteChrome; email: string; why: 'signup' | 'magic' | 'reset' | 'unverified' }) {
  const text = {
    signup: 'أرسلنا رسالة إلى بريدك. افتحها واضغط الرابط لتأكيد بريدك والدخول إلى حسابك.',
    magic: 'أرسلنا رسالة إلى بريدك. افتحها واضغط الرابط لتدخل؛ الرابط صالح ١٥ دقيقة.',
    reset: 'أرسلنا رسالة إلى بريدك. افتحها واضغط الرابط لتختار كلمة مرور جديدة؛ الرابط صالح ٣٠ دقيقة.',
    unverified: 'لم تؤكد بريدك بعد، فأرسلنا إليه رابط تأكيد جديداً. اضغطه لتدخل إلى حسابك.',
  }[why];
  return (
    <AccountPage site={site} title="تفقّد بريدك">
      <p class="notice" role="status">
        {text}
      </p>
      <p>
        أرسلناها إلى: <bdi dir="ltr">{email}</bdi>. إن لم تجدها فانظر في مجلد الرسائل غير المرغوب فيها.
      </p>
    </AccountPage>
  );
}

/** An emailed link opens this page; the button spends it (mail scanners that open links do not). */
export function ConfirmLinkPage({ site, csrfToken, action, title, text, button }: PageProps & { action: string; title: string; text: string; button: string }) {
  return (
    <AccountPage site={site} title={title}>
      <p>{text}</p>
      <form class="account-form" method="post" action={action}>
        <CsrfField token={csrfToken} />
        <p>
          <button type="submit">{button}</button>
        </p>
      </form>
    </AccountPage>
  );
}

export function LinkExpiredPage({ site }: { site: SiteChrome }) {
  return (
    <AccountPage site={site} title="الرابط لم يعد صالحاً">
      <p>استُخدم هذا الرابط من قبل أو انتهت مدته. اطلب رابطاً جديداً.</p>
      <p>
        <a href="/account/signin">تسجيل الدخول</a> · <a href="/account/reset">إعادة تعيين كلمة المرور</a>
      </p>
    </AccountPage>
  );
}

export function ResetRequestPage({ site, csrfToken }: PageProps) {
  return (
    <AccountPage site={site} title="نسيت كلمة المرور">
      <p>اكتب بريدك، نرسل إليه رابطاً تختار منه كلمة مرور جديدة.</p>
      <form class="account-form" method="post" action="/account/reset">
        <CsrfField token={csrfToken} />
        <Field id="reset-email" label="البريد الإلكتروني" type="email" name="email" autocomplete="email" dir="ltr" />
        <p>
          <button type="submit">أرسل الرابط</button>
        </p>
      </form>
    </AccountPage>
  );
}

export function NewPasswordPage({ site, csrfToken, action, problem }: PageProps & { action: string; problem?: string | null }) {
  return (
    <AccountPage site={site} title="اختر كلمة مرور جديدة">
      <Problem text={problem} />
      <form class="account-form" method="post" action={action}>
        <CsrfField token={csrfToken} />
        <Field id="new-password" label="كلمة المرور الجديدة" type="password" name="password" autocomplete="new-password" hint={PASSWORD_HINT} dir="ltr" />
        <p>
          <button type="submit">احفظ وادخل</button>
        </p>
      </form>
    </AccountPage>
  );
}

export interface SessionView {
  id: string;
  created_at: string;
  last_seen_at: string;
  user_agent: string | null;
  ip: string | null;
}

function Choice({ name, value, current, label }: { name: string; value: string; current: string; label: string }) {
  const id = `${name}-${value}`;
  return (
    <span class="choice">
      <input type="radio" id={id} name={name} value={value} checked={value === current} />
      <label for={id}>{label}</label>
    </span>
  );
}

export function ProfilePage({
  site,
  csrfToken,
  user,
  sessions,
  currentSessionId,
  notice,
}: PageProps & { user: UserRow; sessions: SessionView[]; currentSessionId: string; notice?: string | null }) {
  const { text } = usePresentation();
  return (
    <AccountPage site={site} title={text.myAccount}>
      {notice ? (
        <p class="notice" role="status">
          {notice}
        </p>
      ) : null}
      <p>
        {text.signedInAs} <bdi dir="ltr">{user.email}</bdi>
        {user.email_verified_at ? text.verifiedAddress : ''}.
      </p>
      <form method="post" action="/account/signout" class="inline-form">
        <CsrfField token={csrfToken} />
        <button type="submit" class="secondary">
          {text.signOut}
        </button>
      </form>

      <section class="account-section" aria-labelledby="profile-heading">
        <h2 id="profile-heading">{text.profileAndPreferences}</h2>
        <form class="account-form" method="post" action="/account/profile">
          <CsrfField token={csrfToken} />
          <Field id="profile-name" label={text.displayName} name="displayName" value={user.display_name ?? ''} autocomplete="name" required={false} />
          <fieldset>
            <legend>{text.digits}</legend>
            <Choice name="digits" value="arab" current={user.digits} label={text.arabicIndicDigits} />
            <Choice name="digits" value="latn" current={user.digits} label={text.westernDigits} />
          </fieldset>
          <fieldset>
            <legend>{text.dates}</legend>
            <Choice name="dateStyle" value="both" current={user.date_style} label={text.bothCalendars} />
            <Choice name="dateStyle" value="gregorian" current={user.date_style} label={text.gregorianCalendar} />
            <Choice name="dateStyle" value="hijri" current={user.date_style} label={text.hijriCalendar} />
          </fieldset>
          <fieldset>
            <legend>{text.interfaceLanguage}</legend>
            <span class="choice" lang="ar" dir="rtl">
              <input type="radio" id="language-ar" name="language" value="ar" checked={user.language === 'ar'} />
              <label for="language-ar">العربية</label>
            </span>
            <span class="choice" lang="en" dir="ltr">
              <input type="radio" id="language-en" name="language" value="en" checked={user.language === 'en'} />
              <label for="language-en">English</label>
            </span>
          </fieldset>
          <p>
            <button type="submit">{text.save}</button>
          </p>
        </form>
      </section>

      <section class="account-section" aria-labelledby="sessions-heading">
        <h2 id="sessions-heading">{text.devicesHeading}</h2>
        <ul class="sessions">
          {sessions.map((session) => (
            <li>
              <span class="session-device" dir="auto">
                {session.user_agent ? describeAgent(session.user_agent, text) : text.unknownDevice}
                {session.id === currentSessionId ? <strong>{text.thisDevice}</strong> : null}
              </span>
              <span class="meta">
                {text.lastSeen} <Moment iso={session.last_seen_at} />
                {session.ip ? (
                  <>
                    {text.comma} <bdi dir="ltr">{session.ip}</bdi>
                  </>
                ) : null}
              </span>
              {session.id === currentSessionId ? null : (
                <form method="post" action={`/account/sessions/${session.id}/revoke`} class="inline-form">
                  <CsrfField token={csrfToken} />
                  <button type="submit" class="secondary">
                    {text.signOutDevice}
                  </button>
                </form>
              )}
            </li>
          ))}
        </ul>
        <form method="post" action="/account/sessions/revoke-all" class="inline-form">
          <CsrfField token={csrfToken} />
          <button type="submit" class="secondary">
            {text.signOutEverywhere}
          </button>
        </form>
      </section>

      <section class="account-section" aria-labelledby="reading-heading">
        <h2 id="reading-heading">{text.yourReading}</h2>
        <ul>
          <li>
            <a href="/for-you">{text.forYou}</a>
            {text.forYouNote}
          </li>
          <li>
            <a href="/saved">{text.savedArticles}</a>
          </li>
          <li>
            <a href="/account/feed">{text.feedSettingsLink}</a>
            {text.andDefaultView}
          </li>
          <li>
            <a href="/account/history">{text.readingHistory}</a>
          </li>
        </ul>
      </section>

      <section class="account-section" aria-labelledby="data-heading">
        <h2 id="data-heading">{text.yourData}</h2>
        <p>
          <a href="/account/export" download>
            {text.downloadData}
          </a>
        </p>
        <form class="account-form danger" method="post" action="/account/delete">
          <CsrfField token={csrfToken} />
          <p>{text.deletionWarning}</p>
          <Field id="delete-confirm" label={text.deletionConfirmLabel} type="email" name="confirm" autocomplete="off" dir="ltr" />
          <p>
            <button type="submit" class="danger">
              {text.deleteAccount}
            </button>
          </p>
        </form>
      </section>
    </AccountPage>
  );
}

export function DeletedPage({ site }: { site: SiteChrome }) {
  return (
    <AccountPage site={site} title="حُذف حسابك">
      <p class="notice" role="status">
        حذفنا حسابك وكل ما كان مرتبطاً به. شكراً لأنك قرأت معنا.
      </p>
      <p>
        <a href="/">العودة إلى الصفحة الرئيسية</a>
      </p>
    </AccountPage>
  );
}

/** "Chrome على Linux": enough to recognise a device, without a user-agent parser. */
function describeAgent(agent: string, text: Messages): string {
  const browser = /Edg\//.test(agent)
    ? 'Edge'
    : /Firefox\//.test(agent)
      ? 'Firefox'
      : /Chrom(e|ium)\//.test(agent)
        ? 'Chrome'
        : /Safari\//.test(agent)
          ? 'Safari'
          : agent.split(/[\s/]/)[0] || text.browser;
  const system = /Android/.test(agent)
    ? 'Android'
    : /iPhone|iPad/.test(agent)
      ? 'iOS'
      : /Windows/.test(agent)
        ? 'Windows'
        : /Mac OS X/.test(agent)
          ? 'macOS'
          : /Linux/.test(agent)
            ? 'Linux'
            : null;
  return system ? text.deviceOn(browser, system) : browser;
}
