import type { KdfParams, SignedKaKey } from '../protocol/auth.js';
import { canonicalBytes } from './canonical-json.js';
import { assertBytes, concatBytes, fromB64u, fromUtf8, utf8, zeroize } from './encoding.js';
import { CryptoError } from './errors.js';
import { createKaKey, isKaRotationDue, toSignedKaKey } from './ka-keys.js';
import type { KaPrivateKey } from './ka-keys.js';
import { FORMAT_VERSION, LABELS, SUITE } from './labels.js';
import type { CryptoProvider } from './provider.js';
import { createTrustStore, parseTrustStore } from './trust-store.js';
import type { TrustStoreData } from './trust-store.js';

export { verifyKaKey } from './ka-keys.js';
export type { KaPrivateKey } from './ka-keys.js';

const NONCE_LENGTH = 12;
const TAG_LENGTH = 16;
const KEY_LENGTH = 32;
/** First byte of an encrypted bundle: cs1, format 1. A later suite gets another byte. */
const BUNDLE_PREFIX = 0x01;

/**
 * Every private key of a user and their trust store: encrypted under the account key, stored on
 * the server as ciphertext only, decrypted on each browser the user logs in on.
 */
export interface KeyBundle {
  v: 1;
  suite: 'cs1';
  /** Ed25519 identity seed (32 bytes). Changes only on an account reset. */
  identitySeed: Uint8Array;
  /** Every key-agreement key ever made, old ones kept so old envelopes stay openable. */
  kaKeys: KaPrivateKey[];
  /** Pinned identity keys of contacts. */
  trust: TrustStoreData;
}

/** Binding context of a wrapped account key. */
export interface AccountKeyContext {
  userId: string;
  /** The KDF parameters the KEK came from (so a server cannot swap them unnoticed). */
  kdf: KdfParams;
}

/** What {@link createAccount} produces: secrets to keep, public keys to register. */
export interface NewAccount {
  /** Random 32-byte account key: wrap it with the KEK, encrypt the bundle under it. */
  accountKey: Uint8Array;
  bundle: KeyBundle;
  /** Ed25519 identity public key (32 bytes). */
  identityKey: Uint8Array;
  /** The first key-agreement key, in wire form, signed by the identity key. */
  keyAgreementKey: SignedKaKey;
}

/**
 * Wraps the account key under the password-derived KEK with AES-256-GCM and a random nonce.
 * AAD = canonical JSON of `{label: "cs1/ak", userId, kdf}`, so the blob opens only for this user
 * and these KDF parameters.
 *
 * @returns nonce (12) ‖ ciphertext (32) ‖ tag (16).
 */
export async function wrapAccountKey(
  provider: CryptoProvider,
  kek: Uint8Array,
  accountKey: Uint8Array,
  ctx: AccountKeyContext,
): Promise<Uint8Array> {
  assertBytes(kek, 'kek', KEY_LENGTH);
  assertBytes(accountKey, 'accountKey', KEY_LENGTH);
  const nonce = provider.randomBytes(NONCE_LENGTH);
  const ct = await provider.aesGcmEncrypt(kek, nonce, accountKey, accountKeyAad(ctx));
  return concatBytes(nonce, ct);
}

/**
 * Inverse of {@link wrapAccountKey}.
 *
 * @throws CryptoError `aead_fail` for a wrong KEK (wrong password), another user's blob, changed
 *   KDF parameters or any tampering; `invalid_input` for a blob of the wrong size.
 */
export async function unwrapAccountKey(
  provider: CryptoProvider,
  kek: Uint8Array,
  wrapped: Uint8Array,
  ctx: AccountKeyContext,
): Promise<Uint8Array> {
  assertBytes(kek, 'kek', KEY_LENGTH);
  assertBytes(wrapped, 'wrapped');
  if (wrapped.length !== NONCE_LENGTH + KEY_LENGTH + TAG_LENGTH) {
    throw new CryptoError('invalid_input', 'wrapped account key has the wrong length');
  }
  const nonce = wrapped.subarray(0, NONCE_LENGTH);
  const ct = wrapped.subarray(NONCE_LENGTH);
  return provider.aesGcmDecrypt(kek, nonce, ct, accountKeyAad(ctx));
}

function accountKeyAad(ctx: AccountKeyContext): Uint8Array {
  return canonicalBytes({ label: LABELS.accountKey, userId: ctx.userId, kdf: ctx.kdf });
}

/**
 * Generates a new account: a random account key, an Ed25519 identity key, a first X25519
 * key-agreement key signed by it, and an empty trust store.
 *
 * @param options.userId - The user id the KA signature binds to (chosen by the client).
 * @param options.now - Clock (epoch ms); start of the KA key's validity.
 */
export async function createAccount(
  provider: CryptoProvider,
  options: { userId: string; now: number },
): Promise<NewAccount> {
  const { userId, now } = options;
  const identitySeed = provider.randomBytes(KEY_LENGTH);
  const identityKey = await provider.ed25519PublicKey(identitySeed);
  const ka = await createKaKey(provider, identitySeed, userId, now);
  const bundle: KeyBundle = {
    v: FORMAT_VERSION,
    suite: SUITE,
    identitySeed,
    kaKeys: [ka],
    trust: createTrustStore(),
  };
  return {
    accountKey: provider.randomBytes(KEY_LENGTH),
    bundle,
    identityKey,
    keyAgreementKey: toSignedKaKey(ka),
  };
}

/**
 * Adds a new key-agreement key when the newest one has expired (every 30 days); old private keys
 * stay in the bundle so envelopes sealed to them still open.
 *
 * @returns The bundle (a new object if a key was added) and the new key's wire form to publish.
 */
export async function rotateKaKeyIfDue(
  provider: CryptoProvider,
  bundle: KeyBundle,
  userId: string,
  now: number,
): Promise<{ bundle: KeyBundle; added?: SignedKaKey }> {
  if (!isKaRotationDue(bundle.kaKeys, now)) return { bundle };
  const ka = await createKaKey(provider, bundle.identitySeed, userId, now);
  return { bundle: { ...bundle, kaKeys: [...bundle.kaKeys, ka] }, added: toSignedKaKey(ka) };
}

/**
 * Encrypts the key bundle under `HKDF(accountKey, "cs1/bundle")` with AES-256-GCM. AAD binds
 * the user id, `v` and `suite`, so the server cannot hand one user's bundle to another.
 *
 * @returns 0x01 ‖ nonce (12) ‖ ciphertext ‖ tag (16).
 */
export async function encryptBundle(
  provider: CryptoProvider,
  accountKey: Uint8Array,
  userId: string,
  bundle: KeyBundle,
): Promise<Uint8Array> {
  assertBytes(accountKey, 'accountKey', KEY_LENGTH);
  const key = await bundleKey(provider, accountKey);
  const plaintext = canonicalBytes(bundle);
  try {
    const nonce = provider.randomBytes(NONCE_LENGTH);
    const ct = await provider.aesGcmEncrypt(key, nonce, plaintext, bundleAad(userId));
    return concatBytes(Uint8Array.of(BUNDLE_PREFIX), nonce, ct);
  } finally {
    zeroize(key, plaintext);
  }
}

/**
 * Inverse of {@link encryptBundle}.
 *
 * @throws CryptoError `unsupported_suite` for a blob of another suite; `aead_fail` for a wrong
 *   account key, another user's bundle or any tampering; `invalid_input` if the decrypted content
 *   is not a well-formed bundle.
 */
export async function decryptBundle(
  provider: CryptoProvider,
  accountKey: Uint8Array,
  userId: string,
  blob: Uint8Array,
): Promise<KeyBundle> {
  assertBytes(accountKey, 'accountKey', KEY_LENGTH);
  assertBytes(blob, 'blob');
  if (blob.length < 1 + NONCE_LENGTH + TAG_LENGTH) {
    throw new CryptoError('invalid_input', 'encrypted bundle too short');
  }
  if (blob[0] !== BUNDLE_PREFIX)
    throw new CryptoError('unsupported_suite', 'unknown bundle format');
  const key = await bundleKey(provider, accountKey);
  let plaintext: Uint8Array | undefined;
  try {
    const nonce = blob.subarray(1, 1 + NONCE_LENGTH);
    plaintext = await provider.aesGcmDecrypt(
      key,
      nonce,
      blob.subarray(1 + NONCE_LENGTH),
      bundleAad(userId),
    );
    return parseBundle(plaintext);
  } finally {
    // The parsed JSON strings cannot be erased; the bytes at least can.
    zeroize(key, plaintext);
  }
}

function bundleKey(provider: CryptoProvider, accountKey: Uint8Array): Promise<Uint8Array> {
  return provider.hkdf(accountKey, undefined, utf8(LABELS.bundle), KEY_LENGTH);
}

function bundleAad(userId: string): Uint8Array {
  return canonicalBytes({ label: LABELS.bundle, userId, v: FORMAT_VERSION, suite: SUITE });
}

function parseBundle(plaintext: Uint8Array): KeyBundle {
  let raw: unknown;
  try {
    raw = JSON.parse(fromUtf8(plaintext));
  } catch (cause) {
    throw new CryptoError('invalid_input', 'bundle is not JSON', { cause });
  }
  if (
    !isRecord(raw) ||
    raw.v !== FORMAT_VERSION ||
    raw.suite !== SUITE ||
    !Array.isArray(raw.kaKeys)
  ) {
    throw new CryptoError('invalid_input', 'malformed key bundle');
  }
  return {
    v: FORMAT_VERSION,
    suite: SUITE,
    identitySeed: bytesField(raw.identitySeed, 32),
    kaKeys: raw.kaKeys.map(parseKaKey),
    trust: parseTrustStore(raw.trust),
  };
}

function parseKaKey(raw: unknown): KaPrivateKey {
  if (
    !isRecord(raw) ||
    !Number.isSafeInteger(raw.notBefore) ||
    !Number.isSafeInteger(raw.notAfter)
  ) {
    throw new CryptoError('invalid_input', 'malformed key-agreement key');
  }
  return {
    kaId: bytesField(raw.kaId, 16),
    privateKey: bytesField(raw.privateKey, 32),
    publicKey: bytesField(raw.publicKey, 32),
    notBefore: raw.notBefore as number,
    notAfter: raw.notAfter as number,
    sig: bytesField(raw.sig, 64),
  };
}

function bytesField(value: unknown, length: number): Uint8Array {
  try {
    if (typeof value === 'string') {
      const bytes = fromB64u(value);
      if (bytes.length === length) return bytes;
    }
  } catch {
    // fall through to the typed error
  }
  throw new CryptoError('invalid_input', `bundle field must be ${length} bytes`);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
