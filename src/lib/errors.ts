/**
 * Errors with a stable code callers switch on, and the HTTP status they map to.
 * Never switch on message text.
 */
export class SahifaError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status: number,
    readonly report: boolean = false,
    /** Machine-readable particulars, e.g. the fields a form got wrong. */
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'SahifaError';
  }
}

export const notFound = (what: string) => new SahifaError('NOT_FOUND', `${what} not found`, 404);

export const invalidInput = (message: string) => new SahifaError('INVALID_INPUT', message, 400);

/** A page could not be imported; the message names the reason. */
export const importRejected = (reason: string) => new SahifaError('IMPORT_REJECTED', reason, 422);

/** A form's fields were wrong; `details.fields` maps each field name to an Arabic message shown beside it. */
export const invalidFields = (fields: Record<string, string>) =>
  new SahifaError('INVALID_FIELDS', `invalid fields: ${Object.keys(fields).join(', ')}`, 422, false, { fields });

/** Someone saved the same thing since the caller read it (optimistic locking); `details.currentVersion` is theirs. */
export const editConflict = (what: string, currentVersion: number) =>
  new SahifaError('EDIT_CONFLICT', `${what} was changed by someone else (now version ${currentVersion})`, 409, false, { currentVersion });

export function isSahifaError(error: unknown, code?: string): error is SahifaError {
  return error instanceof SahifaError && (code === undefined || error.code === code);
}

/** The database cannot be reached or dropped the connection (restart, failover, network): retry shortly. */
export const databaseUnavailable = (cause: unknown) => {
  const error = new SahifaError('DATABASE_UNAVAILABLE', `the database is unavailable: ${cause instanceof Error ? cause.message : String(cause)}`, 503, true);
  error.cause = cause;
  return error;
};

/** SQLite could not grow its file (SQLITE_FULL): the write was rolled back, the database is intact. */
export const storageFull = (file: string) =>
  new SahifaError('STORAGE_FULL', `the database file ${file} cannot grow: its disk is full (SQLITE_FULL). Nothing was written; free space and try again`, 503, true);

/** The request needs a signed-in reader. */
export const signInRequired = () => new SahifaError('SIGN_IN_REQUIRED', 'sign in required', 401);

/** Signed in, but this reader's role does not reach here. */
export const forbidden = (what: string) => new SahifaError('FORBIDDEN', `${what} is not allowed for this account`, 403);

/** A state-changing request without a valid CSRF token, or from another site. */
export const csrfRejected = (reason: string) => new SahifaError('CSRF_REJECTED', `request rejected: ${reason}`, 403);

/** Too many attempts; `retryAfterSeconds` goes in Retry-After. */
export const tooManyRequests = (retryAfterSeconds: number) =>
  Object.assign(new SahifaError('RATE_LIMITED', `too many requests, retry in ${retryAfterSeconds} s`, 429), { retryAfterSeconds });
