import { describe, expect, it } from 'vitest';
import { sha256 } from '@noble/hashes/sha2.js';
import { defaultSha256, nativeSha256, nobleSha256 } from './incremental-hash.js';
import { toHex, utf8 } from './encoding.js';

describe('incremental SHA-256', () => {
  it('matches the FIPS 180-2 "abc" vector in every implementation', () => {
    const factories = [nobleSha256, defaultSha256, nativeSha256()].filter((f) => f !== undefined);
    for (const factory of factories) {
      const h = factory();
      h.update(utf8('a'));
      h.update(utf8('bc'));
      expect(toHex(h.digest())).toBe(
        'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
      );
    }
  });

  it('uses the native hash under Node and agrees with one-shot noble on large input', () => {
    expect(nativeSha256()).toBeDefined();
    const data = Uint8Array.from({ length: 200_000 }, (_, i) => i & 0xff);
    const h = defaultSha256();
    for (let i = 0; i < data.length; i += 65_536) h.update(data.subarray(i, i + 65_536));
    expect(toHex(h.digest())).toBe(toHex(sha256(data)));
  });
});
