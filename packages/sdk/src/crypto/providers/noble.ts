import { gcm } from '@noble/ciphers/aes.js';
import { ed25519, x25519 } from '@noble/curves/ed25519.js';
import { bytesToNumberLE } from '@noble/curves/utils.js';
import { hkdf } from '@noble/hashes/hkdf.js';
import { hmac } from '@noble/hashes/hmac.js';
import { sha256, sha512 } from '@noble/hashes/sha2.js';
import { randomBytes } from '@noble/hashes/utils.js';
import { assertBytes, concatBytes, equalBytes } from '../encoding.js';
import { CryptoError } from '../errors.js';
import type { CryptoProvider } from '../provider.js';
import {
  assertGcmInputs,
  assertHkdfInputs,
  assertRandomLength,
  isScalarCanonical,
} from './checks.js';

const Point = ed25519.Point;
const L = Point.Fn.ORDER;
const RANDOM_CHUNK = 65_536;

/**
 * The portable {@link CryptoProvider}: pure JavaScript from `@noble` (audited, constant-time where
 * it matters), for runtimes whose WebCrypto lacks Ed25519 or X25519. Slower than WebCrypto by an
 * order of magnitude on signatures, identical in results.
 *
 * @example
 * ```ts
 * const provider = createNobleProvider();
 * const sig = await provider.ed25519Sign(seed, message);
 * ```
 */
export function createNobleProvider(): CryptoProvider {
  return {
    name: 'noble',
    randomBytes(length) {
      assertRandomLength(length);
      // noble (like getRandomValues) caps one call at 64 KiB; attachments need more.
      const out = new Uint8Array(length);
      for (let i = 0; i < length; i += RANDOM_CHUNK) {
        out.set(randomBytes(Math.min(RANDOM_CHUNK, length - i)), i);
      }
      return out;
    },
    async sha256(data) {
      assertBytes(data, 'data');
      return sha256(data);
    },
    async sha512(data) {
      assertBytes(data, 'data');
      return sha512(data);
    },
    async hmacSha256(key, data) {
      assertBytes(key, 'key');
      assertBytes(data, 'data');
      return hmac(sha256, key, data);
    },
    async hkdf(ikm, salt, info, length) {
      assertHkdfInputs(ikm, salt, info, length);
      if (length === 0) return new Uint8Array(0);
      return hkdf(sha256, ikm, salt, info, length);
    },
    async aesGcmEncrypt(key, nonce, plaintext, aad) {
      assertGcmInputs(key, nonce, aad);
      assertBytes(plaintext, 'plaintext');
      // A fresh cipher instance per call: noble refuses a second encrypt on one instance.
      return gcm(key, nonce, aad).encrypt(plaintext);
    },
    async aesGcmDecrypt(key, nonce, ciphertextAndTag, aad) {
      assertGcmInputs(key, nonce, aad);
      assertBytes(ciphertextAndTag, 'ciphertextAndTag');
      if (ciphertextAndTag.length < 16) throw new CryptoError('aead_fail', 'ciphertext too short');
      try {
        return gcm(key, nonce, aad).decrypt(ciphertextAndTag);
      } catch (cause) {
        throw new CryptoError('aead_fail', 'AES-GCM authentication failed', { cause });
      }
    },
    async ed25519PublicKey(seed) {
      assertBytes(seed, 'seed', 32);
      return ed25519.getPublicKey(seed);
    },
    async ed25519Sign(seed, message) {
      assertBytes(seed, 'seed', 32);
      assertBytes(message, 'message');
      return ed25519.sign(message, seed);
    },
    async ed25519Verify(signature, message, publicKey) {
      return verifyStrict(signature, message, publicKey);
    },
    async x25519PublicKey(privateKey) {
      assertBytes(privateKey, 'privateKey', 32);
      return x25519.getPublicKey(privateKey);
    },
    async x25519SharedSecret(privateKey, publicKey) {
      assertBytes(privateKey, 'privateKey', 32);
      assertBytes(publicKey, 'publicKey', 32);
      return sharedSecret(privateKey, publicKey);
    },
    async x25519Ephemeral(peerPublicKey) {
      assertBytes(peerPublicKey, 'peerPublicKey', 32);
      const secretKey = x25519.utils.randomSecretKey();
      try {
        const shared = sharedSecret(secretKey, peerPublicKey);
        return { publicKey: x25519.getPublicKey(secretKey), sharedSecret: shared };
      } finally {
        secretKey.fill(0);
      }
    },
  };
}

function sharedSecret(privateKey: Uint8Array, publicKey: Uint8Array): Uint8Array {
  try {
    // noble throws on a low-order public key, whose shared secret would be all zeros.
    return x25519.getSharedSecret(privateKey, publicKey);
  } catch (cause) {
    throw new CryptoError('invalid_key', 'X25519 public key of low order', { cause });
  }
}

/**
 * Strict RFC 8032 §5.1.7 verification, matching native WebCrypto bit for bit.
 *
 * noble's `verify(…, { zip215: false })` does every strictness check we need (canonical A,
 * s < L, small-order A rejected) but tests the *cofactored* equation [8][s]B = [8]R + [8][k]A,
 * while OpenSSL and BoringSSL (behind WebCrypto) test the cofactorless [s]B = R + [k]A by
 * re-encoding. A signer can craft an R with a small-order component that only the cofactored
 * check accepts, and then two members' clients would disagree on whether a message is
 * authentic. RFC 8032 allows either, so this function keeps noble's strict checks (strict point
 * decoding, s < L, small-order A rejected) and tests the cofactorless equation with noble's point
 * arithmetic; both backends then agree on every input (see `ed25519-agreement.test.ts`).
 *
 * @returns false for any malformed signature or key; throws `TypeError` only for non-bytes.
 */
function verifyStrict(signature: Uint8Array, message: Uint8Array, publicKey: Uint8Array): boolean {
  assertBytes(signature, 'signature');
  assertBytes(message, 'message');
  assertBytes(publicKey, 'publicKey');
  if (signature.length !== 64 || publicKey.length !== 32) return false;
  const r = signature.subarray(0, 32);
  const sBytes = signature.subarray(32);
  if (!isScalarCanonical(sBytes)) return false;
  let A;
  try {
    A = Point.fromBytes(publicKey, false);
  } catch {
    return false;
  }
  if (A.isSmallOrder()) return false;
  const k = bytesToNumberLE(sha512(concatBytes(r, publicKey, message))) % L;
  const s = bytesToNumberLE(sBytes);
  // Public inputs only, so the variable-time multiplication is fine (noble's verify uses it too).
  const expectedR = Point.BASE.multiplyUnsafe(s).subtract(A.multiplyUnsafe(k));
  return equalBytes(expectedR.toBytes(), r);
}
