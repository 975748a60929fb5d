/**
 * Decryption outcomes as values. A chat client must show *why* a message cannot be read (the
 * Matrix "unable to decrypt" lesson, crypto.md §2.6 and §7.8), so opening an epoch or a message
 * never throws for bad input and never drops it silently: it returns a failure with a stable
 * reason, and a failure never carries any plaintext.
 */
import { CryptoError } from './errors.js';
import type { CryptoErrorCode } from './errors.js';

/** Why an epoch or a message could not be opened. */
export type DecryptFailureReason = Extract<
  CryptoErrorCode,
  | 'no_envelope_for_user'
  | 'epoch_sig_invalid'
  | 'msg_sig_invalid'
  | 'sender_not_member'
  | 'identity_untrusted'
  | 'aead_fail'
  | 'invalid_input'
  | 'unsupported_suite'
>;

/** A failed decryption: a reason code and a human-readable detail, no plaintext. */
export interface DecryptFailure {
  readonly ok: false;
  readonly reason: DecryptFailureReason;
  /** What exactly failed, for logs and bug reports; never contains plaintext or keys. */
  readonly detail: string;
}

/** Either `{ ok: true, ...value }` or a {@link DecryptFailure}. */
export type DecryptResult<T extends object> = ({ readonly ok: true } & T) | DecryptFailure;

/** Builds a {@link DecryptFailure}. */
export function decryptFailure(reason: DecryptFailureReason, detail: string): DecryptFailure {
  return { ok: false, reason, detail };
}

const FAILURE_REASONS: ReadonlySet<string> = new Set<DecryptFailureReason>([
  'no_envelope_for_user',
  'epoch_sig_invalid',
  'msg_sig_invalid',
  'sender_not_member',
  'identity_untrusted',
  'aead_fail',
  'invalid_input',
  'unsupported_suite',
]);

/**
 * Maps an error thrown inside a decryption path to a failure value. A `CryptoError` keeps its
 * code when it is a decryption reason; anything else becomes `fallback`.
 */
export function failureFromError(error: unknown, fallback: DecryptFailureReason): DecryptFailure {
  if (error instanceof CryptoError && FAILURE_REASONS.has(error.code)) {
    return decryptFailure(error.code as DecryptFailureReason, error.message);
  }
  return decryptFailure(fallback, error instanceof Error ? error.message : String(error));
}
