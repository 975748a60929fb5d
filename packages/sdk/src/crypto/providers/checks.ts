import { assertBytes } from '../encoding.js';

/**
 * Input checks shared by both providers, so a bad argument fails the same way whichever backend
 * answers (a `TypeError`/`RangeError` for programmer mistakes, before any work is done).
 */

/** Largest HKDF-SHA256 output (RFC 5869: 255 × hash length). */
export const HKDF_MAX_LENGTH = 255 * 32;

/** Asserts an AES-GCM key (16 or 32 bytes) and a 12-byte nonce. */
export function assertGcmInputs(key: Uint8Array, nonce: Uint8Array, aad: Uint8Array): void {
  assertBytes(key, 'key');
  if (key.length !== 16 && key.length !== 32) {
    throw new RangeError(`AES-GCM key must be 16 or 32 bytes, got ${key.length}`);
  }
  assertBytes(nonce, 'nonce', 12);
  assertBytes(aad, 'aad');
}

/** Asserts HKDF inputs, including the RFC 5869 output limit. */
export function assertHkdfInputs(
  ikm: Uint8Array,
  salt: Uint8Array | undefined,
  info: Uint8Array,
  length: number,
): void {
  assertBytes(ikm, 'ikm');
  if (salt !== undefined) assertBytes(salt, 'salt');
  assertBytes(info, 'info');
  if (!Number.isSafeInteger(length) || length < 0 || length > HKDF_MAX_LENGTH) {
    throw new RangeError(`HKDF length must be an integer in [0, ${HKDF_MAX_LENGTH}]`);
  }
}

/** Asserts a valid `randomBytes` length. */
export function assertRandomLength(length: number): void {
  if (!Number.isSafeInteger(length) || length < 0) {
    throw new RangeError('randomBytes length must be a non-negative integer');
  }
}

/**
 * The group order L of edwards25519, little-endian. A signature's `s` must be below it (RFC 8032
 * §5.1.7), otherwise `s` and `s + L` would both verify (malleability).
 */
const L_LE = [
  0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58, 0xd6, 0x9c, 0xf7, 0xa2, 0xde, 0xf9, 0xde, 0x14, 0,
  0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x10,
];

/** True if the 32-byte little-endian integer `s` is below the group order L. */
export function isScalarCanonical(s: Uint8Array): boolean {
  for (let i = 31; i >= 0; i--) {
    const a = s[i]!;
    const b = L_LE[i]!;
    if (a !== b) return a < b;
  }
  return false; // s == L
}

/**
 * True if a 32-byte Edwards point encoding is canonical: y < p = 2^255 − 19, and not the
 * negative-zero x of y = ±1. Other encodings of the same point exist; RFC 8032 rejects them.
 */
export function isPointEncodingCanonical(p: Uint8Array): boolean {
  const y = p.slice();
  y[31]! &= 0x7f;
  const signBit = (p[31]! & 0x80) !== 0;
  // y >= p exactly when bytes 1..30 are 0xff, byte 31 is 0x7f and byte 0 >= 0xed.
  let allFF = y[31] === 0x7f;
  for (let i = 1; i < 31 && allFF; i++) allFF = y[i] === 0xff;
  if (allFF && y[0]! >= 0xed) return false;
  // x = 0 only for y = 1 and y = p − 1; its sign bit must then be 0.
  if (signBit && (isYOne(y) || isYMinusOne(y))) return false;
  return true;
}

function isYOne(y: Uint8Array): boolean {
  if (y[0] !== 1) return false;
  for (let i = 1; i < 32; i++) if (y[i] !== 0) return false;
  return true;
}

function isYMinusOne(y: Uint8Array): boolean {
  if (y[0] !== 0xec || y[31] !== 0x7f) return false;
  for (let i = 1; i < 31; i++) if (y[i] !== 0xff) return false;
  return true;
}

/**
 * Canonical encodings of the eight points of small order (the torsion subgroup), in hex. A
 * public key among them would make a signature verify for many messages, so strict verifiers
 * reject it (noble's `zip215: false` does; native WebCrypto does not).
 */
const SMALL_ORDER_HEX = [
  '0100000000000000000000000000000000000000000000000000000000000000',
  'c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a',
  '0000000000000000000000000000000000000000000000000000000000000080',
  '26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05',
  'ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f',
  '26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc85',
  '0000000000000000000000000000000000000000000000000000000000000000',
  'c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac03fa',
];
const SMALL_ORDER = new Set(SMALL_ORDER_HEX);

/** True if a canonical point encoding is one of the eight small-order points. */
export function isSmallOrderEncoding(p: Uint8Array): boolean {
  let hex = '';
  for (const b of p) hex += b.toString(16).padStart(2, '0');
  return SMALL_ORDER.has(hex);
}
