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

export function ArticlePage({ site, article }: { site: SiteChrome; article: ArticleView }) {
  const authors = article.relations.authors.map((author) => author.name).join('، ');
  return (
    <Layout site={site} title={article.title} description={article.subtitle ?? excerpt(article.paragraphs[0] ?? '', 40)}>
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

export function NotFoundPage({ site }: { site: SiteChrome }) {
  return (
    <Layout site={site} title="الصفحة غير موجودة">
      <h1>الصفحة غير موجودة</h1>
      <p>لم نجد ما تبحث عنه. ربما نُقلت الصفحة أو حُذفت.</p>
      <p>
        <a href="/">العودة إلى الصفحة الرئيسية</a>
      </p>
    </Layout>
  );
}
