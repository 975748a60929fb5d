import { ED25519_TORSION_SUBGROUP, ed25519 } from '@noble/curves/ed25519.js';
import { numberToBytesLE } from '@noble/curves/utils.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fromHex } from '../encoding.js';
import { isPointEncodingCanonical, isScalarCanonical, isSmallOrderEncoding } from './checks.js';

const P = 2n ** 255n - 19n;
const L = ed25519.Point.Fn.ORDER;

/** noble's strict decoder is the reference for what a canonical encoding is. */
function nobleAccepts(bytes: Uint8Array): boolean {
  try {
    ed25519.Point.fromBytes(bytes, false);
    return true;
  } catch {
    return false;
  }
}

describe('isPointEncodingCanonical', () => {
  it('rejects every y in [p, 2^255) with either sign bit', () => {
    for (let c = 0n; c < 19n; c++) {
      const enc = numberToBytesLE(P + c, 32);
      expect(isPointEncodingCanonical(enc)).toBe(false);
      enc[31]! |= 0x80;
      expect(isPointEncodingCanonical(enc)).toBe(false);
    }
  });

  it('rejects a set sign bit on the two points with x = 0, as noble does', () => {
    for (const y of [1n, P - 1n]) {
      const enc = numberToBytesLE(y, 32);
      expect(isPointEncodingCanonical(enc)).toBe(true);
      enc[31]! |= 0x80;
      expect(isPointEncodingCanonical(enc)).toBe(false);
      expect(nobleAccepts(enc)).toBe(false);
    }
  });

  it('accepts every encoding noble decodes strictly', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 32, maxLength: 32 }), (bytes) => {
        if (nobleAccepts(bytes)) expect(isPointEncodingCanonical(bytes)).toBe(true);
      }),
      { numRuns: 500 },
    );
  });
});

describe('isScalarCanonical', () => {
  it('accepts s < L and rejects s ≥ L', () => {
    expect(isScalarCanonical(numberToBytesLE(0n, 32))).toBe(true);
    expect(isScalarCanonical(numberToBytesLE(L - 1n, 32))).toBe(true);
    expect(isScalarCanonical(numberToBytesLE(L, 32))).toBe(false);
    expect(isScalarCanonical(numberToBytesLE(L + 1n, 32))).toBe(false);
    expect(isScalarCanonical(numberToBytesLE(2n ** 256n - 1n, 32))).toBe(false);
  });
});

describe('isSmallOrderEncoding', () => {
  it('recognises exactly noble’s eight torsion points', () => {
    for (const hex of ED25519_TORSION_SUBGROUP)
      expect(isSmallOrderEncoding(fromHex(hex))).toBe(true);
    const { publicKey } = ed25519.keygen(new Uint8Array(32));
    expect(isSmallOrderEncoding(publicKey)).toBe(false);
  });
});
