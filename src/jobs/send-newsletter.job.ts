import { z } from 'zod';
import { deliverSend, planScheduledIssues, prepareSend } from '../newsletters/sends.service.ts';
import { defineJob, type JobContext } from './job.ts';
import type { JobServices } from './services.ts';

const sendPayload = z.object({ sendId: z.string().uuid() });

/**
 * `newsletters.send`: at a send's scheduled time, freezes its audience (one row per recipient) and enqueues
 * its delivery lanes. Idempotent: a send already frozen is left as it is.
 */
export const prepareSendJob = defineJob({
  kind: 'newsletters.send',
  payload: sendPayload,
  async run({ sendId }, { services }: { services: JobServices }) {
    const status = await prepareSend(services.newsletters, sendId);
    services.log.info({ sendId, status }, 'newsletter send prepared');
  },
});

/**
 * `newsletters.deliver`: one delivery lane of a send. Lanes run side by side in any worker process and split
 * the recipients by claiming them in batches; a lane that must wait for retries comes back later.
 */
export const deliverSendJob = defineJob({
  kind: 'newsletters.deliver',
  payload: sendPayload,
  // A lane's own failures (the database went away) are retried soon: its recipients are safe in their rows.
  backoffMs: (attempt) => Math.min(5000 * attempt, 60_000),
  maxAttempts: 20,
  async run({ sendId }, { services, signal, job, workerId }: JobContext<JobServices>) {
    const outcome = await deliverSend(services.newsletters, sendId, { workerId: `${workerId}/${job.id}`, leaseMs: services.config.jobs.leaseMs, signal });
    return outcome.runAgainAt ? { runAgainAt: outcome.runAgainAt } : undefined;
  },
});

/**
 * `newsletters.plan`: creates the daily and weekly issues that are due (see planScheduledIssues), then comes back
 * at the start of the next minute. One such job exists (dedupe key NEWSLETTER_PLAN_KEY).
 */
export const planNewslettersJob = defineJob({
  kind: 'newsletters.plan',
  payload: z.object({}),
  async run(_payload, { services }: JobContext<JobServices>) {
    const scheduled = await planScheduledIssues(services.newsletters);
    for (const send of scheduled) services.log.info({ sendId: send.id, subject: send.subject }, 'scheduled newsletter issue');
    const next = new Date();
    next.setUTCSeconds(0, 0);
    return { runAgainAt: new Date(next.getTime() + 60_000) };
  },
});

export const NEWSLETTER_PLAN_KEY = 'newsletters.plan';
