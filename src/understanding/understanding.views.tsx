import type { ComponentChildren } from 'preact';
import { articlePath } from '../articles/slug.ts';
import { Layout, type SiteChrome } from '../web/layout.tsx';
import { Pagination } from '../web/pagination.tsx';
import { PageMeta } from '../web/page-meta.tsx';
import { type Presentation, usePresentation } from '../web/presentation.tsx';
import { PublishedDate } from '../web/published-date.tsx';
import type { ArticleContext, EntityLink, EntityPageData, StoryTimeline } from './reading.service.ts';

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
function articlesCount({ text, count }: Presentation, articles: number): string {
  return text.articleCount(articles, count(articles));
}

/**
 * What understanding adds under an article: who and what it names, "من قال ماذا" (who said what), and
 * "في السياق نفسه" (the same story first, then articles about the same people and places).
 */
export function ArticleUnderstanding({ context }: { context: ArticleContext }) {
  const { entities, quotes, related, story, duplicateOf } = context;
  const presentation = usePresentation();
  const { text, arabic } = presentation;
  return (
    <>
      {duplicateOf ? (
        <p class="duplicate-note">
          {text.duplicateNote(duplicateOf.sourceName)}{' '}
          <a href={articlePath(duplicateOf.slug)} {...arabic}>
            {duplicateOf.title}
          </a>
        </p>
      ) : null}
      {entities.length ? (
        <nav class="entities" aria-labelledby="entities-heading">
          <h2 id="entities-heading">{text.namesInArticle}</h2>
          <ul {...arabic}>
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
          <h2 id="quotes-heading">{text.whoSaidWhat}</h2>
          {quotes.map((quote) => (
            <figure {...arabic}>
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
          <h2 id="in-context-heading">{text.inContext}</h2>
          <ul>
            {related.map((item) => (
              <li>
                <a href={articlePath(item.slug)} {...arabic}>
                  {item.title}
                </a>
                <span class="meta">
                  {item.sourceName ? <span class="source-name">{item.sourceName}</span> : null}
                  {item.publishedAt ? <PublishedDate iso={item.publishedAt} /> : null}
                </span>
              </li>
            ))}
          </ul>
          {story ? (
            <p class="more">
              <a href={storyPath(story.id)}>{text.wholeStory(articlesCount(presentation, story.articleCount))}</a>
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
  const presentation = usePresentation();
  const { text, count, arabic } = presentation;
  const description = text.entityDescription(text.entityTypes[entity.type], articlesCount(presentation, articleCount));
  const title = props.page > 1 ? text.titleWithPage(entity.name, count(props.page)) : entity.name;
  return (
    <Layout site={props.site} title={title} description={description} head={<PageMeta siteName={props.site.siteName} url={props.url} title={title} description={description} />}>
      <header class="entity-header">
        <p class="kicker">{text.entityTypes[entity.type]}</p>
        <h1 {...arabic}>{entity.name}</h1>
        <p class="entity-count">{articlesCount(presentation, articleCount)}</p>
        {props.actions}
      </header>
      {quotes.length ? (
        <section class="quotes" aria-labelledby="entity-quotes-heading">
          <h2 id="entity-quotes-heading">{text.saidBy(entity.name)}</h2>
          {quotes.map((quote) => (
            <figure {...arabic}>
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
          {text.news}
        </h2>
        <ol class="timeline">
          {articles.map((article) => (
            <li>
              <a href={articlePath(article.slug)} {...arabic}>
                {article.title}
              </a>
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

export function StoryPage(props: { site: SiteChrome; timeline: StoryTimeline; url: string }) {
  const { headline, entries } = props.timeline;
  const presentation = usePresentation();
  const { text, arabic } = presentation;
  const description = text.storyDescription(headline, articlesCount(presentation, entries.length));
  return (
    <Layout site={props.site} title={headline} description={description} head={<PageMeta siteName={props.site.siteName} url={props.url} title={headline} description={description} />}>
      <p class="kicker">{text.story}</p>
      <h1 {...arabic}>{headline}</h1>
      <p class="entity-count">{text.storyCount(articlesCount(presentation, entries.length))}</p>
      <ol class="timeline">
        {entries.map((entry) => (
          <li>
            {entry.publishedAt ? <PublishedDate iso={entry.publishedAt} /> : null}
            <a href={articlePath(entry.slug)} {...arabic}>
              {entry.title}
            </a>
            <span class="meta">
              {entry.sourceName ? <span class="source-name">{entry.sourceName}</span> : null}
              {entry.alsoIn.length ? <span class="also-in">
                  {text.alsoIn} {entry.alsoIn.join('، ')}
                </span> : null}
            </span>
          </li>
        ))}
      </ol>
    </Layout>
  );
}
