import { expect, it } from 'vitest';
import { renderDocument } from '../web/layout.tsx';
import { presentationFor } from '../web/presentation.tsx';
import { parseSearchQuery } from './search-query.ts';
import type { SearchResults } from './search.service.ts';
import { SearchPage } from './search.views.tsx';

const site = { siteName: 'صحيفة', sections: [] };
const page = (results: Partial<SearchResults>) =>
  renderDocument(
    <SearchPage
      site={site}
      text="النفط"
      results={{ query: parseSearchQuery('النفط'), total: 0, totalExact: true, page: 1, perPage: 10, hits: [], sections: [], ...results }}
    />,
    presentationFor(),
  );
const sections = [
  { slug: 'economy', name: 'اقتصاد', count: 7000 },
  { slug: 'world', name: 'دولي', count: 3001 },
];

it('writes the number of results and each section count when every match was counted', () => {
  const html = page({ total: 10_000, sections });
  expect(html).toContain('١٠٠٠٠ نتيجة');
  expect(html).not.toContain('أكثر من');
  expect(html).toContain('<span>اقتصاد</span> (٧٠٠٠)');
});

it('says there are more results than counted, and lists sections without their partial counts', () => {
  const html = page({ total: 10_000, totalExact: false, sections });
  expect(html).toContain('أكثر من ١٠٠٠٠ نتيجة');
  expect(html).toContain('<span>اقتصاد</span></a>');
  expect(html).not.toContain('(٧٠٠٠)');
});

it.each([
  [1, 'نتيجة واحدة'],
  [2, 'نتيجتان'],
  [3, '٣ نتائج'],
  [10, '١٠ نتائج'],
  [11, '١١ نتيجة'],
  [99, '٩٩ نتيجة'],
  [100, '١٠٠ نتيجة'],
  [103, '١٠٣ نتائج'],
])('agrees the noun with the number of results: %i', (total, heading) => {
  expect(page({ total })).toContain(`<h2 id="results-heading" aria-live="polite">${heading}</h2>`);
});
