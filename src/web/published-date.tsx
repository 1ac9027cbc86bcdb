import { formatGregorian, formatHijri } from './dates.ts';

/** A publication date in both calendars: "٢٥ نوفمبر ٢٠٢٦ م، ١٥ جمادى الآخرة ١٤٤٨ هـ". */
export function PublishedDate({ iso }: { iso: string }) {
  return (
    <time datetime={iso} class="published">
      <span class="gregorian">{formatGregorian(iso)}</span>
      {/* Not a middle dot: beside Arabic-Indic digits it reads as a zero. */}
      <span class="separator">،</span>
      <span class="hijri">{formatHijri(iso)}</span>
    </time>
  );
}
