import { articlePath } from '../articles/slug.ts';
import { PublishedDate } from '../web/published-date.tsx';
import { Layout, type SiteChrome } from '../web/layout.tsx';
import type { SearchResults } from './search.service.ts';
import { Pagination } from '../web/pagination.tsx';
import { usePresentation } from '../web/presentation.tsx';
import type { TextSegment } from './snippet.ts';

function Highlighted({ segments }: { segments: TextSegment[] }) {
  return <>{segments.map((segment) => (segment.match ? <mark>{segment.text}</mark> : segment.text))}</>;
}

function searchLink(text: string, page: number): string {
  const params = new URLSearchParams({ q: text });
  if (page > 1) params.set('page', String(page));
  return `/search?${params}`;
}

/** The search page: the form (works without JavaScript), results with highlighted snippets, facets, pages. */
export function SearchPage({ site, text, results }: { site: SiteChrome; text: string; results: SearchResults | null }) {
  const { text: say, count, arabic } = usePresentation();
  const pageCount = results ? Math.ceil(results.total / results.perPage) : 0;
  return (
    <Layout site={site} title={text ? say.searchTitleFor(text) : say.search}>
      <h1>{say.search}</h1>
      <form class="search-form" role="search" action="/search" method="get">
        <label for="search-q">{say.searchArchiveLabel}</label>
        <input id="search-q" type="search" name="q" value={text} dir="auto" />
        <button type="submit">{say.searchButton}</button>
        <p class="search-help">{say.searchHelp}</p>
      </form>
      {results && text ? (
        <section aria-labelledby="results-heading">
          <h2 id="results-heading" aria-live="polite">
            {results.total === 0
              ? say.noResults
              : results.totalExact
                ? say.resultCount(results.total, count(results.total))
                : say.resultCountAtLeast(results.total, count(results.total))}
          </h2>
          {results.sections.length > 1 ? (
            <nav aria-label={say.resultsBySection} class="facets">
              <ul>
                {results.sections.map((section) => (
                  <li>
                    <a href={searchLink(`${text} قسم:${section.name}`, 1)}>
                      <span {...arabic}>{section.name}</span>
                      {/* Past the count limit a section's count is only what was counted: the sections are listed without it. */}
                      {results.totalExact ? ` (${count(section.count)})` : null}
                    </a>
                  </li>
                ))}
              </ul>
            </nav>
          ) : null}
          <ol class="search-results">
            {results.hits.map((hit) => (
              <li>
                <h3 {...arabic}>
                  <a href={articlePath(hit.slug)}>
                    <Highlighted segments={hit.titleSegments} />
                  </a>
                </h3>
                <p class="snippet" {...arabic}>
                  <Highlighted segments={hit.snippet} />
                </p>
                <p class="meta">
                  {hit.section ? <span {...arabic}>{hit.section.name} · </span> : null}
                  {hit.publishedAt ? <PublishedDate iso={hit.publishedAt} /> : null}
                </p>
              </li>
            ))}
          </ol>
          <Pagination page={results.page} pageCount={pageCount} href={(page) => searchLink(text, page)} label={say.resultPages} />
        </section>
      ) : null}
    </Layout>
  );
}
