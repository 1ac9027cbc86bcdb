import type { ComponentChildren } from 'preact';
import { articlePath } from '../articles/slug.ts';
import { Layout, type SiteChrome } from '../web/layout.tsx';
import { formatCount } from '../web/numbers.ts';
import { Pagination } from '../web/pagination.tsx';
import { PageMeta } from '../web/page-meta.tsx';
import { PublishedDate } from '../web/published-date.tsx';
import { ENTITY_TYPE_LABELS } from './entity.ts';
import type { ArticleContext, EntityLink, EntityPageData, StoryEntry } from './reading.service.ts';

/** The URL path of an entity page, percent-encoded. */
export function entityPath(slug: string): string {
  return `/entity/${encodeURIComponent(slug)}`;
}

export function storyPath(id: string): string {
  return `/story/${encodeURIComponent(id)}`;
}

function EntityChip({ entity }: { entity: EntityLink }) {
  return (
    <a class={`entity entity-${entity.type}`} href={entityPath(entity.slug)}>
      {entity.name}
    </a>
  );
}

/** Articles count in words that agree with the number: "مقال واحد"، "مقالان"، "٣ مقالات"، "١١ مقالاً". */
function articlesCount(count: number): string {
  if (count === 1) return 'مقال واحد';
  if (count === 2) return 'مقالان';
  if (count >= 3 && count <= 10) return `${formatCount(count)} مقالات`;
  return `${formatCount(count)} مقالاً`;
}

/**
 * What understanding adds under an article: who and what it names, "من قال ماذا" (who said what), and
 * "في السياق نفسه" (the same story first, then articles about the same people and places).
 */
export function ArticleUnderstanding({ context }: { context: ArticleContext }) {
  const { entities, quotes, related, story, duplicateOf } = context;
  return (
    <>
      {duplicateOf ? (
        <p class="duplicate-note">
          نُشر هذا النص نفسه من قبل{duplicateOf.sourceName ? ` في ${duplicateOf.sourceName}` : ''}:{' '}
          <a href={articlePath(duplicateOf.slug)}>{duplicateOf.title}</a>
        </p>
      ) : null}
      {entities.length ? (
        <nav class="entities" aria-labelledby="entities-heading">
          <h2 id="entities-heading">أسماء في هذا الخبر</h2>
          <ul>
            {entities.map((entity) => (
              <li>
                <EntityChip entity={entity} />
              </li>
            ))}
          </ul>
        </nav>
      ) : null}
      {quotes.length ? (
        <section class="quotes" aria-labelledby="quotes-heading">
          <h2 id="quotes-heading">من قال ماذا</h2>
          {quotes.map((quote) => (
            <figure>
              <blockquote>
                <p>«{quote.text}»</p>
              </blockquote>
              <figcaption>
                <a href={entityPath(quote.speaker.slug)}>{quote.speaker.name}</a>
              </figcaption>
            </figure>
          ))}
        </section>
      ) : null}
      {related.length ? (
        <aside class="in-context" aria-labelledby="in-context-heading">
          <h2 id="in-context-heading">في السياق نفسه</h2>
          <ul>
            {related.map((item) => (
              <li>
                <a href={articlePath(item.slug)}>{item.title}</a>
                <span class="meta">
                  {item.sourceName ? <span class="source-name">{item.sourceName}</span> : null}
                  {item.publishedAt ? <PublishedDate iso={item.publishedAt} /> : null}
                </span>
              </li>
            ))}
          </ul>
          {story ? (
            <p class="more">
              <a href={storyPath(story.id)}>القصة كاملة: {articlesCount(story.articleCount)}</a>
            </p>
          ) : null}
        </aside>
      ) : null}
    </>
  );
}

export function EntityPage(props: {
  site: SiteChrome;
  data: EntityPageData;
  page: number;
  pageSize: number;
  url: string;
  /** Controls another capability adds for this entity (the follow button of the feed). */
  actions?: ComponentChildren;
}) {
  const { entity, articles, articleCount, quotes } = props.data;
  const pageCount = Math.max(1, Math.ceil(articleCount / props.pageSize));
  const base = entityPath(entity.slug);
  const pageHref = (page: number) => (page === 1 ? base : `${base}?page=${page}`);
  const description = `${ENTITY_TYPE_LABELS[entity.type]} في ${articlesCount(articleCount)}`;
  const title = props.page > 1 ? `${entity.name} — صفحة ${formatCount(props.page)}` : entity.name;
  return (
    <Layout site={props.site} title={title} description={description} head={<PageMeta siteName={props.site.siteName} url={props.url} title={title} description={description} />}>
      <header class="entity-header">
        <p class="kicker">{ENTITY_TYPE_LABELS[entity.type]}</p>
        <h1>{entity.name}</h1>
        <p class="entity-count">{articlesCount(articleCount)}</p>
        {props.actions}
      </header>
      {quotes.length ? (
        <section class="quotes" aria-labelledby="entity-quotes-heading">
          <h2 id="entity-quotes-heading">ما قاله {entity.name}</h2>
          {quotes.map((quote) => (
            <figure>
              <blockquote>
                <p>«{quote.text}»</p>
              </blockquote>
              <figcaption>
                <a href={articlePath(quote.slug)}>{quote.title}</a>
                {quote.published_at ? <PublishedDate iso={quote.published_at} /> : null}
              </figcaption>
            </figure>
          ))}
        </section>
      ) : null}
      <section aria-labelledby="entity-articles-heading">
        <h2 id="entity-articles-heading" class="section-heading">
          الأخبار
        </h2>
        <ol class="timeline">
          {articles.map((article) => (
            <li>
              <a href={articlePath(article.slug)}>{article.title}</a>
              <span class="meta">
                {article.source_name ? <span class="source-name">{article.source_name}</span> : null}
                {article.published_at ? <PublishedDate iso={article.published_at} /> : null}
              </span>
            </li>
          ))}
        </ol>
      </section>
      <Pagination page={props.page} pageCount={pageCount} href={pageHref} />
    </Layout>
  );
}

export function StoryPage(props: { site: SiteChrome; entries: StoryEntry[]; url: string }) {
  const first = props.entries[0]!;
  const description = `${first.title}: ${articlesCount(props.entries.length)} من المصادر كلها مرتبة زمنياً`;
  return (
    <Layout site={props.site} title={first.title} description={description} head={<PageMeta siteName={props.site.siteName} url={props.url} title={first.title} description={description} />}>
      <p class="kicker">قصة</p>
      <h1>{first.title}</h1>
      <p class="entity-count">{articlesCount(props.entries.length)}، من الأقدم إلى الأحدث</p>
      <ol class="timeline">
        {props.entries.map((entry) => (
          <li>
            {entry.publishedAt ? <PublishedDate iso={entry.publishedAt} /> : null}
            <a href={articlePath(entry.slug)}>{entry.title}</a>
            <span class="meta">
              {entry.sourceName ? <span class="source-name">{entry.sourceName}</span> : null}
              {entry.alsoIn.length ? <span class="also-in">نُشر أيضاً في: {entry.alsoIn.join('، ')}</span> : null}
            </span>
          </li>
        ))}
      </ol>
    </Layout>
  );
}
