import type { Kysely } from 'kysely';
import type { Config } from '../config.ts';
import type { Database } from '../db/schema.ts';
import type { SendDeps } from '../newsletters/sends.service.ts';
import type { WorkerLog } from './worker.ts';

/** What job handlers receive, built once per worker process (see run-worker.ts). Add a field when a job needs it. */
export interface JobServices {
  db: Kysely<Database>;
  config: Config;
  log: WorkerLog;
  /** Sending newsletters: subscription rules, the worker's mailer (one SMTP pool per process), delivery settings. */
  newsletters: SendDeps;
}
