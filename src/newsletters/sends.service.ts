import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import { articleRepository, type ArticleListItem } from '../articles/article.repository.ts';
import { articlePath } from '../articles/slug.ts';
import type { NewsletterConfig } from '../config.ts';
import { buildFeed } from '../feed/feed.service.ts';
import type { Database } from '../db/schema.ts';
import { enqueueJob } from '../jobs/job.ts';
import { invalidInput, notFound, SahifaError } from '../lib/errors.ts';
import { isSahifaError } from '../lib/errors.ts';
import type { BulkMailer } from '../mail/bulk-mailer.ts';
import type { MailDeliveryError, MailMessage } from '../mail/mailer.ts';
import { type IssueArticle, personalize, type RenderedIssue, renderIssue } from './issue-email.ts';
import { type NewsletterRow, newsletterRepository } from './newsletter.repository.ts';
import { BREAKING_NEWSLETTER_SLUG, type NewsletterDeps } from './newsletters.service.ts';
import { deliverSendJob, prepareSendJob } from '../jobs/send-newsletter.job.ts';
import { type RecipientRow, type SendRow, sendRepository } from './send.repository.ts';
import { dueOccasion } from './schedule.ts';
import { type SentRecorder, sentRecorder } from './sent-recorder.ts';
import { type BatchLease, holdBatchLease } from './batch-lease.ts';
import { bounceLocalPart, unsubscribeToken } from './tokens.ts';
import { loadSiteName } from '../web/site-chrome.ts';

/** What sending needs beyond the subscription rules: the delivery settings and the worker's bulk mailer. */
export interface SendDeps extends NewsletterDeps {
  settings: NewsletterConfig;
  /** One per worker process (one SMTP pool), shared by its lanes. */
  bulkMailer: BulkMailer;
}

/** Breaking alerts: at most one per reader in this window (a frequency cap), however many stories break. */
const BREAKING_CAP_MS = 60 * 60 * 1000;
/** A lane that would wait longer than this for retries or other workers' leases frees its slot and comes back. */
const COME_BACK_AFTER_MS = 5000;

export interface NewIssue {
  newsletterId: string;
  subject?: string;
  preheader?: string;
  /** The articles, in order; chosen by the newsletter's content rule when absent. */
  articleIds?: string[];
  createdBy?: string | null;
  /** One send per occasion: a second request with the key returns the first send. */
  dedupeKey?: string;
  audienceTimeZone?: string | null;
  /** The moment the rule picks articles for (default now). */
  now?: Date;
}

/** How far back a scheduled issue looks for articles: a day's digest shows that day's news, a weekly the week's. */
const CADENCE_WINDOW_MS: Partial<Record<NewsletterRow['cadence'], number>> = { daily: 24 * 3600 * 1000, weekly: 7 * 24 * 3600 * 1000 };

/** The articles a newsletter's rule picks at `now`, newest first; never more than its article limit. */
async function pickArticles(db: Kysely<Database>, newsletter: NewsletterRow, now: Date): Promise<ArticleListItem[]> {
  const articles = articleRepository(db);
  const latest = await articles.listPublished({ ...(newsletter.section_id ? { sectionId: newsletter.section_id } : {}), limit: newsletter.article_limit * 3 });
  const window = CADENCE_WINDOW_MS[newsletter.cadence];
  const since = window ? new Date(now.getTime() - window).toISOString() : null;
  const until = now.toISOString();
  const fresh = latest.filter((article) => (article.published_at ?? '') <= until && (!since || (article.published_at ?? '') > since));
  return fresh.slice(0, newsletter.article_limit);
}

/**
 * Creates a draft issue of a newsletter. Articles come from the caller (editor-curated, a breaking story) or
 * from the newsletter's rule (latest of its section since its previous issue). An issue is never empty:
 * with no articles it throws NO_ARTICLES.
 */
export async function createIssue(db: Kysely<Database>, input: NewIssue): Promise<{ send: SendRow; created: boolean }> {
  const newsletter = await newsletterRepository(db).findNewsletter(input.newsletterId);
  if (!newsletter) throw notFound('newsletter');
  if (newsletter.status !== 'active') throw invalidInput(`newsletter ${newsletter.slug} is archived`);
  let articles: ArticleListItem[];
  if (input.articleIds?.length) {
    const found = await articleRepository(db).listPublishedByIds(input.articleIds);
    const missing = input.articleIds.filter((id) => !found.some((article) => article.id === id));
    if (missing.length) throw invalidInput(`articleIds: not published: ${missing.join(', ')}`);
    articles = input.articleIds.map((id) => found.find((article) => article.id === id)!);
  } else if (newsletter.content_rule === 'curated' || newsletter.content_rule === 'breaking') {
    throw invalidInput(`articleIds: ${newsletter.slug} sends the articles an editor chooses`);
  } else {
    articles = await pickArticles(db, newsletter, input.now ?? new Date());
  }
  if (!articles.length) throw new SahifaError('NO_ARTICLES', `nothing new to send in ${newsletter.slug}`, 409);
  const first = articles[0]!;
  const breaking = newsletter.content_rule === 'breaking';
  const now = new Date().toISOString();
  return sendRepository(db).insertSend({
    id: randomUUID(),
    newsletter_id: newsletter.id,
    subject: input.subject?.trim() || (breaking ? `عاجل: ${first.title}` : `${newsletter.name}: ${first.title}`),
    preheader:
      input.preheader?.trim() ||
      (breaking ? (first.subtitle ?? first.title) : articles.slice(breaking ? 0 : 1, 4).map((article) => article.title).join(' · ') || first.title),
    article_ids: JSON.stringify(articles.map((article) => article.id)),
    status: 'draft',
    recipients_total: 0,
    sent_count: 0,
    failed_count: 0,
    dedupe_key: input.dedupeKey ?? null,
    audience_time_zone: input.audienceTimeZone ?? null,
    created_by: input.createdBy ?? null,
    created_at: now,
    updated_at: now,
  });
}

/**
 * Schedules a draft (now, or at `at`): the send job freezes the audience and starts delivery at that time. The
 * job is enqueued in the same transaction, so a scheduled send always has its job.
 */
export async function scheduleIssue(db: Kysely<Database>, sendId: string, at: Date = new Date()): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const now = new Date().toISOString();
    const moved = await sendRepository(trx).transition(sendId, ['draft'], 'scheduled', { scheduled_at: at.toISOString(), updated_at: now });
    if (!moved) throw new SahifaError('SEND_NOT_DRAFT', 'only a draft can be scheduled', 409);
    await enqueueJob(trx, prepareSendJob, { sendId }, { runAt: at, dedupeKey: `newsletters.send:${sendId}` });
  });
}

/**
 * Sends the "عاجل" alert for a breaking article now: one send per article however often it is called (the
 * newsroom calls it when an editor marks an article as breaking). Readers who got an alert in the past hour are
 * left out of this one. Returns null when the breaking newsletter is archived.
 */
export async function enqueueBreakingNews(db: Kysely<Database>, articleId: string): Promise<SendRow | null> {
  const newsletter = await newsletterRepository(db).findNewsletterBySlug(BREAKING_NEWSLETTER_SLUG);
  if (!newsletter || newsletter.status !== 'active') return null;
  const { send, created } = await createIssue(db, { newsletterId: newsletter.id, articleIds: [articleId], dedupeKey: `breaking:${articleId}` });
  if (created) await scheduleIssue(db, send.id);
  return send;
}

/** Renders an issue from its articles (only those still published), for sending, the preview and tests. */
export async function renderSendIssue(deps: Pick<NewsletterDeps, 'db' | 'siteName' | 'siteUrl'>, send: SendRow): Promise<RenderedIssue | null> {
  const newsletter = await newsletterRepository(deps.db).findNewsletter(send.newsletter_id);
  if (!newsletter) throw notFound('newsletter');
  const ids = JSON.parse(send.article_ids) as string[];
  const found = await articleRepository(deps.db).listPublishedByIds(ids);
  const articles: IssueArticle[] = ids
    .map((id) => found.find((article) => article.id === id))
    .filter((article) => article !== undefined)
    .map((article) => ({
      title: article.title,
      subtitle: article.subtitle,
      url: `${deps.siteUrl}${articlePath(article.slug)}`,
      sectionName: article.section_name,
    }));
  if (!articles.length) return null;
  const siteName = await loadSiteName(deps.db, deps.siteName);
  return renderIssue({
    siteName,
    siteUrl: deps.siteUrl,
    newsletterName: newsletter.name,
    newsletterDescription: `وصلتك هذه الرسالة لأنك مشترك في «${newsletter.name}» من ${siteName}. ${newsletter.description}`,
    subject: send.subject,
    preheader: send.preheader,
    breaking: newsletter.content_rule === 'breaking',
    articles,
    webViewUrl: `${deps.siteUrl}/newsletters/view/${send.id}`,
    manageUrl: `${deps.siteUrl}/newsletters`,
  });
}

/**
 * Freezes a scheduled send: renders the issue once, writes one pending row per recipient, marks the send
 * `sending` and enqueues its delivery jobs — all in one transaction, before any mail leaves. Running it again
 * (a crash, a retry) changes nothing. An issue whose articles were all unpublished meanwhile is cancelled.
 */
export async function prepareSend(deps: SendDeps, sendId: string): Promise<SendRow['status']> {
  const sends = sendRepository(deps.db);
  const send = await sends.findSend(sendId);
  if (!send) throw notFound('send');
  if (send.status !== 'scheduled') return send.status;
  const issue = await renderSendIssue(deps, send);
  const now = new Date();
  if (!issue) {
    await sends.transition(sendId, ['scheduled'], 'cancelled', { error: 'no published article left in this issue', finished_at: now.toISOString(), updated_at: now.toISOString() });
    return 'cancelled';
  }
  const newsletter = (await newsletterRepository(deps.db).findNewsletter(send.newsletter_id))!;
  return deps.db.transaction().execute(async (trx) => {
    const repository = sendRepository(trx);
    const total = await repository.materializeRecipients({
      sendId,
      newsletterId: send.newsletter_id,
      now: now.toISOString(),
      timeZone: send.audience_time_zone
        ? { zone: send.audience_time_zone, includeUnset: send.audience_time_zone === (newsletter.time_zone ?? deps.settings.timeZone) }
        : null,
      notSentToSince: newsletter.content_rule === 'breaking' ? new Date(now.getTime() - BREAKING_CAP_MS).toISOString() : null,
    });
    const moved = await repository.transition(sendId, ['scheduled'], 'sending', {
      html: issue.html,
      text_body: issue.text,
      recipients_total: total,
      started_at: now.toISOString(),
      updated_at: now.toISOString(),
    });
    if (!moved) return (await repository.findSend(sendId))!.status;
    await enqueueDeliveryLanes(trx, sendId, deps.settings.lanes, 'start');
    return 'sending';
  });
}

async function enqueueDeliveryLanes(db: Kysely<Database>, sendId: string, lanes: number, round: string): Promise<void> {
  for (let lane = 0; lane < lanes; lane++) {
    await enqueueJob(db, deliverSendJob, { sendId }, { dedupeKey: `newsletters.deliver:${sendId}:${round}:${lane}` });
  }
}

/**
 * Creates and schedules the daily and weekly issues due now: one per newsletter, local date and zone (the
 * site's zone, plus each zone its readers chose when the newsletter goes out at the reader's local time). Run every
 * minute by the `newsletters.plan` job; a second run finds the issues already made (dedupe key). Returns the sends
 * scheduled by this run.
 */
export async function planScheduledIssues(deps: SendDeps, now: Date = new Date()): Promise<SendRow[]> {
  const scheduled: SendRow[] = [];
  const repository = newsletterRepository(deps.db);
  for (const newsletter of await repository.listNewsletters('active')) {
    if (newsletter.cadence !== 'daily' && newsletter.cadence !== 'weekly') continue;
    // No issue for nobody: a newsletter without confirmed readers makes no sends.
    if ((await repository.countByStatus(newsletter.id)).confirmed === 0) continue;
    const siteZone = newsletter.time_zone ?? deps.settings.timeZone;
    const zones = newsletter.per_reader_time
      ? [...new Set([siteZone, ...(await repository.subscriberZones(newsletter.id)).map((zone) => zone ?? siteZone)])]
      : [siteZone];
    for (const zone of zones) {
      const occasion = dueOccasion(newsletter, zone, now);
      if (!occasion) continue;
      try {
        const { send, created } = await createIssue(deps.db, {
          newsletterId: newsletter.id,
          dedupeKey: `${newsletter.slug}:${occasion}:${zone}`,
          audienceTimeZone: newsletter.per_reader_time ? zone : null,
          now,
        });
        if (created) {
          await scheduleIssue(deps.db, send.id, now);
          scheduled.push(send);
        }
      } catch (error) {
        // Nothing new to send: no issue today (never an empty one); looked at again next minute.
        if (!isSahifaError(error, 'NO_ARTICLES')) throw error;
      }
    }
  }
  return scheduled;
}

/** Stops a sending (or scheduled) send between batches; messages in flight finish. */
export async function pauseSend(db: Kysely<Database>, sendId: string): Promise<void> {
  const moved = await sendRepository(db).transition(sendId, ['sending', 'scheduled'], 'paused', { updated_at: new Date().toISOString() });
  if (!moved) throw new SahifaError('SEND_NOT_RUNNING', 'only a sending or scheduled send can be paused', 409);
}

/** Continues a paused send where it stopped (a send paused before it started is scheduled again). */
export async function resumeSend(db: Kysely<Database>, sendId: string, lanes: number): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const repository = sendRepository(trx);
    const send = await repository.findSend(sendId);
    const now = new Date().toISOString();
    const target = send?.started_at ? 'sending' : 'scheduled';
    if (!send || !(await repository.transition(sendId, ['paused'], target, { error: null, updated_at: now }))) {
      throw new SahifaError('SEND_NOT_PAUSED', 'only a paused send can be resumed', 409);
    }
    if (target === 'sending') await enqueueDeliveryLanes(trx, sendId, lanes, `resume-${now}`);
    else await enqueueJob(trx, prepareSendJob, { sendId }, { dedupeKey: `newsletters.send:${sendId}:resume-${now}` });
  });
}

/** Cancels a send that has not finished; recipients not yet sent to get nothing. */
export async function cancelSend(db: Kysely<Database>, sendId: string): Promise<void> {
  const now = new Date().toISOString();
  const moved = await sendRepository(db).transition(sendId, ['draft', 'scheduled', 'sending', 'paused'], 'cancelled', { finished_at: now, updated_at: now });
  if (!moved) throw new SahifaError('SEND_FINISHED', 'this send has already finished', 409);
}

export interface DeliveryRun {
  workerId: string;
  leaseMs: number;
  signal: AbortSignal;
}

const encodedWord = (text: string) => (/^[\x20-\x7e]*$/.test(text) ? `"${text.replace(/["\\]/g, '')}"` : `=?UTF-8?B?${Buffer.from(text).toString('base64')}?=`);

/** The message one recipient gets: their copy of the issue and the list headers that name them. */
export function recipientMessage(
  deps: SendDeps,
  send: SendRow,
  newsletter: NewsletterRow,
  issue: RenderedIssue,
  recipient: Pick<RecipientRow, 'subscriber_id' | 'email'>,
): MailMessage & { to: string } {
  const host = new URL(deps.siteUrl).hostname;
  const token = unsubscribeToken(deps.secret, recipient.subscriber_id, newsletter.id);
  const unsubscribeUrl = `${deps.siteUrl}/unsubscribe/${token}`;
  const copy = personalize(issue, unsubscribeUrl);
  const domain = deps.settings.bounceDomain;
  // Prepared (sent as written, never folded) so a DKIM signature over them stays valid; all ASCII.
  const prepared = (value: string) => ({ prepared: true as const, value });
  return {
    to: recipient.email,
    from: `"${newsletter.sender_name.replace(/["\\]/g, '')}" <${newsletter.sender_address}>`,
    ...(newsletter.reply_to ? { replyTo: newsletter.reply_to } : {}),
    subject: send.subject,
    text: copy.text,
    html: copy.html,
    messageId: `<${send.id}.${recipient.subscriber_id}@${host}>`,
    textEncoding: 'base64',
    envelopeFrom: `${bounceLocalPart(deps.secret, recipient.subscriber_id)}@${domain}`,
    headers: {
      'List-Id': prepared(`${encodedWord(newsletter.name)} <${newsletter.slug}.newsletters.${host}>`),
      'List-Unsubscribe': prepared(`<${unsubscribeUrl}>, <mailto:unsubscribe@${domain}?subject=unsubscribe%20${token}>`),
      'List-Unsubscribe-Post': prepared('List-Unsubscribe=One-Click'),
      'Feedback-ID': prepared(`${send.id.slice(0, 8)}:${newsletter.slug}:newsletter:sahifa`),
      'Precedence': prepared('bulk'),
    },
  };
}

/**
 * Delivers a send's recipients until none is left, claiming them in batches. Each message is recorded right
 * after the server's 250 answer, by the next write (sent-recorder.ts), so a crash resends at most the messages
 * that were accepted but not yet recorded (CONTEXT.md, "the duplicate window"). Several lanes (jobs, in any worker process) run this
 * side by side; claims keep them apart. Returns when the send is done, paused or cancelled, when the worker
 * stops, or — with `runAgainAt` — when what is left must wait (retries, other workers' leases).
 */
export async function deliverSend(deps: SendDeps, sendId: string, run: DeliveryRun): Promise<{ runAgainAt?: Date }> {
  const sends = sendRepository(deps.db);
  const send = await sends.findSend(sendId);
  if (!send || send.status !== 'sending' || !send.html || !send.text_body) return {};
  const newsletter = await newsletterRepository(deps.db).findNewsletter(send.newsletter_id);
  if (!newsletter) return {};
  const shared: RenderedIssue = { html: send.html, text: send.text_body };
  // «نشرتك»: each reader with an account gets their own feed's articles, rendered for them; others the shared issue.
  const issueFor = newsletter.content_rule === 'personalized' ? (row: RecipientRow) => personalIssue(deps, send, newsletter, row, run.workerId, shared) : async () => shared;
  const stats = { attempted: 0, permanent: 0 };
  const recorder = sentRecorder((messages) => sends.recordSent(sendId, run.workerId, messages));
  for (;;) {
    if (run.signal.aborted) return {};
    // An editor may pause or cancel at any time; it takes effect at the next batch.
    if ((await sends.sendStatus(sendId)) !== 'sending') return {};
    const heldUntil = Date.now() + run.leaseMs;
    const batch = await sends.claimRecipients({ sendId, workerId: run.workerId, now: new Date().toISOString(), leaseUntil: new Date(heldUntil).toISOString(), limit: deps.settings.batchSize });
    if (!batch.length) {
      const left = await sends.unfinished(sendId);
      if (!left.retryAt && !left.leaseEndsAt) {
        await finishSend(deps.db, sendId);
        return {};
      }
      // A retry due soon is waited for here; anything later, or rows another worker is sending, is looked at
      // again once due (then the rows of a worker that died are claimable, or the send is finished).
      const retryIn = left.retryAt ? Date.parse(left.retryAt) - Date.now() : Infinity;
      if (retryIn <= COME_BACK_AFTER_MS) {
        await sleep(Math.max(retryIn, 20), run.signal);
        continue;
      }
      return { runAgainAt: new Date(Math.min(retryIn === Infinity ? Infinity : Date.parse(left.retryAt!), left.leaseEndsAt ? Date.parse(left.leaseEndsAt) : Infinity)) };
    }
    const lease = holdBatchLease({
      subscriberIds: batch.map((row) => row.subscriber_id),
      heldUntil,
      leaseMs: run.leaseMs,
      renew: (leaseUntil, now) => sends.renewRecipientLeases(sendId, run.workerId, leaseUntil, now),
    });
    let outcomes: Outcome[];
    try {
      const unreachable = await sends.noLongerReachable(newsletter.id, batch.map((row) => ({ subscriberId: row.subscriber_id, email: row.email })));
      outcomes = await eachInFlight(batch, MESSAGES_IN_FLIGHT_PER_LANE, (row) =>
        unreachable.has(row.subscriber_id)
          ? sends.recordRecipient(sendId, row.subscriber_id, run.workerId, { status: 'skipped', error: 'unsubscribed or suppressed since the audience was frozen' }).then(() => 'skipped' as const)
          : issueFor(row).then((issue) => deliverOne(deps, send, newsletter, issue, row, run.workerId, recorder, lease)),
      );
    } finally {
      lease.end();
    }
    stats.attempted += outcomes.filter((outcome) => outcome !== 'skipped' && outcome !== 'withheld').length;
    stats.permanent += outcomes.filter((outcome) => outcome === 'permanent').length;
    // Many refusals hurt the sender's reputation with every provider: stop and let an editor look.
    if (stats.attempted >= 100 && stats.permanent / stats.attempted > 0.2) {
      await sends.transition(sendId, ['sending'], 'paused', { error: `paused: ${stats.permanent} of ${stats.attempted} messages were refused for good`, updated_at: new Date().toISOString() });
      return {};
    }
    // The server is unreachable or refusing everything for now: the rows wait for their retry time.
    if (outcomes.every((outcome) => outcome === 'temporary')) {
      return { runAgainAt: new Date(Date.now() + deps.settings.retryBaseMs) };
    }
  }
}

/** `withheld`: not sent, nothing recorded, because the lane no longer held the row's lease (batch-lease.ts). */
type Outcome = 'sent' | 'temporary' | 'permanent' | 'skipped' | 'withheld';

/**
 * Messages of a batch handed to the bulk mailer and not yet answered, per lane: enough to keep its connections busy,
 * few enough that a lane's messages do not wait behind a whole batch (each is checked against the lease when its
 * turn comes; with the outbox, when it is handed over).
 */
const MESSAGES_IN_FLIGHT_PER_LANE = 10;

/** Runs `work` on every item, at most `limit` at once; the results in the items' order. */
async function eachInFlight<Item, Result>(items: readonly Item[], limit: number, work: (item: Item) => Promise<Result>): Promise<Result[]> {
  const results = new Array<Result>(items.length);
  let next = 0;
  const runner = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, runner));
  return results;
}

/**
 * A personalized recipient's issue: the articles of their feed (src/feed), chosen once and kept in their row so a
 * resend after a crash is the same issue. Readers without an account, or with nothing followed or learned yet,
 * get the shared issue (the week's latest).
 */
async function personalIssue(deps: SendDeps, send: SendRow, newsletter: NewsletterRow, row: RecipientRow, workerId: string, shared: RenderedIssue): Promise<RenderedIssue> {
  let ids = row.article_ids ? (JSON.parse(row.article_ids) as string[]) : null;
  if (!ids) {
    const subscriber = await newsletterRepository(deps.db).findSubscriber(row.subscriber_id);
    if (!subscriber?.user_id) return shared;
    const feed = await buildFeed(deps.db, subscriber.user_id, { size: newsletter.article_limit });
    if (!feed.personalized || !feed.items.length) return shared;
    ids = feed.items.map((item) => item.article.id);
    await sendRepository(deps.db).setRecipientArticles(send.id, row.subscriber_id, workerId, JSON.stringify(ids));
  }
  return (await renderSendIssue(deps, { ...send, article_ids: JSON.stringify(ids) })) ?? shared;
}

async function deliverOne(
  deps: SendDeps,
  send: SendRow,
  newsletter: NewsletterRow,
  issue: RenderedIssue,
  row: RecipientRow,
  workerId: string,
  recorder: SentRecorder,
  lease: BatchLease,
): Promise<Outcome> {
  const sends = sendRepository(deps.db);
  let result;
  try {
    // Checked right before the message leaves: once the lease lapsed (the lane was held off the CPU, the database
    // did not answer) the row may be another lane's, and it sends it.
    result = await deps.bulkMailer.send(recipientMessage(deps, send, newsletter, issue, row), () => lease.holds(row.subscriber_id));
    if (result === 'withheld') return 'withheld';
  } catch (error) {
    const permanent = isSahifaError(error, 'MAIL_PERMANENT_FAILURE');
    const temporary = isSahifaError(error, 'MAIL_TEMPORARY_FAILURE');
    const message = error instanceof Error ? error.message : String(error);
    const attempts = row.attempts + 1;
    const now = new Date();
    // No answer about this address at all (the mail server could not be reached or logged in to, the connection
    // broke): the reader is not at fault, so it costs them no attempt and no soft bounce however long it lasts.
    if (temporary && (error as MailDeliveryError).responseCode === undefined) {
      const nextAttemptAt = new Date(now.getTime() + deps.settings.retryBaseMs).toISOString();
      await sends.recordRecipient(send.id, row.subscriber_id, workerId, { status: 'pending', nextAttemptAt, error: message, countsAsAttempt: false });
      return 'temporary';
    }
    if (temporary && attempts < deps.settings.maxAttempts) {
      const nextAttemptAt = new Date(now.getTime() + deps.settings.retryBaseMs * 4 ** (attempts - 1)).toISOString();
      await sends.recordRecipient(send.id, row.subscriber_id, workerId, { status: 'pending', nextAttemptAt, error: message });
      return 'temporary';
    }
    await sends.recordRecipient(send.id, row.subscriber_id, workerId, { status: 'failed', error: message });
    if (permanent || temporary) {
      await recordBounce(deps.db, { email: row.email, kind: permanent ? 'hard' : 'soft', statusCode: (error as { responseCode?: number }).responseCode?.toString() ?? null, diagnostic: message, sendId: send.id });
    }
    return permanent ? 'permanent' : 'temporary';
  }
  await recorder.record({ subscriberId: row.subscriber_id, messageId: result.messageId, response: result.response ?? null, sentAt: new Date().toISOString() });
  return 'sent';
}

/** Soft bounces within this window… */
const SOFT_BOUNCE_WINDOW_MS = 30 * 24 * 3600 * 1000;
/** …this many times suppress the address like a hard bounce. */
const SOFT_BOUNCE_LIMIT = 3;

/**
 * Records a bounce or complaint. A hard bounce or a complaint suppresses the address for every newsletter at
 * once; soft bounces do after SOFT_BOUNCE_LIMIT within SOFT_BOUNCE_WINDOW_MS.
 */
export async function recordBounce(
  db: Kysely<Database>,
  bounce: { email: string; kind: 'hard' | 'soft' | 'complaint'; statusCode: string | null; diagnostic: string | null; sendId: string | null },
): Promise<void> {
  const now = new Date();
  await db.transaction().execute(async (trx) => {
    const repository = sendRepository(trx);
    await repository.insertBounce({ id: randomUUID(), email: bounce.email, kind: bounce.kind, status_code: bounce.statusCode, diagnostic: bounce.diagnostic, send_id: bounce.sendId, received_at: now.toISOString() });
    if (bounce.kind === 'hard') await repository.suppress(bounce.email, 'hard_bounce', now.toISOString());
    if (bounce.kind === 'complaint') await repository.suppress(bounce.email, 'complaint', now.toISOString());
    if (bounce.kind === 'soft' && (await repository.softBouncesSince(bounce.email, new Date(now.getTime() - SOFT_BOUNCE_WINDOW_MS).toISOString())) >= SOFT_BOUNCE_LIMIT) {
      await repository.suppress(bounce.email, 'soft_bounces', now.toISOString());
    }
  });
}

/** Marks the send sent once no recipient is left pending or in flight; whichever lane gets here first does it. */
async function finishSend(db: Kysely<Database>, sendId: string): Promise<void> {
  const repository = sendRepository(db);
  const counts = await repository.recipientCounts(sendId);
  if (counts.pending + counts.sending > 0) return;
  const now = new Date().toISOString();
  await repository.transition(sendId, ['sending'], 'sent', { sent_count: counts.sent, failed_count: counts.failed, finished_at: now, updated_at: now });
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}

/**
 * Sends an issue (any state, drafts included) to one address as a test — an editor checking it in their own mail
 * program. The subject says so; the unsubscribe link points to the newsletters page, not at anyone's subscription.
 */
export async function sendTestIssue(deps: NewsletterDeps, sendId: string, to: string): Promise<void> {
  const send = await sendRepository(deps.db).findSend(sendId);
  if (!send) throw notFound('send');
  const issue = await renderSendIssue(deps, send);
  if (!issue) throw new SahifaError('NO_ARTICLES', 'none of the articles of this issue is published', 409);
  const newsletter = (await newsletterRepository(deps.db).findNewsletter(send.newsletter_id))!;
  const copy = personalize(issue, `${deps.siteUrl}/newsletters`);
  await deps.mailer.send({
    to,
    from: `"${newsletter.sender_name.replace(/["\\]/g, '')}" <${newsletter.sender_address}>`,
    subject: `[تجربة] ${send.subject}`,
    text: copy.text,
    html: copy.html,
    textEncoding: 'base64',
  });
}

export interface SendProgress {
  counts: { pending: number; sending: number; sent: number; failed: number; skipped: number };
  /** Share of recipients finished (sent, failed or skipped), 0..1. */
  done: number;
  /** Estimated end at the rate so far; null before the first message or once finished. */
  eta: Date | null;
}

/** How far a send has come, and when it should end at its rate so far. */
export async function sendProgress(db: Kysely<Database>, send: SendRow, now: Date = new Date()): Promise<SendProgress> {
  const counts = await sendRepository(db).recipientCounts(send.id);
  const total = counts.pending + counts.sending + counts.sent + counts.failed + counts.skipped;
  const finished = counts.sent + counts.failed + counts.skipped;
  const elapsed = send.started_at ? now.getTime() - Date.parse(send.started_at) : 0;
  const left = total - finished;
  const eta = send.status === 'sending' && finished > 0 && left > 0 && elapsed > 0 ? new Date(now.getTime() + (elapsed / finished) * left) : null;
  return { counts, done: total ? finished / total : 0, eta };
}
