import { usePresentation } from './presentation.tsx';

interface PaginationProps {
  page: number;
  pageCount: number;
  /** The address of another page of the same list. */
  href: (page: number) => string;
  label?: string;
}

/** Previous / "صفحة ٢ من ٥" / next links under a paginated list; nothing when the list fits on one page. */
export function Pagination({ page, pageCount, href, label }: PaginationProps) {
  const { text, count } = usePresentation();
  if (pageCount <= 1) return null;
  return (
    <nav class="pagination" aria-label={label ?? text.pages}>
      {page > 1 ? (
        <a rel="prev" href={href(page - 1)}>
          {text.previousPage}
        </a>
      ) : null}
      <span aria-current="page">{text.pageOf(count(page), count(pageCount))}</span>
      {page < pageCount ? (
        <a rel="next" href={href(page + 1)}>
          {text.nextPage}
        </a>
      ) : null}
    </nav>
  );
}
