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
  ) {
    super(message);
    this.name = 'SahifaError';
  }
}

export const notFound = (what: string) => new SahifaError('NOT_FOUND', `${what} not found`, 404);

export const invalidInput = (message: string) => new SahifaError('INVALID_INPUT', message, 400);

/** A page could not be imported; the message names the reason. */
export const importRejected = (reason: string) => new SahifaError('IMPORT_REJECTED', reason, 422);

export function isSahifaError(error: unknown, code?: string): error is SahifaError {
  return error instanceof SahifaError && (code === undefined || error.code === code);
}
