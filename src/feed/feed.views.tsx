import type { ArticleListItem } from '../articles/article.repository.ts';
import { articlePath, sectionPath } from '../articles/slug.ts';
import { SaveButton } from '../saved/save-button.tsx';
import { CsrfField } from '../web/csrf-field.tsx';
import { type SiteChrome, Layout } from '../web/layout.tsx';
import type { Messages } from '../web/messages.ts';
import { usePresentation } from '../web/presentation.tsx';
import { PublishedDate } from '../web/published-date.tsx';
import type { FeedItem, Reason } from './feed.service.ts';
import type { Target } from './targets.ts';

/** The sentence under a card saying why it is there. */
export function reasonText(reason: Reason, text: Messages): string {
  switch (reason.kind) {
    case 'follow':
      return text.becauseYouFollow(reason.target.name);
    case 'learned':
      if (reason.target.kind === 'section') return text.becauseYouReadSection(reason.target.name);
      if (reason.target.kind === 'source') return text.becauseYouReadSource(reason.target.name);
      if (reason.target.kind === 'author') return text.becauseYouReadAuthor(reason.target.name);
      return text.becauseYouReadAbout(reason.target.name);
    case 'trending':
      return text.trendingNow;
    case 'fresh':
      return reason.section ? text.newInSection(reason.section.name) : text.fresh;
  }
}

/** "قسم: اقتصاد": what a follow or a mute is about, its kind in the reader's language. */
export function targetLabel(target: Target, text: Messages): string {
  return text.targetLabel(text.targetKinds[target.kind], target.name);
}

function excerpt(paragraphs: string, maxWords = 30): string {
  const words = ((JSON.parse(paragraphs) as string[])[0] ?? '').split(' ');
  return words.length <= maxWords ? words.join(' ') : `${words.slice(0, maxWords).join(' ')}…`;
}

/** A hidden-field form that posts one mute; the reader can undo it from the feed settings page. */
function MuteForm(props: { kind: Target['kind']; slug: string; mode: 'fewer' | 'hide'; label: string; csrfToken: string }) {
  return (
    <form method="post" action="/for-you/mute">
      <CsrfField token={props.csrfToken} />
      <input type="hidden" name="kind" value={props.kind} />
      <input type="hidden" name="slug" value={props.slug} />
      <input type="hidden" name="mode" value={props.mode} />
      <button type="submit" class="link-button">
        {props.label}
      </button>
    </form>
  );
}

function FeedCard({ item, csrfToken, saved }: { item: FeedItem; csrfToken: string | null; saved: boolean }) {
  const { article, reason } = item;
  const topic = reason.kind === 'follow' || reason.kind === 'learned' ? reason.target : null;
  const { text, arabic } = usePresentation();
  return (
    <article class="card feed-card">
      <p class="reason">{reasonText(reason, text)}</p>
      <h3 {...arabic}>
        <a href={articlePath(article.slug)}>{article.title}</a>
      </h3>
      <p class="card-excerpt" {...arabic}>
        {excerpt(article.paragraphs)}
      </p>
      {article.published_at ? <PublishedDate iso={article.published_at} /> : null}
      {csrfToken ? (
        <div class="card-actions">
          <SaveButton slug={article.slug} saved={saved} csrfToken={csrfToken} next="/for-you" />
          <details class="mute-menu">
            <summary>{text.lessLikeThis}</summary>
            <div class="mute-options">
              {topic && topic.kind !== 'section' ? (
                <>
                  <MuteForm kind={topic.kind} slug={topic.slug} mode="fewer" label={text.lessAbout(topic.name)} csrfToken={csrfToken} />
                  <MuteForm kind={topic.kind} slug={topic.slug} mode="hide" label={text.hideTopic(topic.name)} csrfToken={csrfToken} />
                </>
              ) : null}
              {article.section_slug && article.section_name ? (
                <>
                  <MuteForm kind="section" slug={article.section_slug} mode="fewer" label={text.lessFromSection(article.section_name)} csrfToken={csrfToken} />
                  <MuteForm kind="section" slug={article.section_slug} mode="hide" label={text.hideSection(article.section_name)} csrfToken={csrfToken} />
                </>
              ) : null}
              {item.source ? <MuteForm kind="source" slug={item.source} mode="hide" label={text.hideSource(item.source)} csrfToken={csrfToken} /> : null}
              <MuteForm kind="article" slug={article.slug} mode="hide" label={text.hideArticle} csrfToken={csrfToken} />
            </div>
          </details>
        </div>
      ) : null}
    </article>
  );
}

function LatestCard({ article, csrfToken, saved }: { article: ArticleListItem; csrfToken: string | null; saved: boolean }) {
  const { arabic } = usePresentation();
  return (
    <article class="card feed-card">
      {article.section_slug && article.section_name ? (
        <a class="kicker" href={sectionPath(article.section_slug)} {...arabic}>
          {article.section_name}
        </a>
      ) : null}
      <h3 {...arabic}>
        <a href={articlePath(article.slug)}>{article.title}</a>
      </h3>
      <p class="card-excerpt" {...arabic}>
        {excerpt(article.paragraphs)}
      </p>
      {article.published_at ? <PublishedDate iso={article.published_at} /> : null}
      {csrfToken ? (
        <div class="card-actions">
          <SaveButton slug={article.slug} saved={saved} csrfToken={csrfToken} next="/for-you?view=latest" />
        </div>
      ) : null}
    </article>
  );
}

export interface ForYouProps {
  site: SiteChrome;
  view: 'for-you' | 'latest';
  items: FeedItem[];
  latest: ArticleListItem[];
  personalized: boolean;
  signedIn: boolean;
  csrfToken: string | null;
  saved: Set<string>;
}

/** "لك": the ranked feed with reasons, or the latest articles; tabs switch between them at any time. */
export function ForYouPage(props: ForYouProps) {
  const { text } = usePresentation();
  return (
    <Layout site={props.site} title={text.forYou} description={text.forYouDescription}>
      <h1>{text.forYou}</h1>
      <nav class="view-tabs" aria-label={text.viewChoice}>
        <a href="/for-you" aria-current={props.view === 'for-you' ? 'page' : undefined}>
          {text.pickedForYou}
        </a>
        <a href="/for-you?view=latest" aria-current={props.view === 'latest' ? 'page' : undefined}>
          {text.latest}
        </a>
      </nav>
      {!props.signedIn ? (
        <p class="feed-note">
          {text.feedAnonymousBefore} <a href="/account/signup">{text.createYourAccount}</a> {text.feedAnonymousAfter}
        </p>
      ) : props.view === 'for-you' && !props.personalized ? (
        <p class="feed-note">
          {text.feedUnknownBefore} <a href="/onboarding">{text.feedUnknownLink}</a>
          {text.feedUnknownAfter}
        </p>
      ) : props.signedIn ? (
        <p class="feed-note">
          <a href="/account/feed">{text.feedSettingsLink}</a> · <a href="/account/history">{text.readingHistory}</a>
        </p>
      ) : null}
      {props.view === 'for-you' ? (
        props.items.length === 0 ? (
          <p>{text.nothingNewForYou}</p>
        ) : (
          <div class="cards">
            {props.items.map((item) => (
              <FeedCard item={item} csrfToken={props.csrfToken} saved={props.saved.has(item.article.id)} />
            ))}
          </div>
        )
      ) : (
        <div class="cards">
          {props.latest.map((article) => (
            <LatestCard article={article} csrfToken={props.csrfToken} saved={props.saved.has(article.id)} />
          ))}
        </div>
      )}
    </Layout>
  );
}

/** After sign-up: pick at least three topics to follow, or skip. */
export function OnboardingPage(props: { site: SiteChrome; topics: Target[]; minimum: number; csrfToken: string; error: string | null }) {
  const { text, count, arabic } = usePresentation();
  return (
    <Layout site={props.site} title={text.chooseWhatMatters}>
      <h1>{text.chooseWhatMatters}</h1>
      <p>{text.onboardingLede(count(props.minimum))}</p>
      {props.error ? (
        <p class="form-error" role="alert">
          {props.error}
        </p>
      ) : null}
      <form method="post" action="/onboarding" class="onboarding">
        <CsrfField token={props.csrfToken} />
        <fieldset>
          <legend>{text.topics}</legend>
          <ul class="topic-choices">
            {props.topics.map((topic) => (
              <li>
                <label>
                  <input type="checkbox" name="topic" value={`${topic.kind}:${topic.slug}`} /> <span {...arabic}>{topic.name}</span>
                </label>
              </li>
            ))}
          </ul>
        </fieldset>
        <p class="form-actions">
          <button type="submit">{text.followChosenTopics}</button>
          <button type="submit" name="skip" value="1" class="secondary">
            {text.skipForNow}
          </button>
        </p>
      </form>
    </Layout>
  );
}

export interface FeedSettingsProps {
  site: SiteChrome;
  csrfToken: string;
  follows: Target[];
  mutes: { target: Target; mode: 'fewer' | 'hide' }[];
  view: 'for-you' | 'latest';
  learnedSince: string | null;
}

function PostButton(props: { action: string; label: string; csrfToken: string; fields?: Record<string, string>; secondary?: boolean }) {
  return (
    <form method="post" action={props.action} class="inline-form">
      <CsrfField token={props.csrfToken} />
      {Object.entries(props.fields ?? {}).map(([name, value]) => (
        <input type="hidden" name={name} value={value} />
      ))}
      <button type="submit" class={props.secondary ? 'secondary' : undefined}>
        {props.label}
      </button>
    </form>
  );
}

/** The reader's feed settings (part of the account): follows, what was hidden or lowered, the default view, resets. */
export function FeedSettingsPage(props: FeedSettingsProps) {
  const { text } = usePresentation();
  return (
    <Layout site={props.site} title={text.feedSettingsTitle}>
      <h1>{text.feedSettingsTitle}</h1>
      <section aria-labelledby="follows-heading">
        <h2 id="follows-heading">{text.whatYouFollow}</h2>
        {props.follows.length === 0 ? (
          <p>
            {text.followNothingBefore} <a href="/onboarding">{text.chooseTopics}</a>.
          </p>
        ) : null}
        <ul class="settings-list">
          {props.follows.map((target) => (
            <li>
              <span>{targetLabel(target, text)}</span>
              <PostButton action="/follows/remove" label={text.unfollow} csrfToken={props.csrfToken} fields={{ kind: target.kind, slug: target.slug, next: '/account/feed' }} secondary />
            </li>
          ))}
        </ul>
      </section>
      <section aria-labelledby="mutes-heading">
        <h2 id="mutes-heading">{text.whatYouHid}</h2>
        {props.mutes.length === 0 ? <p>{text.nothingHidden}</p> : null}
        <ul class="settings-list">
          {props.mutes.map(({ target, mode }) => (
            <li>
              <span>
                {mode === 'hide' ? text.hiddenMark : text.fewerMark} — {targetLabel(target, text)}
              </span>
              <PostButton action="/for-you/unmute" label={text.undo} csrfToken={props.csrfToken} fields={{ kind: target.kind, slug: target.slug }} secondary />
            </li>
          ))}
        </ul>
      </section>
      <section aria-labelledby="view-heading">
        <h2 id="view-heading">{text.defaultView}</h2>
        <p>{props.view === 'latest' ? text.opensOnLatest : text.opensOnPicked}</p>
        <PostButton
          action="/account/feed/view"
          label={props.view === 'latest' ? text.showPicked : text.showLatest}
          csrfToken={props.csrfToken}
          fields={{ view: props.view === 'latest' ? 'for-you' : 'latest' }}
        />
      </section>
      <section aria-labelledby="learned-heading">
        <h2 id="learned-heading">{text.learnedHeading}</h2>
        <p>{text.learnedExplanation(props.learnedSince !== null)}</p>
        <PostButton action="/account/feed/reset" label={text.forgetLearning} csrfToken={props.csrfToken} />
        <p>
          <a href="/account/history">{text.readingHistory}</a> · <a href="/saved">{text.savedArticles}</a>
        </p>
      </section>
    </Layout>
  );
}

/** What the reader read, newest first, with a button to clear it all. */
export function HistoryPage(props: {
  site: SiteChrome;
  csrfToken: string;
  items: { slug: string; title: string; section_name: string | null; last_read_at: string }[];
}) {
  const { text, arabic } = usePresentation();
  return (
    <Layout site={props.site} title={text.readingHistory}>
      <h1>{text.readingHistory}</h1>
      <p>{text.historyExplanation}</p>
      {props.items.length === 0 ? (
        <p>{text.historyEmpty}</p>
      ) : (
        <>
          <ol class="history">
            {props.items.map((item) => (
              <li>
                <a href={articlePath(item.slug)} {...arabic}>
                  {item.title}
                </a>
                {item.section_name ? (
                  <span class="muted">
                    {' — '}
                    <span {...arabic}>{item.section_name}</span>
                  </span>
                ) : null}{' '}
                <PublishedDate iso={item.last_read_at} />
              </li>
            ))}
          </ol>
          <PostButton action="/account/history/clear" label={text.clearHistory} csrfToken={props.csrfToken} />
        </>
      )}
    </Layout>
  );
}
