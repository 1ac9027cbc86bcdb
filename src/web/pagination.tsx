import { formatCount } from './numbers.ts';

interface PaginationProps {
  page: number;
  pageCount: number;
  /** The address of another page of the same list. */
  href: (page: number) => string;
  label?: string;
}

/** Previous / "صفحة ٢ من ٥" / next links under a paginated list; nothing when the list fits on one page. */
export function Pagination({ page, pageCount, href, label = 'الصفحات' }: PaginationProps) {
  if (pageCount <= 1) return null;
  return (
    <nav class="pagination" aria-label={label}>
      {page > 1 ? (
        <a rel="prev" href={href(page - 1)}>
          الصفحة السابقة
        </a>
      ) : null}
      <span aria-current="page">
        صفحة {formatCount(page)} من {formatCount(pageCount)}
      </span>
      {page < pageCount ? (
        <a rel="next" href={href(page + 1)}>
          الصفحة التالية
        </a>
      ) : null}
    </nav>
  );
}
