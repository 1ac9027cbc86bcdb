import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';

/** The state of the background work, read from the shared tables, so every process reports the same figures. */
export interface QueueStats {
  /** Pending jobs whose time has come (the backlog a worker should be eating). */
  dueJobs: number;
  /** Seconds since the oldest due job became due; 0 when none is waiting. */
  oldestDueAgeSeconds: number;
  runningJobs: number;
  failedJobs: number;
  /** Newsletter messages sent so far (a counter in effect: rows are not deleted); its rate is sends per second. */
  recipientsSent: number;
  /** Newsletter messages still to send or retry. */
  recipientsWaiting: number;
}

/** Read-only statistics over the jobs and newsletter tables, for /metrics. */
export function queueStatsRepository(db: Kysely<Database>) {
  return {
    async read(now: Date): Promise<QueueStats> {
      const nowIso = now.toISOString();
      // status, run_at is the jobs_due index.
      const due = await db
        .selectFrom('jobs')
        .select((eb) => [eb.fn.countAll<number | string>().as('count'), eb.fn.min('run_at').as('oldest')])
        .where('status', '=', 'pending')
        .where('run_at', '<=', nowIso)
        .executeTakeFirstOrThrow();
      const byStatus = await db
        .selectFrom('jobs')
        .select((eb) => ['status', eb.fn.countAll<number | string>().as('count')])
        .where('status', 'in', ['running', 'failed'])
        .groupBy('status')
        .execute();
      const recipients = await db
        .selectFrom('send_recipients')
        .select((eb) => ['status', eb.fn.countAll<number | string>().as('count')])
        .where('status', 'in', ['sent', 'pending', 'sending'])
        .groupBy('status')
        .execute();
      const count = (rows: { status: string; count: number | string }[], ...statuses: string[]) =>
        rows.filter((row) => statuses.includes(row.status)).reduce((sum, row) => sum + Number(row.count), 0);
      const oldest = due.oldest ? Date.parse(String(due.oldest)) : now.getTime();
      return {
        dueJobs: Number(due.count),
        oldestDueAgeSeconds: Math.max(0, (now.getTime() - oldest) / 1000),
        runningJobs: count(byStatus, 'running'),
        failedJobs: count(byStatus, 'failed'),
        recipientsSent: count(recipients, 'sent'),
        recipientsWaiting: count(recipients, 'pending', 'sending'),
      };
    },
  };
}
