import { hkdf } from '@noble/hashes/hkdf.js';
import { hmac } from '@noble/hashes/hmac.js';
import { sha256, sha512 } from '@noble/hashes/sha2.js';
import { describe, expect, it, vi } from 'vitest';

/** `crypto.subtle` that counts the hashing calls it answers. */
function countingSubtle() {
  const real = globalThis.crypto.subtle;
  const calls = { count: 0 };
  const call =
    (name: keyof SubtleCrypto, counted: boolean) =>
    (...args: unknown[]): unknown => {
      if (counted) calls.count++;
      return (real[name] as (...a: unknown[]) => unknown).apply(real, args);
    };
  const subtle = {
    importKey: call('importKey', false),
    exportKey: call('exportKey', false),
    digest: call('digest', true),
    sign: call('sign', true),
    deriveBits: call('deriveBits', true),
  } as unknown as SubtleCrypto;
  return { subtle, calls };
}

describe('WebCrypto provider, small inputs', () => {
  it('answers with WebCrypto until noble has loaded, then with noble, byte-identical', async () => {
    vi.resetModules(); // a fresh webcrypto.js, whose noble hashes have not loaded yet
    const { createWebCryptoProvider } = await import('./webcrypto.js');
    const { subtle, calls } = countingSubtle();
    const provider = createWebCryptoProvider(subtle);
    const data = Uint8Array.from({ length: 100 }, (_, i) => i);
    const key = Uint8Array.from({ length: 32 }, (_, i) => 255 - i);
    const info = new TextEncoder().encode('parley test');
    const run = () =>
      Promise.all([
        provider.sha256(data),
        provider.sha512(data),
        provider.hmacSha256(key, data),
        // HPKE's LabeledExtract uses an empty HMAC key.
        provider.hmacSha256(new Uint8Array(0), data),
        provider.hkdf(key, undefined, info, 42),
        provider.hkdf(key, data, info, 64),
      ]);
    const expected = [
      sha256(data),
      sha512(data),
      hmac(sha256, key, data),
      hmac(sha256, new Uint8Array(0), data),
      hkdf(sha256, key, undefined, info, 42),
      hkdf(sha256, key, data, info, 64),
    ];

    expect(await run()).toEqual(expected);
    expect(calls.count).toBeGreaterThan(0);

    await vi.dynamicImportSettled();
    const before = calls.count;
    expect(await run()).toEqual(expected);
    expect(calls.count).toBe(before);
  });
});
