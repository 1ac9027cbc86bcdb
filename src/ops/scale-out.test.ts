import { describe, expect, it } from 'vitest';
import { buildArticle } from '../../test/build-article.ts';
import { databaseUrlOf, freshPostgresSchema } from '../../test/engines.ts';
import { type RunningSahifa, startSahifa } from '../../test/run-sahifa.ts';
import { saveImportedArticle } from '../articles/article.service.ts';
import { openDatabase } from '../db/database.ts';
import { migrateToLatest } from '../db/migrate.ts';
import { enqueueScheduledPublication } from '../jobs/publish-scheduled.job.ts';
import { scheduleArticle } from '../newsroom/article-editing.service.ts';

const postgresUrl = process.env.TEST_DATABASE_URL;
const EDITOR = { id: null, name: 'محررة الاختبار' };

describe.runIf(postgresUrl)('scale-out: 2 web and 2 worker processes on one PostgreSQL', () => {
  it('serves through both web processes and publishes every scheduled article exactly once', async () => {
    const fresh = await freshPostgresSchema(postgresUrl!);
    const database = openDatabase(fresh.target);
    const processes: RunningSahifa[] = [];
    try {
      await migrateToLatest(database.db);
      const ids: string[] = [];
      for (let i = 0; i < 8; i++) {
        const { slug } = await saveImportedArticle(database.db, buildArticle({ title: `خبر مجدول للنشر رقم ${i + 1}` }));
        ids.push((await database.db.selectFrom('articles').select('id').where('slug', '=', slug).executeTakeFirstOrThrow()).id);
      }
      const env = { DATABASE_URL: databaseUrlOf(fresh.target), WORKER_IN_PROCESS: 'false', WORKER_POLL_MS: '100', LOG_LEVEL: 'info' };
      const started = await Promise.all([
        startSahifa(['serve'], env, 120_000),
        startSahifa(['serve'], env, 120_000),
        startSahifa(['worker'], env, 120_000, /job worker started/),
        startSahifa(['worker'], env, 120_000, /job worker started/),
      ]);
      processes.push(...started);
      const [webA, webB] = started;

      // Scheduled a few seconds ahead, each with its publish job, as the newsroom does.
      const at = new Date(Date.now() + 3_000);
      for (const id of ids) await scheduleArticle(database.db, id, at, EDITOR, { onScheduled: enqueueScheduledPublication });

      // Traffic through both web processes until every article is published.
      const statuses: number[] = [];
      const deadline = Date.now() + 60_000;
      let published = 0;
      let jobsDone = 0;
      while (Date.now() < deadline) {
        for (const web of [webA!, webB!]) statuses.push((await fetch(`${web.baseUrl}/`)).status);
        published = (await database.db.selectFrom('articles').select('id').where('id', 'in', ids).where('status', '=', 'published').execute()).length;
        // The first publish job publishes every due article; the others then find nothing left to do.
        jobsDone = (await database.db.selectFrom('jobs').select('id').where('kind', '=', 'newsroom.publish-scheduled').where('status', '=', 'done').execute()).length;
        if (published === ids.length && jobsDone === ids.length) break;
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
      expect(published).toBe(ids.length);
      expect(statuses.every((status) => status === 200)).toBe(true);

      // Exactly once: one publication in the audit log per article, each job done on its first attempt.
      const audits = await database.db.selectFrom('audit_log').select('subject_id').where('action', '=', 'article.publish').execute();
      expect(audits.map((a) => a.subject_id).sort()).toEqual([...ids].sort());
      const jobs = await database.db.selectFrom('jobs').select(['status', 'attempts', 'locked_by']).where('kind', '=', 'newsroom.publish-scheduled').execute();
      expect(jobs).toHaveLength(ids.length);
      expect(jobs.map((job) => `${job.status}/${job.attempts}`)).toEqual(ids.map(() => 'done/1'));

      // Both web processes see the published articles (the page cache is shared through the database).
      for (const web of [webA!, webB!]) {
        const api = (await (await fetch(`${web.baseUrl}/api/articles`)).json()) as { articles?: { title: string }[] };
        expect(JSON.stringify(api)).toContain('خبر مجدول للنشر رقم 1');
      }

      // Graceful stop of all four.
      for (const running of processes) running.child.kill('SIGTERM');
      expect(await Promise.all(processes.map((running) => running.exited))).toEqual([0, 0, 0, 0]);
    } finally {
      for (const running of processes) running.child.kill('SIGKILL');
      await database.close();
      await fresh.drop();
    }
  }, 240_000);
});
