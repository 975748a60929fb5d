/**
 * Stable reason codes of {@link CryptoError}. The decryption-failure codes mirror Matrix's
 * "unable to decrypt" taxonomy so the UI can say *why* a message cannot be read instead of
 * dropping it.
 */
export type CryptoErrorCode =
  | 'aead_fail'
  | 'invalid_key'
  | 'invalid_input'
  | 'no_envelope_for_user'
  | 'epoch_sig_invalid'
  | 'msg_sig_invalid'
  | 'sender_not_member'
  | 'identity_untrusted'
  | 'membership_invalid'
  | 'unsupported_suite';

/**
 * A cryptographic failure caused by data (a wrong key, a tampered blob, a bad signature), as
 * opposed to a programmer mistake, which throws `TypeError` or `RangeError`.
 *
 * @example
 * ```ts
 * try { await unwrapAccountKey(provider, kek, wrapped, ctx); }
 * catch (e) { if (e instanceof CryptoError && e.code === 'aead_fail') showWrongPassword(); }
 * ```
 */
export class CryptoError extends Error {
  /** Machine-readable reason; stable across releases. */
  readonly code: CryptoErrorCode;

  /**
   * @param code - The stable reason code.
   * @param message - Human-readable detail (never contains key material).
   * @param options - `cause`: the underlying error, if any.
   */
  constructor(code: CryptoErrorCode, message?: string, options?: { cause?: unknown }) {
    super(message ?? code, options);
    this.name = 'CryptoError';
    this.code = code;
  }
}

/** True when `error` is a {@link CryptoError}, optionally with the given code. */
export function isCryptoError(error: unknown, code?: CryptoErrorCode): error is CryptoError {
  return error instanceof CryptoError && (code === undefined || error.code === code);
}
