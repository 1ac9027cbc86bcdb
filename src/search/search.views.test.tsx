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
