import { normalizeArabic } from '../arabic/normalize.ts';

/**
 * Lines news sites print around every article: account prompts, share buttons, copyright. Matched on the
 * normalized line so hamza and tashkeel variants match too.
 */
const CHROME_PATTERNS: RegExp[] = [
  /^لم تشترك بعد/,
  /^انشي? حساب/,
  /^(سجل|تسجيل) (الدخول|دخول)/,
  /^اشترك (الان|في النشره)/,
  /^(شارك|مشاركه)( المقال| الخبر| عبر)?$/,
  /^(اقرا|اقرأ) ايضا:?$/,
  /^(جميع )?الحقوق محفوظه/,
  /^(تابعنا|تابعونا) (علي|عبر)/,
  /^(الرييسيه|اخبار ذات صله|مواضيع ذات صله)$/,
  /^(facebook|twitter|whatsapp|telegram|print|طباعه)$/,
];

/** A page's lines, split on every line break a file may use. */
export function pageLines(text: string): string[] {
  return text.split(/\r\n|\r|\n|\u2028|\u2029/);
}

/** A line folded for comparison (normalized letters and digits, collapsed whitespace): how chrome is matched. */
export function chromeKey(line: string): string {
  return normalizeArabic(line).replace(/\s+/g, ' ').trim();
}

/** Whether a line is one of the known site-chrome lines (see CHROME_PATTERNS). */
export function isKnownChrome(line: string): boolean {
  return isKnownChromeKey(chromeKey(line));
}

/** isKnownChrome for a line already turned into its key, so callers holding the key do not normalize twice. */
export function isKnownChromeKey(key: string): boolean {
  return CHROME_PATTERNS.some((pattern) => pattern.test(key));
}

/**
 * Lines that recur across several pages of one batch are the site's own furniture (menus, prompts, footers),
 * not news: a line in at least a third of the pages, and in at least three of them, is chrome.
 */
export function recurringLines(pages: string[]): Set<string> {
  const pageCounts = new Map<string, number>();
  for (const page of pages) {
    for (const key of new Set(pageLines(page).map(chromeKey))) {
      if (key) pageCounts.set(key, (pageCounts.get(key) ?? 0) + 1);
    }
  }
  const threshold = Math.max(3, Math.ceil(pages.length / 3));
  const recurring = new Set<string>();
  for (const [key, count] of pageCounts) if (count >= threshold) recurring.add(key);
  return recurring;
}
