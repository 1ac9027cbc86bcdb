import { articlePath } from '../articles/slug.ts';
import { type SiteChrome, Layout } from '../web/layout.tsx';
import { usePresentation } from '../web/presentation.tsx';
import { Pagination } from '../web/pagination.tsx';
import { PublishedDate } from '../web/published-date.tsx';
import { SaveButton } from './save-button.tsx';
import type { SavedList } from './saved.service.ts';

export interface SavedPageProps {
  site: SiteChrome;
  list: SavedList;
  section: string | null;
  q: string;
  page: number;
  pageCount: number;
  csrfToken: string;
}

/** "المحفوظات": newest first, filter by section, search inside, remove, continue where the reader stopped. */
export function SavedPage(props: SavedPageProps) {
  const query = (page: number) => {
    const params = new URLSearchParams();
    if (props.section) params.set('section', props.section);
    if (props.q) params.set('q', props.q);
    if (page > 1) params.set('page', String(page));
    const text = params.toString();
    return text ? `/saved?${text}` : '/saved';
  };
  const here = query(props.page);
  const { text, count, arabic } = usePresentation();
  return (
    <Layout site={props.site} title={text.savedArticles}>
      <h1>{text.savedArticles}</h1>
      <form method="get" action="/saved" class="saved-filter" role="search">
        <label>
          {text.searchYourSaved} <input type="search" name="q" value={props.q} dir="auto" />
        </label>
        <label>
          {text.section}{' '}
          <select name="section">
            <option value="">{text.allSections}</option>
            {props.list.sections.map((section) => (
              <option value={section.slug} selected={section.slug === props.section}>
                {section.name}
              </option>
            ))}
          </select>
        </label>
        <button type="submit">{text.show}</button>
      </form>
      <p class="muted">
        {text.savedCount(props.list.total, count(props.list.total))} · {text.download} <a href="/saved/export.json">JSON</a> · <a href="/saved/export.html">HTML</a>
      </p>
      {props.list.items.length === 0 ? <p>{props.q || props.section ? text.noSavedMatch : text.noSavedYet}</p> : null}
      <ol class="saved-list">
        {props.list.items.map((item) => (
          <li class="card">
            <h2 class="saved-title" {...arabic}>
              <a href={articlePath(item.slug)}>{item.title}</a>
            </h2>
            <p class="muted">
              {item.section_name ? <span {...arabic}>{item.section_name} · </span> : null}
              {text.savedOn} <PublishedDate iso={item.saved_at} />
            </p>
            <div class="card-actions">
              {item.paragraph !== null && item.paragraph > 0 ? (
                <a class="button" href={`${articlePath(item.slug)}#p${item.paragraph + 1}`}>
                  {text.continueFromParagraph(count(item.paragraph + 1))}
                </a>
              ) : null}
              <SaveButton slug={item.slug} saved csrfToken={props.csrfToken} next={here} />
            </div>
          </li>
        ))}
      </ol>
      <Pagination page={props.page} pageCount={props.pageCount} href={query} />
    </Layout>
  );
}

/** A standalone HTML file of the reader's saved articles with links, to keep or open offline. */
export function SavedExportDocument(props: { siteName: string; items: { title: string; url: string; section: string | null; saved_at: string }[] }) {
  const { gregorian } = usePresentation();
  return (
    <html lang="ar" dir="rtl">
      <head>
        <meta charset="utf-8" />
        <title>{`المحفوظات — ${props.siteName}`}</title>
      </head>
      <body>
        <h1>المحفوظات — {props.siteName}</h1>
        <ol>
          {props.items.map((item) => (
            <li>
              <a href={item.url}>{item.title}</a>
              {item.section ? ` — ${item.section}` : ''} (<time datetime={item.saved_at}>{gregorian(item.saved_at)}</time>)
            </li>
          ))}
        </ol>
      </body>
    </html>
  );
}
