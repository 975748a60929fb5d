import { assertBytes, concatBytes, utf8 } from './encoding.js';
import type { CryptoProvider } from './provider.js';

/** SHA-512 iterations of Signal's displayable fingerprint (libsignal `fingerprint.rs`). */
export const SAFETY_NUMBER_ITERATIONS = 5200;

/** cs1's key-type byte in front of an identity key (Signal uses 0x05 for its Curve25519 keys). */
const KEY_TYPE_ED25519 = 0x01;
const FINGERPRINT_VERSION = Uint8Array.of(0x00, 0x00);

/**
 * One party's half of a safety number, by Signal's algorithm: SHA-512 over
 * `0x0000 ‖ keyBytes ‖ id ‖ keyBytes`, then `iterations − 1` more rounds of
 * `SHA-512(previous ‖ keyBytes)`; the first 30 bytes, as six big-endian 5-byte groups each taken
 * mod 100000, give 30 digits.
 *
 * @param iterations - Total hash rounds (5200 for display).
 * @param id - The stable identifier bytes (libsignal: the phone number; cs1: the user id).
 * @param keyBytes - The serialised public key, type byte included.
 * @returns 30 decimal digits.
 */
export async function fingerprintCore(
  provider: CryptoProvider,
  iterations: number,
  id: Uint8Array,
  keyBytes: Uint8Array,
): Promise<string> {
  if (!Number.isSafeInteger(iterations) || iterations < 1) {
    throw new RangeError('iterations must be a positive integer');
  }
  assertBytes(id, 'id');
  assertBytes(keyBytes, 'keyBytes');
  let hash = await provider.sha512(concatBytes(FINGERPRINT_VERSION, keyBytes, id, keyBytes));
  for (let i = 1; i < iterations; i++) {
    hash = await provider.sha512(concatBytes(hash, keyBytes));
  }
  let digits = '';
  for (let offset = 0; offset < 30; offset += 5) {
    let chunk = 0;
    // 5 bytes = 40 bits: exact in a double, so plain arithmetic is safe.
    for (let j = 0; j < 5; j++) chunk = chunk * 256 + hash[offset + j]!;
    digits += String(chunk % 100_000).padStart(5, '0');
  }
  return digits;
}

/** A party of a safety-number comparison. */
export interface SafetyNumberParty {
  userId: string;
  /** Ed25519 identity public key (32 bytes). */
  identityKey: Uint8Array;
}

/**
 * The 60-digit safety number of two users, identical on both sides: each user's 30-digit
 * fingerprint of `0x01 ‖ identityKey` with their user id, the smaller first. It changes whenever
 * either identity key changes.
 *
 * @example
 * ```ts
 * const digits = await safetyNumber(provider, me, bob); // '30035 44776 …' once grouped by 5
 * ```
 */
export async function safetyNumber(
  provider: CryptoProvider,
  a: SafetyNumberParty,
  b: SafetyNumberParty,
): Promise<string> {
  const [fa, fb] = await Promise.all([fingerprintOf(provider, a), fingerprintOf(provider, b)]);
  return fa < fb ? fa + fb : fb + fa;
}

function fingerprintOf(provider: CryptoProvider, party: SafetyNumberParty): Promise<string> {
  assertBytes(party.identityKey, 'identityKey', 32);
  const keyBytes = concatBytes(Uint8Array.of(KEY_TYPE_ED25519), party.identityKey);
  return fingerprintCore(provider, SAFETY_NUMBER_ITERATIONS, utf8(party.userId), keyBytes);
}

/** Splits 60 digits into twelve groups of five for display: `'30035 44776 …'`. */
export function formatSafetyNumber(digits: string): string {
  return digits.replace(/(\d{5})(?=\d)/g, '$1 ');
}
