import type { Generated, Insertable, Selectable } from 'kysely';

/**
 * The Kysely view of the schema, shared by both engines.
 * Timestamps are ISO-8601 UTC strings ("2026-11-25T06:31:51.000Z") on both engines, so they sort and compare
 * the same way everywhere and no code needs to know which engine runs.
 */
export interface Database {
  sections: SectionsTable;
  articles: ArticlesTable;
  tags: TagsTable;
  article_tags: ArticleTagsTable;
  authors: AuthorsTable;
  article_authors: ArticleAuthorsTable;
  related_headlines: RelatedHeadlinesTable;
  page_cache: PageCacheTable;
  site_generation: SiteGenerationTable;
  jobs: JobsTable;
  newsletters: NewslettersTable;
  subscribers: SubscribersTable;
  subscriptions: SubscriptionsTable;
  newsletter_sends: NewsletterSendsTable;
  send_recipients: SendRecipientsTable;
  email_bounces: EmailBouncesTable;
  email_suppressions: EmailSuppressionsTable;
  entities: EntitiesTable;
  entity_forms: EntityFormsTable;
  article_entities: ArticleEntitiesTable;
  quotes: QuotesTable;
  article_stories: ArticleStoriesTable;
  story_keys: StoryKeysTable;
  story_centroids: StoryCentroidsTable;
  saved_articles: SavedArticlesTable;
  follows: FollowsTable;
  feed_mutes: FeedMutesTable;
  read_events: ReadEventsTable;
  article_read_counts: ArticleReadCountsTable;
  feed_preferences: FeedPreferencesTable;
  article_revisions: ArticleRevisionsTable;
  article_autosaves: ArticleAutosavesTable;
  audit_log: AuditLogTable;
  media: MediaTable;
  site_settings: SiteSettingsTable;
  import_runs: ImportRunsTable;
  import_failures: ImportFailuresTable;
  feed_sources: FeedSourcesTable;
  users: UsersTable;
  sessions: SessionsTable;
  account_tokens: AccountTokensTable;
  app_secrets: AppSecretsTable;
  rate_limits: RateLimitsTable;
}

export interface SectionsTable {
  id: string;
  slug: string;
  name: string;
  position: number;
  /** English name, for English-language feeds and the admin; null until an admin sets it. */
  name_en: Generated<string | null>;
}

export type ArticleStatus = 'draft' | 'scheduled' | 'published';

export interface ArticlesTable {
  id: string;
  slug: string;
  title: string;
  subtitle: string | null;
  /** JSON array of paragraph strings, in reading order. */
  paragraphs: string;
  section_id: string | null;
  language: string;
  status: ArticleStatus;
  source_name: string | null;
  source_url: string | null;
  content_hash: string;
  published_at: string | null;
  created_at: string;
  updated_at: string;
  /** Bumped by every editorial save; a save naming an older version is refused (optimistic locking). */
  version: Generated<number>;
  /** The body as the editor wrote it; null for imported articles, whose body is `paragraphs`. */
  body_markdown: Generated<string | null>;
  /** 1 when marked as breaking news ("عاجل"). */
  breaking: Generated<number>;
}

export interface TagsTable {
  id: string;
  slug: string;
  name: string;
}

export interface ArticleTagsTable {
  article_id: string;
  tag_id: string;
}

export interface AuthorsTable {
  id: string;
  slug: string;
  name: string;
  bio: Generated<string | null>;
  photo_media_id: Generated<string | null>;
}

export interface ArticleAuthorsTable {
  article_id: string;
  author_id: string;
  position: number;
}

/** A headline shown beside an article; points at an article of ours when we have it. */
export interface RelatedHeadlinesTable {
  id: string;
  article_id: string;
  position: number;
  headline: string;
  url: string | null;
  related_article_id: string | null;
}

/** A rendered page, valid while `generation` is the site's current one. */
export interface PageCacheTable {
  path: string;
  generation: number;
  last_modified: string;
  html: string;
}

/** One row (id 1): bumped by every change readers can see. */
export interface SiteGenerationTable {
  id: number;
  generation: number;
}

/** An article a reader saved to read later. */
export interface SavedArticlesTable {
  reader_id: string;
  article_id: string;
  saved_at: string;
}

/** What can be followed or muted; `source` and `article` can only be muted. */
export type TargetKind = 'section' | 'tag' | 'author' | 'entity' | 'source' | 'article';

/** A reader follows a section, tag, author or entity. */
export interface FollowsTable {
  reader_id: string;
  target_kind: TargetKind;
  target_id: string;
  created_at: string;
}

/** "Fewer like this" (fewer) or "hide" (hide) on a target, reversible from the account page. */
export interface FeedMutesTable {
  reader_id: string;
  target_kind: TargetKind;
  target_id: string;
  mode: 'fewer' | 'hide';
  created_at: string;
}

/** A signed-in reader opened an article or reported progress in it. */
export interface ReadEventsTable {
  reader_id: string;
  article_id: string;
  read_at: string;
  dwell_seconds: number;
  /** Index of the last paragraph seen, for "continue reading". */
  paragraph: number | null;
}

/** Reads of an article in one UTC hour ("2026-11-25T09"), by anyone: the only trace anonymous readers leave. */
export interface ArticleReadCountsTable {
  article_id: string;
  hour: string;
  reads: number;
}

/** Per-reader feed settings. */
export interface FeedPreferencesTable {
  reader_id: string;
  /** "for-you" (ranked) or "latest" (newest first, not personalized). */
  view: 'for-you' | 'latest';
  /** Reads before this moment are not learned from ("reset what was learned"). */
  learned_since: string | null;
  onboarded_at: string | null;
}

export type ArticleRow = Selectable<ArticlesTable>;
export type NewArticleRow = Insertable<ArticlesTable>;
export type SectionRow = Selectable<SectionsTable>;

export type JobStatus = 'pending' | 'running' | 'done' | 'failed' | 'cancelled';

/** Durable background work (src/jobs): claimed with a lease, retried with backoff. */
export interface JobsTable {
  id: string;
  kind: string;
  /** JSON object, validated by the job's schema when it runs. */
  payload: string;
  status: JobStatus;
  run_at: string;
  attempts: number;
  max_attempts: number;
  locked_by: string | null;
  locked_until: string | null;
  last_error: string | null;
  dedupe_key: string | null;
  created_at: string;
  updated_at: string;
  finished_at: string | null;
}

export type NewsletterCadence = 'manual' | 'daily' | 'weekly' | 'on_publish';
export type NewsletterContentRule = 'curated' | 'section_latest' | 'breaking' | 'personalized';

export interface NewslettersTable {
  id: string;
  slug: string;
  name: string;
  description: string;
  cadence: NewsletterCadence;
  send_time: string | null;
  send_weekday: number | null;
  time_zone: string | null;
  per_reader_time: number;
  content_rule: NewsletterContentRule;
  section_id: string | null;
  article_limit: number;
  sender_name: string;
  sender_address: string;
  reply_to: string | null;
  status: 'active' | 'archived';
  position: number;
  /** 1 for the default newsletter (at most one). */
  is_default: Generated<number>;
  created_at: string;
  updated_at: string;
}

export interface SubscribersTable {
  id: string;
  email: string;
  user_id: string | null;
  time_zone: string | null;
  created_at: string;
  updated_at: string;
}

export type SubscriptionStatus = 'unconfirmed' | 'confirmed' | 'unsubscribed';

export interface SubscriptionsTable {
  subscriber_id: string;
  newsletter_id: string;
  status: SubscriptionStatus;
  source: string;
  consented_at: string | null;
  confirmed_at: string | null;
  unsubscribed_at: string | null;
  unsubscribe_source: string | null;
  confirm_token_hash: string | null;
  confirm_expires_at: string | null;
  created_at: string;
  updated_at: string;
}

export type SendStatus = 'draft' | 'scheduled' | 'preparing' | 'sending' | 'sent' | 'paused' | 'failed' | 'cancelled';

export interface NewsletterSendsTable {
  id: string;
  newsletter_id: string;
  subject: string;
  preheader: string;
  /** JSON array of article ids, in the order the issue shows them. */
  article_ids: string;
  status: SendStatus;
  scheduled_at: string | null;
  dedupe_key: string | null;
  audience_time_zone: string | null;
  html: string | null;
  text_body: string | null;
  recipients_total: number;
  sent_count: number;
  failed_count: number;
  created_by: string | null;
  error: string | null;
  created_at: string;
  updated_at: string;
  started_at: string | null;
  finished_at: string | null;
}

export type RecipientStatus = 'pending' | 'sending' | 'sent' | 'failed' | 'skipped';

export interface SendRecipientsTable {
  send_id: string;
  subscriber_id: string;
  email: string;
  article_ids: string | null;
  status: RecipientStatus;
  attempts: number;
  next_attempt_at: string;
  locked_by: string | null;
  locked_until: string | null;
  message_id: string | null;
  response: string | null;
  error: string | null;
  sent_at: string | null;
}

export interface EmailBouncesTable {
  id: string;
  email: string;
  kind: 'hard' | 'soft' | 'complaint';
  status_code: string | null;
  diagnostic: string | null;
  send_id: string | null;
  received_at: string;
}

export interface EmailSuppressionsTable {
  email: string;
  reason: 'hard_bounce' | 'soft_bounces' | 'complaint' | 'manual';
  created_at: string;
}

/** A person, organisation or place named in articles (src/understanding). */
export interface EntitiesTable {
  id: string;
  slug: string;
  type: 'person' | 'organisation' | 'place';
  name: string;
  /** type + ":" + normalized canonical name. */
  key: string;
  created_at: string;
}

/** A normalized form ("person:الكاظمي") an entity was written in. */
export interface EntityFormsTable {
  form: string;
  entity_id: string;
}

export interface ArticleEntitiesTable {
  article_id: string;
  entity_id: string;
  mentions: number;
  position: number;
  /** The article's publication time (its creation time if it has none), for counting an entity's recent articles. */
  published_at: string;
}

/** A direct quote and the entity that said it. */
export interface QuotesTable {
  id: string;
  article_id: string;
  entity_id: string;
  text: string;
  position: number;
}

/** The story an understood article belongs to, and what clustering compares. */
export interface ArticleStoriesTable {
  article_id: string;
  story_id: string;
  duplicate_of: string | null;
  content_hash: string;
  published_at: string;
  /** MinHash of the article's word 3-grams, hex. */
  shingle_signature: string;
  /** The content stems of the article's lead (title, first paragraphs), sorted and space-separated. */
  word_signature: string;
}

/** A story's centroid: how many of its articles carry each lead stem and entity (JSON objects of counts), and when. */
export interface StoryCentroidsTable {
  story_id: string;
  articles: number;
  terms: string;
  entities: string;
  /** Sum of its articles' publication times in days since 1970. */
  days_sum: number;
}

/** A locality-sensitive key (MinHash band or entity) of an article, to find its story candidates. */
export interface StoryKeysTable {
  key: string;
  article_id: string;
  published_at: string;
}

export type NewSectionRow = Insertable<SectionsTable>;

/** The article's editable content as of one version, as JSON (see newsroom/article-content.ts). */
export interface ArticleRevisionsTable {
  id: string;
  article_id: string;
  version: number;
  content: string;
  note: string | null;
  actor_id: string | null;
  actor_name: string;
  created_at: string;
}

/** What an editor last typed into an article's form, kept until they save it (key "new" before it exists). */
export interface ArticleAutosavesTable {
  article_key: string;
  actor_id: string;
  base_version: number | null;
  content: string;
  saved_at: string;
}

/** Who did what, when, in the newsroom. */
export interface AuditLogTable {
  id: string;
  actor_id: string | null;
  actor_name: string;
  action: string;
  subject_type: string;
  subject_id: string | null;
  summary: string;
  created_at: string;
}

/** An uploaded image; its variants live in the media store under its id. */
export interface MediaTable {
  id: string;
  original_name: string;
  width: number;
  height: number;
  alt: string;
  caption: string | null;
  credit: string | null;
  actor_id: string | null;
  created_at: string;
}

export interface SiteSettingsTable {
  key: string;
  value: string;
}
export type Role = 'reader' | 'editor' | 'admin';

/** A reader account (src/accounts). `email` is normalized: trimmed, NFC, lower case. */
export interface UsersTable {
  id: string;
  email: string;
  email_verified_at: string | null;
  /** argon2id PHC string; null for an account that signs in only by emailed link. */
  password_hash: string | null;
  display_name: string | null;
  role: Generated<Role>;
  digits: Generated<'arab' | 'latn'>;
  date_style: Generated<'gregorian' | 'hijri' | 'both'>;
  language: Generated<'ar' | 'en'>;
  created_at: string;
  updated_at: string;
}

/** A signed-in browser. `id` is the SHA-256 of the cookie's token, never the token itself. */
export interface SessionsTable {
  id: string;
  user_id: string;
  created_at: string;
  last_seen_at: string;
  /** Absolute expiry; idle expiry is `last_seen_at` plus the idle limit. */
  expires_at: string;
  user_agent: string | null;
  ip: string | null;
}

export type AccountTokenPurpose = 'verify' | 'magic' | 'reset';

/** A one-time emailed token; `id` is its SHA-256. */
export interface AccountTokensTable {
  id: string;
  user_id: string;
  purpose: AccountTokenPurpose;
  created_at: string;
  expires_at: string;
  used_at: string | null;
}

/** Random secrets every web process shares (e.g. the CSRF key), created on first use. */
export interface AppSecretsTable {
  name: string;
  value: string;
  created_at: string;
}

/** Rate-limit counters shared by every process: `hits` within the window ending at `expires_at`. */
export interface RateLimitsTable {
  key: string;
  hits: number;
  expires_at: string;
}

export type UserRow = Selectable<UsersTable>;

/** One run of the importer: `sahifa import`, or an editor re-running a failed item. */
export interface ImportRunsTable {
  id: string;
  origin: 'cli' | 'retry' | 'feed';
  actor_name: string;
  started_at: string;
  finished_at: string;
  created: number;
  updated: number;
  unchanged: number;
  failed: number;
}

/** A file or feed item an import run could not import, until a re-run imports it (resolved_at). */
export interface ImportFailuresTable {
  id: string;
  run_id: string;
  location: string;
  reason: string;
  resolved_at: string | null;
  retried_at: string | null;
}

/** Another site's feed, polled by the worker every `interval_minutes`. */
export interface FeedSourcesTable {
  id: string;
  url: string;
  name: string;
  section_id: string | null;
  mode: 'review' | 'publish';
  interval_minutes: number;
  last_polled_at: string | null;
  last_error: string | null;
  created_at: string;
}
