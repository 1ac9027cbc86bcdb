const arabicDigits = new Intl.NumberFormat('ar-EG-u-nu-arab', { useGrouping: false });

/** "١٢": numbers in running text use the same Arabic-Indic digits as the dates beside them. */
export function formatCount(value: number): string {
  return arabicDigits.format(value);
}
