/**
 * Stable error codes shared by the server's JSON error bodies and the SDK's `ChatError`.
 * Adding a code is fine; renaming or removing one is a breaking change.
 */
export const ERROR_CODES = [
  'invalid_input',
  'unauthorized',
  'token_expired',
  'forbidden',
  'not_found',
  'conflict',
  'username_taken',
  'rate_limited',
  'payload_too_large',
  'quota_exceeded',
  'unsupported_media_type',
  'decryption_failed',
  'identity_changed',
  'network_error',
  'unavailable',
  'internal',
] as const;

/** A stable error code: the `code` of REST errors, acknowledgements and `ChatError`. */
export type ErrorCode = (typeof ERROR_CODES)[number];

/** The JSON body of every error response: `{ "error": { "code", "message", "field"? } }`. */
export interface ErrorBody {
  error: {
    code: ErrorCode;
    message: string;
    /** For `invalid_input`: the dotted path of the first failing field. */
    field?: string;
  };
}

/** HTTP status for each code, used by the server's error middleware and the SDK's fallbacks. */
export const HTTP_STATUS_BY_CODE: Readonly<Record<ErrorCode, number>> = {
  invalid_input: 400,
  unauthorized: 401,
  token_expired: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  username_taken: 409,
  rate_limited: 429,
  payload_too_large: 413,
  /** The user's stored files would exceed their quota: delete some or ask the operator. */
  quota_exceeded: 413,
  unsupported_media_type: 415,
  decryption_failed: 422,
  /** A contact's identity key changed and was not accepted: nothing is sealed to it. */
  identity_changed: 409,
  network_error: 503,
  unavailable: 503,
  internal: 500,
};

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && (ERROR_CODES as readonly string[]).includes(value);
}
