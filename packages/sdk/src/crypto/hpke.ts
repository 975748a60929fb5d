import { assertBytes, concatBytes, utf8, zeroize } from './encoding.js';
import type { CryptoProvider } from './provider.js';

/**
 * HPKE (RFC 9180) in base mode, single shot: DHKEM(X25519, HKDF-SHA256), HKDF-SHA256 and
 * AES-GCM, composed from the provider's primitives so both backends share one implementation.
 * cs1 seals each epoch key to each member with it (AES-256-GCM, AEAD id 0x0002); the AEAD key
 * length is a parameter only so the RFC's AES-128-GCM test vector exercises this same code.
 */

/** The AEADs this implementation knows (RFC 9180 §7.3). cs1 uses `'aes-256-gcm'`. */
export type HpkeAead = 'aes-128-gcm' | 'aes-256-gcm';

const AEADS = {
  'aes-128-gcm': { id: 0x0001, keyLength: 16 },
  'aes-256-gcm': { id: 0x0002, keyLength: 32 },
} as const;
const KEM_ID = 0x0020; // DHKEM(X25519, HKDF-SHA256)
const KDF_ID = 0x0001; // HKDF-SHA256
const N_SECRET = 32;
const N_NONCE = 12;
const N_PK = 32;
const MODE_BASE = 0x00;
const HPKE_V1 = utf8('HPKE-v1');
const KEM_SUITE = concatBytes(utf8('KEM'), i2osp(KEM_ID, 2));
const EMPTY = new Uint8Array(0);

/** Inputs of {@link hpkeSeal}. */
export interface HpkeSealInput {
  /** The recipient's X25519 public key (32 bytes). */
  recipientPublicKey: Uint8Array;
  /** Context the key schedule binds (who, what for); must match at open. */
  info: Uint8Array;
  /** Additional authenticated data; must match at open. */
  aad: Uint8Array;
  plaintext: Uint8Array;
  /**
   * Fixed ephemeral private key, **for test vectors only**: reusing one breaks confidentiality.
   * Default: a fresh random key per call.
   */
  ephemeralPrivateKey?: Uint8Array;
  /** AEAD. Default: `'aes-256-gcm'` (cs1). */
  aead?: HpkeAead;
}

/** Inputs of {@link hpkeOpen}. */
export interface HpkeOpenInput {
  /** The recipient's X25519 private key (32 bytes). */
  recipientPrivateKey: Uint8Array;
  /** The encapsulated key from {@link hpkeSeal} (32 bytes). */
  enc: Uint8Array;
  info: Uint8Array;
  aad: Uint8Array;
  /** Ciphertext ‖ tag from {@link hpkeSeal}. */
  ct: Uint8Array;
  /** AEAD. Default: `'aes-256-gcm'` (cs1). */
  aead?: HpkeAead;
}

/**
 * Encrypts `plaintext` to `recipientPublicKey` (RFC 9180 §6.1 `Seal` with `SetupBaseS`). A fresh
 * ephemeral key per call means the sender's own long-term keys can never open the result.
 *
 * @returns `enc` (the ephemeral public key, 32 bytes) and `ct` (ciphertext ‖ 16-byte tag).
 * @throws CryptoError `invalid_key` if the recipient key is of low order.
 *
 * @example
 * ```ts
 * const { enc, ct } = await hpkeSeal(provider, { recipientPublicKey, info, aad, plaintext: cek });
 * ```
 */
export async function hpkeSeal(
  provider: CryptoProvider,
  input: HpkeSealInput,
): Promise<{ enc: Uint8Array; ct: Uint8Array }> {
  const { recipientPublicKey: pkR, info, aad, plaintext } = input;
  assertBytes(pkR, 'recipientPublicKey', N_PK);
  assertBytes(info, 'info');
  assertBytes(aad, 'aad');
  assertBytes(plaintext, 'plaintext');
  const aead = AEADS[input.aead ?? 'aes-256-gcm'];
  if (input.ephemeralPrivateKey !== undefined) {
    assertBytes(input.ephemeralPrivateKey, 'ephemeralPrivateKey', 32);
  }
  const { enc, dh } = await encap(provider, pkR, input.ephemeralPrivateKey);
  const shared = await extractAndExpand(provider, dh, concatBytes(enc, pkR));
  const { key, nonce } = await keySchedule(provider, shared, info, aead);
  try {
    // Single shot: sequence number 0, so the nonce is base_nonce itself.
    const ct = await provider.aesGcmEncrypt(key, nonce, plaintext, aad);
    return { enc, ct };
  } finally {
    zeroize(dh, shared, key);
  }
}

/** The DH half of DHKEM `Encap` (RFC 9180 §4.1): ephemeral public key and DH(skE, pkR). */
async function encap(
  provider: CryptoProvider,
  pkR: Uint8Array,
  fixedEphemeral: Uint8Array | undefined,
): Promise<{ enc: Uint8Array; dh: Uint8Array }> {
  if (fixedEphemeral === undefined) {
    const { publicKey, sharedSecret } = await provider.x25519Ephemeral(pkR);
    return { enc: publicKey, dh: sharedSecret };
  }
  const [enc, dh] = await Promise.all([
    provider.x25519PublicKey(fixedEphemeral),
    provider.x25519SharedSecret(fixedEphemeral, pkR),
  ]);
  return { enc, dh };
}

/**
 * Decrypts what {@link hpkeSeal} produced (RFC 9180 §6.1 `Open` with `SetupBaseR`).
 *
 * @throws CryptoError `aead_fail` for the wrong key, `info` or `aad`, or any tampering;
 *   `invalid_key` if `enc` is of low order.
 */
export async function hpkeOpen(
  provider: CryptoProvider,
  input: HpkeOpenInput,
): Promise<Uint8Array> {
  const { recipientPrivateKey: skR, enc, info, aad, ct } = input;
  assertBytes(skR, 'recipientPrivateKey', 32);
  assertBytes(enc, 'enc', N_PK);
  assertBytes(info, 'info');
  assertBytes(aad, 'aad');
  assertBytes(ct, 'ct');
  const aead = AEADS[input.aead ?? 'aes-256-gcm'];
  const [dh, pkR] = await Promise.all([
    provider.x25519SharedSecret(skR, enc),
    provider.x25519PublicKey(skR),
  ]);
  const shared = await extractAndExpand(provider, dh, concatBytes(enc, pkR));
  const { key, nonce } = await keySchedule(provider, shared, info, aead);
  try {
    return await provider.aesGcmDecrypt(key, nonce, ct, aad);
  } finally {
    zeroize(dh, shared, key);
  }
}

/**
 * `DeriveKeyPair(ikm)` of DHKEM(X25519) (RFC 9180 §7.1.3): a deterministic key pair from seed
 * material. Used to check the RFC vectors; cs1 itself uses random keys.
 */
export async function hpkeDeriveKeyPair(
  provider: CryptoProvider,
  ikm: Uint8Array,
): Promise<{ privateKey: Uint8Array; publicKey: Uint8Array }> {
  assertBytes(ikm, 'ikm');
  const prk = await labeledExtract(provider, KEM_SUITE, EMPTY, 'dkp_prk', ikm);
  const privateKey = await labeledExpand(provider, KEM_SUITE, prk, 'sk', EMPTY, 32);
  zeroize(prk);
  return { privateKey, publicKey: await provider.x25519PublicKey(privateKey) };
}

/** DHKEM `ExtractAndExpand` (RFC 9180 §4.1). */
async function extractAndExpand(
  provider: CryptoProvider,
  dh: Uint8Array,
  kemContext: Uint8Array,
): Promise<Uint8Array> {
  const prk = await labeledExtract(provider, KEM_SUITE, EMPTY, 'eae_prk', dh);
  try {
    return await labeledExpand(provider, KEM_SUITE, prk, 'shared_secret', kemContext, N_SECRET);
  } finally {
    zeroize(prk);
  }
}

/** `KeySchedule` in base mode (RFC 9180 §5.1): empty PSK and PSK id. */
async function keySchedule(
  provider: CryptoProvider,
  sharedSecret: Uint8Array,
  info: Uint8Array,
  aead: { id: number; keyLength: number },
): Promise<{ key: Uint8Array; nonce: Uint8Array }> {
  const suite = concatBytes(utf8('HPKE'), i2osp(KEM_ID, 2), i2osp(KDF_ID, 2), i2osp(aead.id, 2));
  const [pskIdHash, infoHash, secret] = await Promise.all([
    labeledExtract(provider, suite, EMPTY, 'psk_id_hash', EMPTY),
    labeledExtract(provider, suite, EMPTY, 'info_hash', info),
    labeledExtract(provider, suite, sharedSecret, 'secret', EMPTY),
  ]);
  const context = concatBytes(Uint8Array.of(MODE_BASE), pskIdHash, infoHash);
  try {
    const [key, nonce] = await Promise.all([
      labeledExpand(provider, suite, secret, 'key', context, aead.keyLength),
      labeledExpand(provider, suite, secret, 'base_nonce', context, N_NONCE),
    ]);
    return { key, nonce };
  } finally {
    zeroize(secret);
  }
}

/** `LabeledExtract` (RFC 9180 §4): HKDF-Extract = HMAC(salt, "HPKE-v1" ‖ suite ‖ label ‖ ikm). */
function labeledExtract(
  provider: CryptoProvider,
  suite: Uint8Array,
  salt: Uint8Array,
  label: string,
  ikm: Uint8Array,
): Promise<Uint8Array> {
  // RFC 5869 §2.2: an empty salt acts as HashLen zero bytes; the HMAC key is the salt.
  return provider.hmacSha256(salt, concatBytes(HPKE_V1, suite, utf8(label), ikm));
}

/**
 * `LabeledExpand` (RFC 9180 §4). Every HPKE output here is at most one SHA-256 block, so
 * HKDF-Expand (RFC 5869 §2.3) is its first step alone: T(1) = HMAC(prk, info ‖ 0x01).
 */
async function labeledExpand(
  provider: CryptoProvider,
  suite: Uint8Array,
  prk: Uint8Array,
  label: string,
  info: Uint8Array,
  length: number,
): Promise<Uint8Array> {
  if (length > 32) throw new RangeError('HPKE output longer than one HKDF block');
  const labeledInfo = concatBytes(i2osp(length, 2), HPKE_V1, suite, utf8(label), info);
  const t1 = await provider.hmacSha256(prk, concatBytes(labeledInfo, Uint8Array.of(1)));
  const out = t1.slice(0, length);
  zeroize(t1);
  return out;
}

/** Big-endian encoding of `n` in `length` bytes (RFC 8017 I2OSP). */
function i2osp(n: number, length: number): Uint8Array {
  const out = new Uint8Array(length);
  for (let i = length - 1, v = n; i >= 0; i--, v = Math.floor(v / 256)) out[i] = v & 0xff;
  return out;
}
