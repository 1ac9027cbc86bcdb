import type { JobDefinition } from './job.ts';
import { pruneJobsJob } from './prune-jobs.job.ts';
import { publishScheduledJob } from './publish-scheduled.job.ts';
import { pollFeedJob } from './poll-feed.job.ts';
import { deliverSendJob, planNewslettersJob, prepareSendJob } from './send-newsletter.job.ts';
import type { JobServices } from './services.ts';
import { breakingAlertJob } from './breaking-alert.job.ts';
import { pruneAccountsJob } from './prune-accounts.job.ts';

/** Every job kind a worker runs. A capability adds its job here (append, to keep merges easy). */
export const jobDefinitions: JobDefinition<any, JobServices>[] = [
  pruneJobsJob,
  publishScheduledJob,
  pollFeedJob,
  prepareSendJob,
  deliverSendJob,
  planNewslettersJob,
  breakingAlertJob,
  pruneAccountsJob,
];
