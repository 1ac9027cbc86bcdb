import { type SiteChrome, Layout } from '../web/layout.tsx';
import { PageMeta } from '../web/page-meta.tsx';
import { usePresentation } from '../web/presentation.tsx';
import { Pagination } from '../web/pagination.tsx';
import { PublishedDate } from '../web/published-date.tsx';
import type { ArticleRelations, ArticleListItem } from './article.repository.ts';
import { MarkdownBody } from './markdown-body.tsx';
import { articlePath, authorPath, sectionPath, tagPath } from './slug.ts';
import type { ArticleContext } from '../understanding/reading.service.ts';
import { ArticleUnderstanding, storyPath } from '../understanding/understanding.views.tsx';
import type { AlsoFrom, StoryCard } from '../understanding/story-cards.ts';
import { FollowSlot, SaveCardSlot, SaveSlot } from '../feed/feed.slots.tsx';

export interface ArticleView {
  slug: string;
  title: string;
  subtitle: string | null;
  paragraphs: string[];
  /** The body as written in the newsroom; when null the paragraphs are the body. */
  bodyMarkdown: string | null;
  publishedAt: string | null;
  updatedAt: string;
  section: { slug: string; name: string } | null;
  sourceName: string | null;
  sourceUrl: string | null;
  relations: ArticleRelations;
}

type Card = StoryCard<ArticleListItem>;

function ArticleCard({ card, lead = false }: { card: Card; lead?: boolean }) {
  const { arabic } = usePresentation();
  const { item } = card;
  const firstParagraph = (JSON.parse(item.paragraphs) as string[])[0] ?? '';
  const Heading = lead ? 'h2' : 'h3';
  return (
    <article class={lead ? 'card lead' : 'card'}>
      <Heading {...arabic}>
        <a href={articlePath(item.slug)}>{item.title}</a>
      </Heading>
      {item.subtitle ? (
        <p class="card-subtitle" {...arabic}>
          {item.subtitle}
        </p>
      ) : null}
      <p class="card-excerpt" {...arabic}>
        {excerpt(firstParagraph, lead ? 60 : 30)}
      </p>
      {item.published_at ? <PublishedDate iso={item.published_at} /> : null}
      <AlsoFromLinks card={card} />
      <SaveCardSlot slug={item.slug} path={articlePath(item.slug)} />
    </article>
  );
}

/** "Also from" links a card shows; the story link leads to the others. */
const ALSO_FROM_SHOWN = 4;

/** The same story from other sources, one link each, named by source (by headline when the source says nothing). */
function AlsoFromLinks({ card }: { card: Card }) {
  const { text, arabic } = usePresentation();
  if (card.alsoFrom.length === 0 || !card.storyId) return null;
  const sources = card.alsoFrom.map((other) => other.sourceName);
  const label = (other: AlsoFrom, index: number) =>
    other.sourceName && sources.indexOf(other.sourceName) === index ? other.sourceName : excerpt(other.title, 6);
  return (
    <p class="also-from">
      <span>{text.alsoFrom}</span>
      {card.alsoFrom.slice(0, ALSO_FROM_SHOWN).map((other, index) => (
        <>
          {index > 0 ? text.listSeparator : null}
          <a href={articlePath(other.slug)} title={other.title} {...arabic}>
            {label(other, index)}
          </a>
        </>
      ))}
      <a class="story-link" href={storyPath(card.storyId)}>
        {text.theWholeStory}
      </a>
    </p>
  );
}

function excerpt(text: string, maxWords = 30): string {
  const words = text.split(' ');
  return words.length <= maxWords ? text : `${words.slice(0, maxWords).join(' ')}…`;
}

export function HomePage(props: {
  site: SiteChrome;
  latest: Card[];
  bySection: { section: { slug: string; name: string }; cards: Card[] }[];
  url: string;
}) {
  const { text, arabic } = usePresentation();
  const [lead, ...others] = props.latest;
  const description = props.site.description || text.homeDescription;
  const head = <PageMeta siteName={props.site.siteName} url={props.url} title={props.site.siteName} description={description} />;
  return (
    <Layout site={props.site} title={props.site.siteName} description={description} head={head}>
      <h1 class="visually-hidden">{props.site.siteName}</h1>
      <section aria-labelledby="latest-heading">
        <h2 id="latest-heading" class="section-heading">
          {text.latestNews}
        </h2>
        {lead ? <ArticleCard card={lead} lead /> : <p>{text.noArticlesYet}</p>}
        <div class="cards">
          {others.map((card) => (
            <ArticleCard card={card} />
          ))}
        </div>
      </section>
      {props.bySection.map(({ section, cards }) => (
        <section aria-labelledby={`section-${section.slug}`}>
          <h2 id={`section-${section.slug}`} class="section-heading">
            <a href={sectionPath(section.slug)} {...arabic}>
              {section.name}
            </a>
          </h2>
          <div class="cards">
            {cards.map((card) => (
              <ArticleCard card={card} />
            ))}
          </div>
          <p class="more">
            <a href={sectionPath(section.slug)}>{text.moreInSection(section.name)}</a>
          </p>
        </section>
      ))}
    </Layout>
  );
}

export function SectionPage(props: {
  site: SiteChrome;
  section: { slug: string; name: string };
  cards: Card[];
  page: number;
  pageCount: number;
  url: string;
}) {
  const { text, count, arabic } = usePresentation();
  const base = sectionPath(props.section.slug);
  const pageHref = (page: number) => (page === 1 ? base : `${base}?page=${page}`);
  const title = props.page > 1 ? text.titleWithPage(props.section.name, count(props.page)) : props.section.name;
  const description = text.sectionDescription(props.section.name);
  const head = (
    <>
      <PageMeta siteName={props.site.siteName} url={props.url} title={title} description={description} />
      <link rel="alternate" type="application/rss+xml" title={`${props.section.name} — ${props.site.siteName}`} href={`${base}/feed.xml`} />
    </>
  );
  return (
    <Layout site={props.site} title={title} description={description} head={head} currentSection={props.section.slug}>
      <h1 {...arabic}>{props.section.name}</h1>
      <FollowSlot kind="section" slug={props.section.slug} name={props.section.name} path={base} />
      {props.cards.length === 0 ? <p>{text.noArticlesInSection}</p> : null}
      <div class="cards">
        {props.cards.map((card) => (
          <ArticleCard card={card} />
        ))}
      </div>
      <Pagination page={props.page} pageCount={props.pageCount} href={pageHref} />
      <p class="more">
        <a href={`${base}/feed.xml`}>{text.sectionRss(props.section.name)}</a>
      </p>
    </Layout>
  );
}

const LINK_KINDS = { tag: tagPath, author: authorPath } as const;

/** A tag's or an author's articles, newest first, with the follow button that feeds "لك". */
export function LinkedArticlesPage(props: {
  site: SiteChrome;
  kind: 'tag' | 'author';
  target: { slug: string; name: string };
  cards: Card[];
  total: number;
  page: number;
  pageCount: number;
  url: string;
}) {
  const { text, count, arabic } = usePresentation();
  const base = LINK_KINDS[props.kind](props.target.slug);
  const pageHref = (page: number) => (page === 1 ? base : `${base}?page=${page}`);
  const title = props.page > 1 ? text.titleWithPage(props.target.name, count(props.page)) : props.target.name;
  const description = props.kind === 'tag' ? text.tagDescription(props.target.name) : text.authorDescription(props.target.name);
  return (
    <Layout site={props.site} title={title} description={description} head={<PageMeta siteName={props.site.siteName} url={props.url} title={title} description={description} />}>
      <header class="entity-header">
        <p class="kicker">{props.kind === 'tag' ? text.tagKind : text.authorKind}</p>
        <h1 {...arabic}>{props.target.name}</h1>
        <p class="entity-count">{text.articleCount(props.total, count(props.total))}</p>
        <FollowSlot kind={props.kind} slug={props.target.slug} name={props.target.name} path={base} />
      </header>
      {props.cards.length === 0 ? <p>{props.kind === 'tag' ? text.noArticlesWithTag : text.noArticlesByAuthor}</p> : null}
      <div class="cards">
        {props.cards.map((card) => (
          <ArticleCard card={card} />
        ))}
      </div>
      <Pagination page={props.page} pageCount={props.pageCount} href={pageHref} />
    </Layout>
  );
}

/** JSON-LD for search engines; "<" is escaped so no text in the article can close the script element. */
function newsArticleJsonLd(article: ArticleView, site: SiteChrome, url: string): string {
  const logo = site.logo ? { '@type': 'ImageObject', url: new URL(`/media/${site.logo.mediaId}/480.jpeg`, url).href } : undefined;
  return JSON.stringify({
    '@context': 'https://schema.org',
    '@type': 'NewsArticle',
    headline: article.title,
    description: article.subtitle ?? undefined,
    datePublished: article.publishedAt ?? undefined,
    dateModified: article.updatedAt,
    inLanguage: 'ar',
    articleSection: article.section?.name,
    author: article.relations.authors.map((author) => ({
      '@type': 'Person',
      name: author.name,
      image: author.photoMediaId ? new URL(`/media/${author.photoMediaId}/480.jpeg`, url).href : undefined,
    })),
    keywords: article.relations.tags.map((tag) => tag.name).join(', ') || undefined,
    mainEntityOfPage: url,
    publisher: { '@type': 'Organization', name: site.siteName, logo },
  }).replace(/</g, '\\u003c');
}

export function ArticlePage({ site, article, context, url }: { site: SiteChrome; article: ArticleView; context?: ArticleContext; url: string }) {
  const { text, arabic, chrome } = usePresentation();
  const { authors } = article.relations;
  const description = article.subtitle ?? excerpt(article.paragraphs[0] ?? '', 40);
  const head = (
    <>
      <PageMeta siteName={site.siteName} url={url} title={article.title} description={description} type="article" />
      {article.publishedAt ? <meta property="article:published_time" content={article.publishedAt} /> : null}
      <meta property="article:modified_time" content={article.updatedAt} />
      {article.section ? <meta property="article:section" content={article.section.name} /> : null}
      <script type="application/ld+json" dangerouslySetInnerHTML={{ __html: newsArticleJsonLd(article, site, url) }} />
    </>
  );
  return (
    <Layout site={site} title={article.title} description={description} head={head}>
      <article class="article" lang="ar" dir="rtl">
        <header>
          {article.section ? (
            <a class="kicker" href={sectionPath(article.section.slug)}>
              {article.section.name}
            </a>
          ) : null}
          <h1>{article.title}</h1>
          {article.subtitle ? <p class="subtitle">{article.subtitle}</p> : null}
          <p class="byline">
            {authors.length ? (
              <span class="authors" {...arabic}>
                {authors.map((author, index) => (
                  <>
                    {index > 0 ? '، ' : null}
                    {author.photoMediaId ? (
                      <img class="author-photo" src={`/media/${author.photoMediaId}/480.webp`} alt="" width={40} height={40} loading="lazy" />
                    ) : null}
                    <a href={authorPath(author.slug)}>{author.name}</a>
                  </>
                ))}
              </span>
            ) : null}
            {article.publishedAt ? <PublishedDate iso={article.publishedAt} /> : null}
          </p>
          <SaveSlot slug={article.slug} path={articlePath(article.slug)} />
        </header>
        <div class="article-body">
          {article.bodyMarkdown !== null ? (
            <MarkdownBody markdown={article.bodyMarkdown} />
          ) : (
            // Numbered so "continue reading" can link to the paragraph where the reader stopped.
            article.paragraphs.map((paragraph, index) => <p id={`p${index + 1}`}>{paragraph}</p>)
          )}
        </div>
        {article.relations.tags.length ? (
          <ul class="tags" aria-label={text.tags}>
            {article.relations.tags.map((tag) => (
              <li>
                <a href={tagPath(tag.slug)}>{tag.name}</a>
              </li>
            ))}
          </ul>
        ) : null}
        {article.sourceName || article.sourceUrl ? (
          <p class="source">
            <span {...chrome}>{text.source}</span>{' '}
            {article.sourceUrl ? <a href={article.sourceUrl}>{article.sourceName ?? article.sourceUrl}</a> : article.sourceName}
          </p>
        ) : null}
      </article>
      {context ? <ArticleUnderstanding context={context} /> : null}
      {article.relations.relatedHeadlines.length ? (
        <aside class="related" aria-labelledby="related-heading">
          <h2 id="related-heading">{text.relatedHeadlines}</h2>
          <ul {...arabic}>
            {article.relations.relatedHeadlines.map((item) => (
              <li>
                {item.relatedSlug ? (
                  <a href={articlePath(item.relatedSlug)}>{item.headline}</a>
                ) : item.url ? (
                  <a href={item.url}>{item.headline}</a>
                ) : (
                  item.headline
                )}
              </li>
            ))}
          </ul>
        </aside>
      ) : null}
    </Layout>
  );
}
