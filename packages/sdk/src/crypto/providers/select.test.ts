import { describe, expect, it } from 'vitest';
import { getCryptoProvider, selectCryptoProvider } from './select.js';

describe('getCryptoProvider', () => {
  it('chooses WebCrypto on Node 20, where native Ed25519 and X25519 pass the self-test', async () => {
    expect((await getCryptoProvider()).name).toBe('webcrypto');
  });

  it('returns the same provider every time (detection runs once)', async () => {
    expect(await getCryptoProvider()).toBe(await getCryptoProvider());
  });
});

describe('selectCryptoProvider', () => {
  it('falls back to noble when WebCrypto is absent', async () => {
    expect((await selectCryptoProvider(null)).name).toBe('noble');
  });

  it('falls back to noble when the runtime does not know Ed25519', async () => {
    const real = globalThis.crypto.subtle;
    const withoutEd25519 = Object.create(real, {
      importKey: {
        value: (...args: Parameters<SubtleCrypto['importKey']>) => {
          const alg = args[2];
          const name = typeof alg === 'string' ? alg : alg.name;
          if (name === 'Ed25519')
            return Promise.reject(new DOMException('nope', 'NotSupportedError'));
          return real.importKey(...args);
        },
      },
    }) as SubtleCrypto;
    expect((await selectCryptoProvider(withoutEd25519)).name).toBe('noble');
  });

  it('falls back to noble when native X25519 gives wrong answers', async () => {
    const real = globalThis.crypto.subtle;
    const broken = Object.create(real, {
      deriveBits: {
        value: async (...args: Parameters<SubtleCrypto['deriveBits']>) => {
          const out = new Uint8Array(await real.deriveBits(...args));
          out[0]! ^= 1;
          return out.buffer;
        },
      },
    }) as SubtleCrypto;
    expect((await selectCryptoProvider(broken)).name).toBe('noble');
  });
});
