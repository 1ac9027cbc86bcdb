import { articlePath } from '../articles/slug.ts';
import { PublishedDate } from '../web/published-date.tsx';
import { Layout, type SiteChrome } from '../web/layout.tsx';
import type { SearchResults } from './search.service.ts';
import { Pagination } from '../web/pagination.tsx';
import type { TextSegment } from './snippet.ts';

function Highlighted({ segments }: { segments: TextSegment[] }) {
  return <>{segments.map((segment) => (segment.match ? <mark>{segment.text}</mark> : segment.text))}</>;
}

const arabicNumber = new Intl.NumberFormat('ar-EG');

function searchLink(text: string, page: number): string {
  const params = new URLSearchParams({ q: text });
  if (page > 1) params.set('page', String(page));
  return `/search?${params}`;
}

/** The search page: the form (works without JavaScript), results with highlighted snippets, facets, pages. */
export function SearchPage({ site, text, results }: { site: SiteChrome; text: string; results: SearchResults | null }) {
  const pageCount = results ? Math.ceil(results.total / results.perPage) : 0;
  return (
    <Layout site={site} title={text ? `بحث: ${text}` : 'بحث'}>
      <h1>بحث</h1>
      <form class="search-form" role="search" action="/search" method="get">
        <label for="search-q">ابحث في الأرشيف</label>
        <input id="search-q" type="search" name="q" value={text} dir="auto" />
        <button type="submit">ابحث</button>
        <p class="search-help">
          لعبارة كاملة ضعها بين علامتي تنصيص "…"، ولاستبعاد كلمة اسبقها بعلامة -، وللتصفية: قسم:اسم_القسم، من:2026-11-01،
          الى:2026-11-30.
        </p>
      </form>
      {results && text ? (
        <section aria-labelledby="results-heading">
          <h2 id="results-heading" aria-live="polite">
            {results.total === 0 ? 'لا توجد نتائج' : `${arabicNumber.format(results.total)} نتيجة`}
          </h2>
          {results.sections.length > 1 ? (
            <nav aria-label="النتائج حسب القسم" class="facets">
              <ul>
                {results.sections.map((section) => (
                  <li>
                    <a href={searchLink(`${text} قسم:${section.name}`, 1)}>
                      {section.name} ({arabicNumber.format(section.count)})
                    </a>
                  </li>
                ))}
              </ul>
            </nav>
          ) : null}
          <ol class="search-results">
            {results.hits.map((hit) => (
              <li>
                <h3>
                  <a href={articlePath(hit.slug)}>
                    <Highlighted segments={hit.titleSegments} />
                  </a>
                </h3>
                <p class="snippet">
                  <Highlighted segments={hit.snippet} />
                </p>
                <p class="meta">
                  {hit.section ? <span>{hit.section.name} · </span> : null}
                  {hit.publishedAt ? <PublishedDate iso={hit.publishedAt} /> : null}
                </p>
              </li>
            ))}
          </ol>
          <Pagination page={results.page} pageCount={pageCount} href={(page) => searchLink(text, page)} label="صفحات النتائج" />
        </section>
      ) : null}
    </Layout>
  );
}
