import { randomUUID } from 'node:crypto';
import path from 'node:path';
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import { importFiles, type ImportReport } from '../ingest/import.service.ts';
import { notFound } from '../lib/errors.ts';
import { type Actor, audit } from './article-editing.service.ts';
import { pollFeedSource } from './feed-sources.service.ts';

/**
 * The import queue editors see: every run of the importer with its counts, and every item it could not import
 * with the reason, until a run imports it. An item is listed once however often it fails: a run that fails on a
 * listed item again (a re-run, the next poll of a feed, `sahifa import` of the same file) brings its reason up to
 * date, and a run that imports it resolves it. `sahifa import` records its runs here; the importer itself
 * (src/ingest) knows nothing of it.
 */
export async function recordImportRun(
  db: Kysely<Database>,
  run: { origin: 'cli' | 'retry' | 'feed'; actorName: string; startedAt: Date; finishedAt: Date; report: ImportReport },
): Promise<string> {
  const id = randomUUID();
  const counts = { created: 0, updated: 0, unchanged: 0 };
  for (const item of run.report.imported) counts[item.outcome]++;
  const failed = new Map(run.report.failed.map((failure) => [locationOf(failure.file), failure.reason]));
  const imported = new Set(run.report.imported.map((item) => locationOf(item.file)));
  await db.transaction().execute(async (trx) => {
    await trx
      .insertInto('import_runs')
      .values({
        id,
        origin: run.origin,
        actor_name: run.actorName,
        started_at: run.startedAt.toISOString(),
        finished_at: run.finishedAt.toISOString(),
        ...counts,
        failed: run.report.failed.length,
      })
      .execute();
    const open = await trx.selectFrom('import_failures').select(['id', 'location']).where('resolved_at', 'is', null).execute();
    const listed = new Map(open.map((row) => [row.location, row.id]));
    for (const [location, reason] of failed) {
      const listedId = listed.get(location);
      if (listedId) await trx.updateTable('import_failures').set({ run_id: id, reason }).where('id', '=', listedId).execute();
      else await trx.insertInto('import_failures').values({ id: randomUUID(), run_id: id, location, reason, resolved_at: null, retried_at: null }).execute();
    }
    // A feed's items are listed as "<feed URL>#<n>": a poll that read the feed resolves those it did not fail on.
    const resolved = open.filter((row) => !failed.has(row.location) && imported.has(row.location.replace(/#\d+$/, ''))).map((row) => row.id);
    if (resolved.length) {
      await trx.updateTable('import_failures').set({ resolved_at: run.finishedAt.toISOString() }).where('id', 'in', resolved).execute();
    }
  });
  return id;
}

/** Where a failed item is, as the queue lists it: a URL, or a path made absolute so any process can read it again. */
function locationOf(file: string): string {
  return /^https?:\/\//.test(file) ? file : path.resolve(file);
}

/**
 * Imports a failed item again. If it imports now the failure is resolved; if not, its reason is brought up to
 * date. Either way the re-run is recorded as a run of its own and in the audit log.
 */
export async function retryImportFailure(db: Kysely<Database>, failureId: string, actor: Actor, now = () => new Date()): Promise<{ ok: boolean; reason: string | null }> {
  const failure = await db.selectFrom('import_failures').selectAll().where('id', '=', failureId).executeTakeFirst();
  if (!failure) throw notFound(`import failure ${failureId}`);
  const startedAt = now();
  let reason: string | null;
  const feedUrl = /^https?:\/\//.test(failure.location) ? failure.location.replace(/#\d+$/, '') : null;
  if (feedUrl) {
    // An item of a subscribed feed: poll the feed again (it records its own run).
    const source = await db.selectFrom('feed_sources').select('id').where('url', '=', feedUrl).executeTakeFirst();
    const report = source ? await pollFeedSource(db, source.id, startedAt) : null;
    reason = !report ? 'لم يعد الموقع مشتركاً في هذه الخلاصة.' : (report.failed[0]?.reason ?? null);
  } else {
    const report = await importFiles(db, [failure.location], startedAt);
    await recordImportRun(db, { origin: 'retry', actorName: actor.name, startedAt, finishedAt: now(), report });
    reason = report.failed[0]?.reason ?? null;
  }
  const finishedAt = now();
  await db.transaction().execute(async (trx) => {
    await trx
      .updateTable('import_failures')
      .set(reason ? { reason, retried_at: finishedAt.toISOString() } : { resolved_at: finishedAt.toISOString(), retried_at: finishedAt.toISOString() })
      .where('id', '=', failureId)
      .execute();
    await audit(trx, actor, finishedAt.toISOString(), {
      action: 'import.retry',
      subjectType: 'import_failure',
      subjectId: failureId,
      summary: reason ? `أعاد استيراد «${failure.location}» ولم ينجح: ${reason}` : `أعاد استيراد «${failure.location}» بنجاح`,
    });
  });
  return { ok: !reason, reason };
}

export async function listImportRuns(db: Kysely<Database>, limit: number) {
  return db.selectFrom('import_runs').selectAll().orderBy('started_at', 'desc').orderBy('id').limit(limit).execute();
}

/** Failures not yet resolved, newest first. */
export async function listOpenImportFailures(db: Kysely<Database>, limit: number) {
  return db
    .selectFrom('import_failures')
    .innerJoin('import_runs', 'import_runs.id', 'import_failures.run_id')
    .select([
      'import_failures.id',
      'import_failures.location',
      'import_failures.reason',
      'import_failures.retried_at',
      'import_runs.started_at',
      'import_runs.origin',
    ])
    .where('import_failures.resolved_at', 'is', null)
    .orderBy('import_runs.started_at', 'desc')
    .orderBy('import_failures.id')
    .limit(limit)
    .execute();
}
