/**
 * Domain-separation labels of suite cs1. Every HKDF `info`, signature prefix and AAD names its
 * purpose with one of these, so a value made for one purpose can never be replayed as another
 * (a KA signature is not a message signature; the KEK is independent of the auth key).
 */
export const LABELS = {
  /** HKDF info: the login secret sent to the server. */
  auth: 'cs1/auth',
  /** HKDF info: the key-encryption key that wraps the account key (never leaves the client). */
  kek: 'cs1/kek',
  /** Signature prefix: a key-agreement key signed by the identity key. */
  kaSig: 'cs1/ka-sig',
  /** HPKE info prefix: an epoch key sealed to a member. */
  epochKey: 'cs1/epoch-key',
  /** HKDF info prefix: a per-message key derived from the epoch key. */
  msg: 'cs1/msg',
  /** Signature prefix: a message signed by its sender. */
  msgSig: 'cs1/msg-sig',
  /** Signature prefix: a membership-log entry signed by its actor. */
  memberSig: 'cs1/member-sig',
  /** Signature prefix: an epoch record signed by its creator. */
  epochSig: 'cs1/epoch-sig',
  /** HKDF info and AAD label: the encrypted private key bundle. */
  bundle: 'cs1/bundle',
  /** AAD label: the account key wrapped by the KEK. */
  accountKey: 'cs1/ak',
  /** HKDF info prefix: attachment chunk keys. */
  attachment: 'cs1/attachment',
} as const;

/** One of the cs1 domain-separation labels. */
export type Label = (typeof LABELS)[keyof typeof LABELS];

/** Name of the primitive suite; every cs1 blob carries it. */
export const SUITE = 'cs1';

/** Format version carried next to {@link SUITE} in every cs1 blob. */
export const FORMAT_VERSION = 1;
