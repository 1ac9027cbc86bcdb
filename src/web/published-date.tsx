import { usePresentation } from './presentation.tsx';

/**
 * A publication date in the reader's calendars (both by default: "٢٥ نوفمبر ٢٠٢٦ م، ١٥ جمادى الآخرة ١٤٤٨ هـ"),
 * in the interface's language even inside Arabic content.
 */
export function PublishedDate({ iso }: { iso: string }) {
  const { preferences, gregorian, hijri, lang, chrome } = usePresentation();
  const { dateStyle } = preferences;
  return (
    <time datetime={iso} class="published" {...chrome}>
      {dateStyle === 'hijri' ? null : <span class="gregorian">{gregorian(iso)}</span>}
      {/* Not a middle dot: beside Arabic-Indic digits it reads as a zero. */}
      {dateStyle === 'both' ? <span class="separator">{lang === 'ar' ? '،' : ','}</span> : null}
      {dateStyle === 'gregorian' ? null : <span class="hijri">{hijri(iso)}</span>}
    </time>
  );
}

/** A moment (when a message was sent, a device last seen) with its time, in the site's zone, which it names. */
export function Moment({ iso }: { iso: string }) {
  const { dateTime } = usePresentation();
  return <time datetime={iso}>{dateTime(iso)}</time>;
}
