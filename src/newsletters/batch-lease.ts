/**
 * What a lane knows of its lease on the recipient rows of the batch it claimed: which rows are still its own, and
 * until when. A heartbeat renews them every third of the lease while the batch is in flight. A lease that lapsed
 * is never renewed (the rows may already be another lane's), so a lane held off the CPU past its lease finds, when
 * it runs again, that it holds nothing, and sends nothing more of that batch: whoever claims the rows sends them.
 */
export interface BatchLease {
  /**
   * True while the row is still this lane's with at least a third of the lease left: the time the server has to
   * answer and the answer to be recorded before anyone else may claim the row. Asked right before each message
   * goes out; no I/O.
   */
  holds(subscriberId: string): boolean;
  /** Stops the heartbeat (the batch is done). */
  end(): void;
}

export interface BatchLeaseOptions {
  /** The rows claimed, and the lease end the claim wrote (ms since the epoch). */
  subscriberIds: readonly string[];
  heldUntil: number;
  leaseMs: number;
  /**
   * Extends the lease to `leaseUntil` on the rows this lane still holds whose lease has not lapsed at `now`;
   * returns the subscriber ids of those rows.
   */
  renew(leaseUntil: string, now: string): Promise<string[]>;
}

export function holdBatchLease(options: BatchLeaseOptions): BatchLease {
  let held = new Set(options.subscriberIds);
  let until = options.heldUntil;
  const margin = options.leaseMs / 3;
  let renewing = false;

  const heartbeat = setInterval(() => {
    // A renewal still running (a slow database) is not doubled; meanwhile `until` keeps counting down.
    if (renewing) return;
    renewing = true;
    const now = Date.now();
    const target = now + options.leaseMs;
    options
      .renew(new Date(target).toISOString(), new Date(now).toISOString())
      .then((ids) => {
        held = new Set(ids);
        until = target;
      })
      // A renewal that failed confirms nothing: the lease runs out and the lane stops sending.
      .catch(() => {})
      .finally(() => (renewing = false));
  }, Math.max(50, margin));

  return {
    holds: (subscriberId) => held.has(subscriberId) && Date.now() < until - margin,
    end: () => clearInterval(heartbeat),
  };
}
