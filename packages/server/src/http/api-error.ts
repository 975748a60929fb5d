import { HTTP_STATUS_BY_CODE } from '@parley/sdk/protocol';
import type { ErrorCode } from '@parley/sdk/protocol';

/** Options of {@link ApiError}. */
export interface ApiErrorOptions {
  /** For `invalid_input`: the dotted path of the failing field. */
  field?: string;
  /** For `rate_limited`: sent as `Retry-After` (seconds, rounded up). */
  retryAfterMs?: number;
  cause?: unknown;
}

/**
 * The one error type route handlers throw. The error middleware turns it into
 * `{ error: { code, message, field? } }` with the status that belongs to `code`, so a handler
 * never chooses a status by hand and codes stay stable.
 */
export class ApiError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly field: string | undefined;
  readonly retryAfterMs: number | undefined;

  constructor(code: ErrorCode, message: string, options: ApiErrorOptions = {}) {
    super(message, { cause: options.cause });
    this.name = 'ApiError';
    this.code = code;
    this.status = HTTP_STATUS_BY_CODE[code];
    this.field = options.field;
    this.retryAfterMs = options.retryAfterMs;
  }
}
