/**
 * The primitives cs1 needs, behind one interface with two implementations: WebCrypto (native,
 * fast; Node 20 and current browsers) and `@noble` (portable fallback). Both must give
 * byte-identical results on every vector and interoperate. Everything above this file (HPKE,
 * bundles, epochs, messages, attachments) is written against this interface only.
 *
 * All byte strings are `Uint8Array`. Methods that can be native are async because WebCrypto is.
 */
export interface CryptoProvider {
  /** `'webcrypto'` or `'noble'`: which implementation answers. */
  readonly name: 'webcrypto' | 'noble';

  /** Cryptographically secure random bytes. */
  randomBytes(length: number): Uint8Array;

  /** SHA-256 of `data`. */
  sha256(data: Uint8Array): Promise<Uint8Array>;
  /** SHA-512 of `data`. */
  sha512(data: Uint8Array): Promise<Uint8Array>;
  /** HMAC-SHA256 of `data` under `key`. */
  hmacSha256(key: Uint8Array, data: Uint8Array): Promise<Uint8Array>;

  /** HKDF-SHA256 (RFC 5869). `salt` undefined means a zero-filled salt of hash length. */
  hkdf(
    ikm: Uint8Array,
    salt: Uint8Array | undefined,
    info: Uint8Array,
    length: number,
  ): Promise<Uint8Array>;

  /** AES-GCM (key of 16 or 32 bytes, 12-byte nonce). Returns ciphertext ‖ 16-byte tag. */
  aesGcmEncrypt(
    key: Uint8Array,
    nonce: Uint8Array,
    plaintext: Uint8Array,
    aad: Uint8Array,
  ): Promise<Uint8Array>;
  /** Inverse of `aesGcmEncrypt`; rejects with `CryptoError('aead_fail')` on any tampering. */
  aesGcmDecrypt(
    key: Uint8Array,
    nonce: Uint8Array,
    ciphertextAndTag: Uint8Array,
    aad: Uint8Array,
  ): Promise<Uint8Array>;

  /** Ed25519 public key (32 bytes) of a 32-byte secret seed. */
  ed25519PublicKey(seed: Uint8Array): Promise<Uint8Array>;
  /** Ed25519 signature (64 bytes, RFC 8032, deterministic). */
  ed25519Sign(seed: Uint8Array, message: Uint8Array): Promise<Uint8Array>;
  /**
   * Strict Ed25519 verification (RFC 8032 §5.1.7 with canonical encodings and s < L, i.e.
   * noble's `zip215: false`); returns false, never throws, for any malformed input.
   */
  ed25519Verify(
    signature: Uint8Array,
    message: Uint8Array,
    publicKey: Uint8Array,
  ): Promise<boolean>;

  /** X25519 public key of a 32-byte private scalar (clamped as RFC 7748 says). */
  x25519PublicKey(privateKey: Uint8Array): Promise<Uint8Array>;
  /** X25519 shared secret; rejects with `CryptoError('invalid_key')` on an all-zero result. */
  x25519SharedSecret(privateKey: Uint8Array, publicKey: Uint8Array): Promise<Uint8Array>;
  /**
   * A fresh X25519 key pair used once: returns its public key and its shared secret with
   * `peerPublicKey`, and discards the private key (HPKE's `Encap`). Separate from the two methods
   * above because a native backend can generate the key inside WebCrypto, several times faster
   * than importing raw bytes, and the ephemeral secret then never exists in JavaScript memory.
   * Rejects with `CryptoError('invalid_key')` if `peerPublicKey` is of low order.
   */
  x25519Ephemeral(
    peerPublicKey: Uint8Array,
  ): Promise<{ publicKey: Uint8Array; sharedSecret: Uint8Array }>;
}
