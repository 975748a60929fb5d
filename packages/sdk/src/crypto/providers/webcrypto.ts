import { assertBytes, concatBytes, equalBytes, fromB64u } from '../encoding.js';
import { CryptoError } from '../errors.js';
import type { CryptoProvider } from '../provider.js';
import {
  assertGcmInputs,
  assertHkdfInputs,
  assertRandomLength,
  isPointEncodingCanonical,
  isScalarCanonical,
  isSmallOrderEncoding,
} from './checks.js';
import type * as SmallHashesModule from './small-hashes.js';

// PKCS#8 wrappers for a raw 32-byte private key (RFC 8410): WebCrypto has no raw import of
// private OKP keys, and these fixed 16-byte DER headers are all PKCS#8 adds for Ed25519/X25519.
const PKCS8_ED25519 = Uint8Array.from([
  0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20,
]);
const PKCS8_X25519 = Uint8Array.from([
  0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x6e, 0x04, 0x22, 0x04, 0x20,
]);
// Below this many bytes a hash, HMAC or HKDF is cheaper in JavaScript than the round trip
// through WebCrypto's promise machinery (measured: about half the CPU per message); the
// algorithms are the same, so the output is byte-identical either way. The JavaScript
// versions (./small-hashes.js) are imported on the first small input and used once they have
// arrived; until then WebCrypto answers, so nothing ever waits for them.
const SMALL_INPUT = 2048;
// getRandomValues refuses more than 65536 bytes per call.
const RANDOM_CHUNK = 65_536;
// How many imported Ed25519 public keys to keep: verifying a conversation's history checks the
// same few senders' keys thousands of times, and an import costs as much as a hash.
const VERIFY_KEY_CACHE_SIZE = 256;

type SmallHashes = typeof SmallHashesModule;
let smallHashes: SmallHashes | undefined;
let smallHashesLoading: Promise<void> | undefined;

/** noble's hashes for an input of `size` bytes if it is small and they have loaded, else none. */
function jsHashesFor(size: number): SmallHashes | undefined {
  if (size > SMALL_INPUT) return undefined;
  smallHashesLoading ??= import('./small-hashes.js').then(
    (loaded) => {
      smallHashes = loaded;
    },
    () => {
      smallHashesLoading = undefined; // a failed chunk load is retried on the next hash
    },
  );
  return smallHashes;
}

/**
 * The native {@link CryptoProvider}: WebCrypto's Ed25519, X25519, AES-GCM, HKDF, HMAC and SHA-2
 * (Node 20+, current browsers), 10–20× faster than pure JavaScript.
 *
 * Ed25519 verification adds cheap checks where native implementations are laxer than strict
 * RFC 8032 (non-canonical R or A, small-order A, s ≥ L), so it accepts exactly what the noble
 * provider accepts.
 *
 * @param subtle - The `SubtleCrypto` to use. Default: `globalThis.crypto.subtle`.
 * @throws TypeError if no `SubtleCrypto` is available.
 *
 * @example
 * ```ts
 * const provider = createWebCryptoProvider();
 * const ok = await provider.ed25519Verify(sig, message, publicKey);
 * ```
 */
export function createWebCryptoProvider(
  subtle: SubtleCrypto = globalThis.crypto?.subtle,
): CryptoProvider {
  if (subtle === undefined) throw new TypeError('WebCrypto (crypto.subtle) is not available');
  const verifyKeys = new Map<string, Promise<CryptoKey>>();
  const signingKey = importCache((seed) => {
    const der = concatBytes(PKCS8_ED25519, seed);
    return subtle
      .importKey('pkcs8', buf(der), { name: 'Ed25519' }, false, ['sign'])
      .finally(() => der.fill(0));
  });
  const agreementKey = importCache((privateKey) => {
    const der = concatBytes(PKCS8_X25519, privateKey);
    const usages: KeyUsage[] = ['deriveBits'];
    return subtle
      .importKey('pkcs8', buf(der), { name: 'X25519' }, false, usages)
      .finally(() => der.fill(0));
  });

  async function deriveX25519(priv: CryptoKey, publicKey: Uint8Array): Promise<Uint8Array> {
    let shared: Uint8Array;
    try {
      const pub = await subtle.importKey('raw', buf(publicKey), { name: 'X25519' }, false, []);
      shared = new Uint8Array(await subtle.deriveBits({ name: 'X25519', public: pub }, priv, 256));
    } catch (cause) {
      // Native X25519 fails on an all-zero result (a low-order public key), like noble.
      throw new CryptoError('invalid_key', 'X25519 key agreement failed', { cause });
    }
    // Not every runtime checks; RFC 7748 §6.1 says to.
    if (shared.every((b) => b === 0)) {
      throw new CryptoError('invalid_key', 'X25519 public key of low order');
    }
    return shared;
  }

  function importVerifyKey(publicKey: Uint8Array): Promise<CryptoKey> {
    const id = String.fromCharCode(...publicKey);
    let key = verifyKeys.get(id);
    if (key === undefined) {
      key = subtle.importKey('raw', buf(publicKey), { name: 'Ed25519' }, false, ['verify']);
      if (verifyKeys.size >= VERIFY_KEY_CACHE_SIZE) {
        verifyKeys.delete(verifyKeys.keys().next().value!);
      }
      verifyKeys.set(id, key);
      key.catch(() => verifyKeys.delete(id));
    }
    return key;
  }

  const edPublicKey = importCache((seed) => publicKeyOf(PKCS8_ED25519, 'Ed25519', seed));
  const xPublicKey = importCache((privateKey) => publicKeyOf(PKCS8_X25519, 'X25519', privateKey));

  async function publicKeyOf(header: Uint8Array, name: 'Ed25519' | 'X25519', secret: Uint8Array) {
    const der = concatBytes(header, secret);
    try {
      const usages: KeyUsage[] = name === 'Ed25519' ? ['sign'] : ['deriveBits'];
      const key = await subtle.importKey('pkcs8', buf(der), { name }, true, usages);
      const jwk = await subtle.exportKey('jwk', key);
      if (typeof jwk.x !== 'string') throw new CryptoError('invalid_key', 'no public key in JWK');
      return fromB64u(jwk.x);
    } finally {
      der.fill(0);
    }
  }

  return {
    name: 'webcrypto',
    randomBytes(length) {
      assertRandomLength(length);
      const out = new Uint8Array(length);
      for (let i = 0; i < length; i += RANDOM_CHUNK) {
        globalThis.crypto.getRandomValues(out.subarray(i, Math.min(length, i + RANDOM_CHUNK)));
      }
      return out;
    },
    async sha256(data) {
      assertBytes(data, 'data');
      const js = jsHashesFor(data.length);
      if (js) return js.sha256(data);
      return new Uint8Array(await subtle.digest('SHA-256', buf(data)));
    },
    async sha512(data) {
      assertBytes(data, 'data');
      const js = jsHashesFor(data.length);
      if (js) return js.sha512(data);
      return new Uint8Array(await subtle.digest('SHA-512', buf(data)));
    },
    async hmacSha256(key, data) {
      assertBytes(key, 'key');
      assertBytes(data, 'data');
      const js = jsHashesFor(data.length);
      if (js) return js.hmac(js.sha256, key, data);
      // WebCrypto refuses an empty HMAC key; HMAC pads keys with zeros to the block size, so
      // 32 zero bytes is the same key (RFC 2104 §2). HPKE's LabeledExtract needs this.
      const raw = key.length === 0 ? new Uint8Array(32) : key;
      const k = await subtle.importKey('raw', buf(raw), { name: 'HMAC', hash: 'SHA-256' }, false, [
        'sign',
      ]);
      return new Uint8Array(await subtle.sign('HMAC', k, buf(data)));
    },
    async hkdf(ikm, salt, info, length) {
      assertHkdfInputs(ikm, salt, info, length);
      if (length === 0) return new Uint8Array(0);
      const js = jsHashesFor(ikm.length + info.length);
      if (js) return js.hkdf(js.sha256, ikm, salt, info, length);
      const k = await subtle.importKey('raw', buf(ikm), 'HKDF', false, ['deriveBits']);
      const params = {
        name: 'HKDF',
        hash: 'SHA-256',
        // RFC 5869: a missing salt is HashLen zero bytes.
        salt: buf(salt ?? new Uint8Array(32)),
        info: buf(info),
      };
      return new Uint8Array(await subtle.deriveBits(params, k, length * 8));
    },
    async aesGcmEncrypt(key, nonce, plaintext, aad) {
      assertGcmInputs(key, nonce, aad);
      assertBytes(plaintext, 'plaintext');
      const k = await subtle.importKey('raw', buf(key), 'AES-GCM', false, ['encrypt']);
      const params = { name: 'AES-GCM', iv: buf(nonce), additionalData: buf(aad), tagLength: 128 };
      return new Uint8Array(await subtle.encrypt(params, k, buf(plaintext)));
    },
    async aesGcmDecrypt(key, nonce, ciphertextAndTag, aad) {
      assertGcmInputs(key, nonce, aad);
      assertBytes(ciphertextAndTag, 'ciphertextAndTag');
      if (ciphertextAndTag.length < 16) throw new CryptoError('aead_fail', 'ciphertext too short');
      const k = await subtle.importKey('raw', buf(key), 'AES-GCM', false, ['decrypt']);
      const params = { name: 'AES-GCM', iv: buf(nonce), additionalData: buf(aad), tagLength: 128 };
      try {
        return new Uint8Array(await subtle.decrypt(params, k, buf(ciphertextAndTag)));
      } catch (cause) {
        throw new CryptoError('aead_fail', 'AES-GCM authentication failed', { cause });
      }
    },
    async ed25519PublicKey(seed) {
      assertBytes(seed, 'seed', 32);
      return (await edPublicKey(seed)).slice();
    },
    async ed25519Sign(seed, message) {
      assertBytes(seed, 'seed', 32);
      assertBytes(message, 'message');
      const k = await signingKey(seed);
      return new Uint8Array(await subtle.sign({ name: 'Ed25519' }, k, buf(message)));
    },
    async ed25519Verify(signature, message, publicKey) {
      assertBytes(signature, 'signature');
      assertBytes(message, 'message');
      assertBytes(publicKey, 'publicKey');
      if (!strictPrecheck(signature, publicKey)) return false;
      try {
        const k = await importVerifyKey(publicKey);
        return await subtle.verify({ name: 'Ed25519' }, k, buf(signature), buf(message));
      } catch {
        return false;
      }
    },
    async x25519PublicKey(privateKey) {
      assertBytes(privateKey, 'privateKey', 32);
      return (await xPublicKey(privateKey)).slice();
    },
    async x25519SharedSecret(privateKey, publicKey) {
      assertBytes(privateKey, 'privateKey', 32);
      assertBytes(publicKey, 'publicKey', 32);
      return deriveX25519(await agreementKey(privateKey), publicKey);
    },
    async x25519Ephemeral(peerPublicKey) {
      assertBytes(peerPublicKey, 'peerPublicKey', 32);
      // Generated inside WebCrypto and never exported: only its public half leaves.
      const pair = (await subtle.generateKey({ name: 'X25519' }, false, [
        'deriveBits',
      ])) as CryptoKeyPair;
      const [publicKey, sharedSecret] = await Promise.all([
        subtle.exportKey('raw', pair.publicKey),
        deriveX25519(pair.privateKey, peerPublicKey),
      ]);
      return { publicKey: new Uint8Array(publicKey), sharedSecret };
    },
  };
}

/**
 * Imports of private keys cost more than the operation itself (PKCS#8 parsing and deriving the
 * public key), and the same identity seed signs every message, the same KA key opens every
 * envelope. Entries are keyed by the caller's array, so they die with it, and hold a copy of
 * the bytes so an array that was overwritten (e.g. zeroed at logout) is never served a stale key.
 */
function importCache<T>(
  importKey: (secret: Uint8Array) => Promise<T>,
): (secret: Uint8Array) => Promise<T> {
  const cache = new WeakMap<Uint8Array, { copy: Uint8Array; key: Promise<T> }>();
  return (secret) => {
    const hit = cache.get(secret);
    if (hit !== undefined && equalBytes(hit.copy, secret)) return hit.key;
    hit?.copy.fill(0);
    const key = importKey(secret);
    cache.set(secret, { copy: secret.slice(), key });
    key.catch(() => cache.delete(secret));
    return key;
  };
}

/**
 * The strict-RFC 8032 checks native verifiers may skip: lengths, s < L, canonical encodings of
 * R and A, and a small-order A (with which one signature verifies for many messages).
 */
function strictPrecheck(signature: Uint8Array, publicKey: Uint8Array): boolean {
  if (signature.length !== 64 || publicKey.length !== 32) return false;
  const r = signature.subarray(0, 32);
  return (
    isScalarCanonical(signature.subarray(32)) &&
    isPointEncodingCanonical(r) &&
    isPointEncodingCanonical(publicKey) &&
    !isSmallOrderEncoding(publicKey)
  );
}

/**
 * WebCrypto's `BufferSource` type excludes views over a `SharedArrayBuffer`; copy those, pass
 * the rest through untouched.
 */
function buf(bytes: Uint8Array): Uint8Array<ArrayBuffer> {
  return bytes.buffer instanceof ArrayBuffer
    ? (bytes as Uint8Array<ArrayBuffer>)
    : new Uint8Array(bytes);
}
