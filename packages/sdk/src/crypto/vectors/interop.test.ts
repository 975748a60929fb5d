import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { toHex } from '../encoding.js';
import { PROVIDER_PAIRS, PROVIDERS } from './test-providers.js';

// Beyond the fixed vectors: on random inputs the two backends give the same bytes, and what one
// produces the other accepts.

const [[, noble], [, webcrypto]] = PROVIDERS as [
  (typeof PROVIDERS)[number],
  (typeof PROVIDERS)[number],
];
const bytes = (min: number, max: number) => fc.uint8Array({ minLength: min, maxLength: max });

describe('noble and WebCrypto give identical outputs', () => {
  it('for HKDF, HMAC and SHA-2 on random inputs', async () => {
    await fc.assert(
      fc.asyncProperty(
        bytes(0, 80),
        fc.option(bytes(0, 80), { nil: undefined }),
        bytes(0, 40),
        fc.nat(200),
        async (ikm, salt, info, len) => {
          expect(toHex(await webcrypto.hkdf(ikm, salt, info, len))).toBe(
            toHex(await noble.hkdf(ikm, salt, info, len)),
          );
          const key = salt ?? new Uint8Array(0);
          expect(toHex(await webcrypto.hmacSha256(key, ikm))).toBe(
            toHex(await noble.hmacSha256(key, ikm)),
          );
          expect(toHex(await webcrypto.sha512(ikm))).toBe(toHex(await noble.sha512(ikm)));
        },
      ),
      { numRuns: 100 },
    );
  });

  it('for X25519 and Ed25519 public keys of random secrets', async () => {
    await fc.assert(
      fc.asyncProperty(bytes(32, 32), async (secret) => {
        expect(toHex(await webcrypto.x25519PublicKey(secret))).toBe(
          toHex(await noble.x25519PublicKey(secret)),
        );
        expect(toHex(await webcrypto.ed25519PublicKey(secret))).toBe(
          toHex(await noble.ed25519PublicKey(secret)),
        );
      }),
      { numRuns: 30 },
    );
  });
});

describe.each(PROVIDER_PAIRS)('%s', (_name, a, b) => {
  it('AES-GCM: b opens what a sealed, and refuses it after any bit flip', async () => {
    await fc.assert(
      fc.asyncProperty(bytes(0, 100), bytes(0, 30), fc.nat(), async (pt, aad, bit) => {
        const key = a.randomBytes(32);
        const nonce = a.randomBytes(12);
        const ct = await a.aesGcmEncrypt(key, nonce, pt, aad);
        expect(toHex(await b.aesGcmDecrypt(key, nonce, ct, aad))).toBe(toHex(pt));
        const i = bit % (ct.length * 8);
        ct[i >> 3]! ^= 1 << (i & 7);
        await expect(b.aesGcmDecrypt(key, nonce, ct, aad)).rejects.toMatchObject({
          code: 'aead_fail',
        });
      }),
      { numRuns: 25 },
    );
  });

  it('X25519: both sides reach the same secret', async () => {
    const skA = a.randomBytes(32);
    const skB = b.randomBytes(32);
    const fromA = await a.x25519SharedSecret(skA, await b.x25519PublicKey(skB));
    const fromB = await b.x25519SharedSecret(skB, await a.x25519PublicKey(skA));
    expect(toHex(fromA)).toBe(toHex(fromB));
  });

  it('Ed25519: b verifies what a signed', async () => {
    const seed = a.randomBytes(32);
    const msg = a.randomBytes(100);
    expect(
      await b.ed25519Verify(await a.ed25519Sign(seed, msg), msg, await a.ed25519PublicKey(seed)),
    ).toBe(true);
  });
});
