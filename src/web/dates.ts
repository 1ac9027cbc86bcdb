const gregorian = new Intl.DateTimeFormat('ar-EG-u-nu-arab', {
  day: 'numeric',
  month: 'long',
  year: 'numeric',
  timeZone: 'UTC',
});
const hijri = new Intl.DateTimeFormat('ar-SA-u-ca-islamic-umalqura-nu-arab', {
  day: 'numeric',
  month: 'long',
  year: 'numeric',
  timeZone: 'UTC',
});

/** "٢٥ نوفمبر ٢٠٢٦ م" */
export function formatGregorian(iso: string): string {
  return `${gregorian.format(new Date(iso))} م`;
}

/** "٥ جمادى الآخرة ١٤٤٨ هـ" (Umm al-Qura calendar, as Saudi publications use). */
export function formatHijri(iso: string): string {
  return hijri.format(new Date(iso));
}

const dateTime = new Intl.DateTimeFormat('ar-EG-u-nu-arab', {
  day: 'numeric',
  month: 'long',
  year: 'numeric',
  hour: 'numeric',
  minute: '2-digit',
  timeZone: 'UTC',
});

/** "٢٥ نوفمبر ٢٠٢٦، ٩:٣٠ ص (UTC)": a moment, such as when a message was sent or a session last seen. */
export function formatDateTime(iso: string): string {
  return `${dateTime.format(new Date(iso))} (UTC)`;
}
