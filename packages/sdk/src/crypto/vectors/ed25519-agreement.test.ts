import { ED25519_TORSION_SUBGROUP, ed25519 } from '@noble/curves/ed25519.js';
import { bytesToNumberLE, numberToBytesLE } from '@noble/curves/utils.js';
import { sha512 } from '@noble/hashes/sha2.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { concatBytes, fromHex, toHex } from '../encoding.js';
import { createNobleProvider } from '../providers/noble.js';
import { createWebCryptoProvider } from '../providers/webcrypto.js';
import { PROVIDERS } from './test-providers.js';

// Where native Ed25519 and noble's strict mode differ, cs1 must still give one answer: a member
// who crafts a borderline signature must not make some clients accept a message that others
// reject. These signatures are built with noble's point arithmetic, as an attacker would.

const Point = ed25519.Point;
const L = Point.Fn.ORDER;
const B = Point.BASE;
const noble = createNobleProvider();
const webcrypto = createWebCryptoProvider();
const subtle = globalThis.crypto.subtle;

function challenge(R: Uint8Array, A: Uint8Array, msg: Uint8Array): bigint {
  return bytesToNumberLE(sha512(concatBytes(R, A, msg))) % L;
}

function signature(R: Uint8Array, s: bigint): Uint8Array {
  return concatBytes(R, numberToBytesLE(s, 32));
}

async function nativeVerify(sig: Uint8Array, msg: Uint8Array, pub: Uint8Array): Promise<boolean> {
  const key = await subtle.importKey('raw', new Uint8Array(pub), { name: 'Ed25519' }, false, [
    'verify',
  ]);
  return subtle.verify({ name: 'Ed25519' }, key, new Uint8Array(sig), new Uint8Array(msg));
}

async function bothVerify(
  sig: Uint8Array,
  msg: Uint8Array,
  pub: Uint8Array,
): Promise<[boolean, boolean]> {
  return [await noble.ed25519Verify(sig, msg, pub), await webcrypto.ed25519Verify(sig, msg, pub)];
}

describe('Ed25519 verification agrees across backends', () => {
  it('rejects a signature under the identity public key, which native WebCrypto alone accepts', async () => {
    // A = identity, R = identity, s = 0: [s]B = R + [k]A holds for every message.
    const A = Point.ZERO.toBytes();
    const sig = signature(Point.ZERO.toBytes(), 0n);
    const msg = new Uint8Array([1, 2, 3]);
    expect(await nativeVerify(sig, msg, A)).toBe(true);
    expect(await bothVerify(sig, msg, A)).toEqual([false, false]);
  });

  it('rejects every small-order public key, whatever the signature', async () => {
    const sig = signature(Point.ZERO.toBytes(), 0n);
    for (const hex of ED25519_TORSION_SUBGROUP) {
      for (let m = 0; m < 4; m++) {
        expect(await bothVerify(sig, Uint8Array.of(m), fromHex(hex))).toEqual([false, false]);
      }
    }
  });

  it('rejects an R with a small-order component, which noble’s cofactored check alone accepts', async () => {
    const { secretKey } = ed25519.keygen(new Uint8Array(32).fill(7));
    const { scalar, pointBytes: A } = ed25519.utils.getExtendedPublicKey(secretKey);
    const r = 123456789n;
    const R = B.multiply(r)
      .add(Point.fromBytes(fromHex(ED25519_TORSION_SUBGROUP[1]!)))
      .toBytes();
    const msg = new Uint8Array([9, 9, 9]);
    const sig = signature(R, (r + challenge(R, A, msg) * scalar) % L);
    expect(ed25519.verify(sig, msg, A, { zip215: false })).toBe(true);
    expect(await nativeVerify(sig, msg, A)).toBe(false);
    expect(await bothVerify(sig, msg, A)).toEqual([false, false]);
  });

  it('agrees on keys with a small-order component, accepting exactly when [s]B = R + [k]A', async () => {
    const { secretKey } = ed25519.keygen(new Uint8Array(32).fill(3));
    const { scalar } = ed25519.utils.getExtendedPublicKey(secretKey);
    const T = Point.fromBytes(fromHex(ED25519_TORSION_SUBGROUP[1]!)); // order 8
    const A = B.multiply(scalar).add(T).toBytes();
    let accepted = 0;
    let rejected = 0;
    for (let r = 1n; accepted < 2 || rejected < 2; r++) {
      const msg = numberToBytesLE(r, 8);
      // Aim the torsion part of R at −kT so the cofactorless equation can hold.
      for (const t of ED25519_TORSION_SUBGROUP) {
        const R = B.multiply(r)
          .add(Point.fromBytes(fromHex(t)))
          .toBytes();
        const k = challenge(R, A, msg);
        const sig = signature(R, (r + k * scalar) % L);
        const holds = B.multiply(r).subtract(T.multiplyUnsafe(k)).equals(Point.fromBytes(R));
        const native = await nativeVerify(sig, msg, A);
        expect(native).toBe(holds);
        expect(await bothVerify(sig, msg, A)).toEqual([native, native]);
        if (native) accepted++;
        else rejected++;
      }
    }
  });

  it('agrees with each other and with honest signers on random keys, messages and bit flips', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uint8Array({ minLength: 32, maxLength: 32 }),
        fc.uint8Array({ maxLength: 64 }),
        fc.nat({ max: 128 * 8 - 1 }),
        async (seed, msg, bit) => {
          const pub = await noble.ed25519PublicKey(seed);
          const sig = await noble.ed25519Sign(seed, msg);
          expect(toHex(await webcrypto.ed25519Sign(seed, msg))).toBe(toHex(sig));
          expect(await bothVerify(sig, msg, pub)).toEqual([true, true]);
          // Flip one bit somewhere in signature ‖ public key ‖ message.
          const all = concatBytes(sig, pub, msg);
          const i = bit % (all.length * 8);
          all[i >> 3]! ^= 1 << (i & 7);
          const [s2, p2, m2] = [all.subarray(0, 64), all.subarray(64, 96), all.subarray(96)];
          const [a, b] = await bothVerify(s2, m2, p2);
          expect(a).toBe(b);
          expect(a).toBe(false);
        },
      ),
      { numRuns: 60 },
    );
  });
});

describe.each(PROVIDERS)('Ed25519 strict encodings (%s)', (_name, p) => {
  it('rejects s + L (malleated signature) and s = L', async () => {
    const seed = new Uint8Array(32).fill(1);
    const msg = Uint8Array.of(1);
    const sig = await p.ed25519Sign(seed, msg);
    const pub = await p.ed25519PublicKey(seed);
    const s = bytesToNumberLE(sig.subarray(32));
    expect(await p.ed25519Verify(signature(sig.subarray(0, 32), s + L), msg, pub)).toBe(false);
    expect(await p.ed25519Verify(signature(sig.subarray(0, 32), L), msg, pub)).toBe(false);
  });
});
