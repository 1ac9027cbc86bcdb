import { type SiteChrome, Layout } from '../web/layout.tsx';
import { PublishedDate } from '../web/published-date.tsx';
import type { ArticleRelations, ArticleListItem } from './article.repository.ts';
import { articlePath, sectionPath } from './slug.ts';

export interface ArticleView {
  slug: string;
  title: string;
  subtitle: string | null;
  paragraphs: string[];
  publishedAt: string | null;
  updatedAt: string;
  section: { slug: string; name: string } | null;
  sourceName: string | null;
  sourceUrl: string | null;
  relations: ArticleRelations;
}

function ArticleCard({ item }: { item: ArticleListItem }) {
  const firstParagraph = (JSON.parse(item.paragraphs) as string[])[0] ?? '';
  return (
    <article class="card">
      <h3>
        <a href={articlePath(item.slug)}>{item.title}</a>
      </h3>
      {item.subtitle ? <p class="card-subtitle">{item.subtitle}</p> : null}
      <p class="card-excerpt">{excerpt(firstParagraph)}</p>
      {item.published_at ? <PublishedDate iso={item.published_at} /> : null}
    </article>
  );
}

function excerpt(text: string, maxWords = 30): string {
  const words = text.split(' ');
  return words.length <= maxWords ? text : `${words.slice(0, maxWords).join(' ')}…`;
}

export function HomePage(props: {
  site: SiteChrome;
  latest: ArticleListItem[];
  bySection: { section: { slug: string; name: string }; articles: ArticleListItem[] }[];
}) {
  return (
    <Layout site={props.site} title={props.site.siteName} description="آخر الأخبار">
      <section aria-labelledby="latest-heading">
        <h2 id="latest-heading">آخر الأخبار</h2>
        {props.latest.length === 0 ? <p>لا توجد مقالات بعد.</p> : null}
        <div class="cards">
          {props.latest.map((item) => (
            <ArticleCard item={item} />
          ))}
        </div>
      </section>
      {props.bySection.map(({ section, articles }) => (
        <section aria-labelledby={`section-${section.slug}`}>
          <h2 id={`section-${section.slug}`}>
            <a href={sectionPath(section.slug)}>{section.name}</a>
          </h2>
          <div class="cards">
            {articles.map((item) => (
              <ArticleCard item={item} />
            ))}
          </div>
        </section>
      ))}
    </Layout>
  );
}

export function SectionPage(props: {
  site: SiteChrome;
  section: { slug: string; name: string };
  articles: ArticleListItem[];
  page: number;
  pageCount: number;
}) {
  const base = sectionPath(props.section.slug);
  return (
    <Layout site={props.site} title={props.section.name}>
      <h1>{props.section.name}</h1>
      {props.articles.length === 0 ? <p>لا توجد مقالات في هذا القسم بعد.</p> : null}
      <div class="cards">
        {props.articles.map((item) => (
          <ArticleCard item={item} />
        ))}
      </div>
      {props.pageCount > 1 ? (
        <nav class="pagination" aria-label="الصفحات">
          {props.page > 1 ? (
            <a rel="prev" href={props.page === 2 ? base : `${base}?page=${props.page - 1}`}>
              الصفحة السابقة
            </a>
          ) : null}
          <span>
            صفحة {props.page} من {props.pageCount}
          </span>
          {props.page < props.pageCount ? (
            <a rel="next" href={`${base}?page=${props.page + 1}`}>
              الصفحة التالية
            </a>
          ) : null}
        </nav>
      ) : null}
    </Layout>
  );
}

/** JSON-LD for search engines; "<" is escaped so no text in the article can close the script element. */
function newsArticleJsonLd(article: ArticleView, siteName: string, url: string): string {
  return JSON.stringify({
    '@context': 'https://schema.org',
    '@type': 'NewsArticle',
    headline: article.title,
    description: article.subtitle ?? undefined,
    datePublished: article.publishedAt ?? undefined,
    dateModified: article.updatedAt,
    inLanguage: 'ar',
    articleSection: article.section?.name,
    author: article.relations.authors.map((author) => ({ '@type': 'Person', name: author.name })),
    keywords: article.relations.tags.map((tag) => tag.name).join(', ') || undefined,
    mainEntityOfPage: url,
    publisher: { '@type': 'Organization', name: siteName },
  }).replace(/</g, '\\u003c');
}

export function ArticlePage({ site, article, url }: { site: SiteChrome; article: ArticleView; url: string }) {
  const authors = article.relations.authors.map((author) => author.name).join('، ');
  const description = article.subtitle ?? excerpt(article.paragraphs[0] ?? '', 40);
  const head = (
    <>
      <link rel="canonical" href={url} />
      <meta property="og:type" content="article" />
      <meta property="og:site_name" content={site.siteName} />
      <meta property="og:title" content={article.title} />
      <meta property="og:description" content={description} />
      <meta property="og:url" content={url} />
      <meta property="og:locale" content="ar_AR" />
      {article.publishedAt ? <meta property="article:published_time" content={article.publishedAt} /> : null}
      <meta property="article:modified_time" content={article.updatedAt} />
      {article.section ? <meta property="article:section" content={article.section.name} /> : null}
      <meta name="twitter:card" content="summary" />
      <script type="application/ld+json" dangerouslySetInnerHTML={{ __html: newsArticleJsonLd(article, site.siteName, url) }} />
    </>
  );
  return (
    <Layout site={site} title={article.title} description={description} head={head}>
      <article class="article" lang="ar">
        <header>
          {article.section ? (
            <a class="kicker" href={sectionPath(article.section.slug)}>
              {article.section.name}
            </a>
          ) : null}
          <h1>{article.title}</h1>
          {article.subtitle ? <p class="subtitle">{article.subtitle}</p> : null}
          <p class="byline">
            {authors ? <span class="authors">{authors}</span> : null}
            {article.publishedAt ? <PublishedDate iso={article.publishedAt} /> : null}
          </p>
        </header>
        <div class="article-body">
          {article.paragraphs.map((paragraph) => (
            <p>{paragraph}</p>
          ))}
        </div>
        {article.relations.tags.length ? (
          <ul class="tags" aria-label="الوسوم">
            {article.relations.tags.map((tag) => (
              <li>{tag.name}</li>
            ))}
          </ul>
        ) : null}
        {article.sourceName || article.sourceUrl ? (
          <p class="source">
            المصدر:{' '}
            {article.sourceUrl ? <a href={article.sourceUrl}>{article.sourceName ?? article.sourceUrl}</a> : article.sourceName}
          </p>
        ) : null}
      </article>
      {article.relations.relatedHeadlines.length ? (
        <aside class="related" aria-labelledby="related-heading">
          <h2 id="related-heading">عناوين ذات صلة</h2>
          <ul>
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
