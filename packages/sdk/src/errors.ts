import { isErrorCode } from './protocol/errors.js';
import type { ErrorCode } from './protocol/errors.js';
import { parseRetryAfter } from './rest/retry-after.js';

/** Extra detail carried by a {@link ChatError}. */
export interface ChatErrorOptions {
  /** HTTP status of the response that caused it, when there was one. */
  status?: number;
  /** How long the server asked us to wait before retrying (from `Retry-After`). */
  retryAfterMs?: number;
  /** For `invalid_input`: the dotted path of the first failing field. */
  field?: string;
  /** The underlying error (a network failure, a crypto error, ...). */
  cause?: unknown;
}

/**
 * The one error type the SDK throws for anything that is not a programming mistake. Branch on
 * {@link ChatError.code}, which is stable across releases; `message` is for humans and may
 * change.
 *
 * Authentication failures are deliberately vague: a wrong password, an unknown user and an
 * account key that fails to unwrap all surface as `unauthorized`, so an attacker cannot tell
 * which check failed.
 *
 * @example
 * ```ts
 * try {
 *   await client.login({ username, password });
 * } catch (error) {
 *   if (ChatError.is(error, 'rate_limited')) showRetryIn(error.retryAfterMs);
 * }
 * ```
 */
export class ChatError extends Error {
  override readonly name = 'ChatError';
  /** Stable machine-readable code, shared with the server's error bodies. */
  readonly code: ErrorCode;
  /** HTTP status, when the error came from a response. */
  readonly status: number | undefined;
  /** Milliseconds the server asked us to wait (429, 503), when it said. */
  readonly retryAfterMs: number | undefined;
  /** The failing field of an `invalid_input` error, when the server named it. */
  readonly field: string | undefined;

  /**
   * @param code - Stable error code.
   * @param message - Human-readable description.
   * @param options - Status, retry delay, field and cause.
   */
  constructor(code: ErrorCode, message: string, options: ChatErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.status = options.status;
    this.retryAfterMs = options.retryAfterMs;
    this.field = options.field;
  }

  /**
   * Whether `value` is a `ChatError`, optionally with a given code.
   *
   * @param value - Anything caught.
   * @param code - When given, also require this code.
   */
  static is(value: unknown, code?: ErrorCode): value is ChatError {
    return value instanceof ChatError && (code === undefined || value.code === code);
  }

  /**
   * Builds a `ChatError` from a non-2xx HTTP response. The server's JSON body
   * `{ error: { code, message, field? } }` is used when present and well formed; otherwise the
   * code is inferred from the status, so a proxy's HTML error page still gives a useful code.
   *
   * @param response - The failed response (its body is consumed).
   * @param now - Clock for `Retry-After` dates; defaults to `Date.now`.
   */
  static async fromResponse(response: Response, now: () => number = Date.now): Promise<ChatError> {
    const body = await readErrorBody(response);
    const retryAfterMs = parseRetryAfter(response.headers.get('retry-after'), now());
    const code = body?.code ?? codeForStatus(response.status);
    const message = body?.message ?? `HTTP ${response.status} ${response.statusText}`.trim();
    return new ChatError(code, message, {
      status: response.status,
      ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
      ...(body?.field === undefined ? {} : { field: body.field }),
    });
  }

  /**
   * Wraps a failure to reach the server at all (DNS, refused connection, TLS, CORS).
   *
   * @param cause - What `fetch` threw.
   */
  static network(cause: unknown): ChatError {
    const detail = cause instanceof Error ? `: ${cause.message}` : '';
    return new ChatError('network_error', `Could not reach the server${detail}`, { cause });
  }
}

interface ParsedErrorBody {
  code: ErrorCode;
  message: string;
  field: string | undefined;
}

async function readErrorBody(response: Response): Promise<ParsedErrorBody | undefined> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(await response.text());
  } catch {
    return undefined;
  }
  if (typeof parsed !== 'object' || parsed === null || !('error' in parsed)) return undefined;
  const error: unknown = parsed.error;
  if (typeof error !== 'object' || error === null) return undefined;
  const code = 'code' in error ? error.code : undefined;
  // An unknown code (a newer server) degrades to the status-based one rather than leaking
  // an arbitrary string into the typed `code`.
  if (!isErrorCode(code)) return undefined;
  const message = 'message' in error && typeof error.message === 'string' ? error.message : code;
  const field = 'field' in error && typeof error.field === 'string' ? error.field : undefined;
  return { code, message, field };
}

/** The code implied by an HTTP status when the body does not name one. */
export function codeForStatus(status: number): ErrorCode {
  switch (status) {
    case 400:
    case 422:
      return 'invalid_input';
    case 401:
      return 'unauthorized';
    case 403:
      return 'forbidden';
    case 404:
      return 'not_found';
    case 409:
      return 'conflict';
    case 413:
      return 'payload_too_large';
    case 415:
      return 'unsupported_media_type';
    case 429:
      return 'rate_limited';
    case 502:
    case 503:
    case 504:
      return 'unavailable';
    default:
      return status >= 400 && status < 500 ? 'invalid_input' : 'internal';
  }
}
