import { describe, expect, it } from 'vitest';
import { equalBytes } from './encoding.js';
import { CryptoError } from './errors.js';
import { MAX_PADDED_BODY, pad, paddedLength, unpad } from './padding.js';

describe('padding', () => {
  it('pads to 256-byte steps up to 4 KiB, then to powers of two', () => {
    expect(paddedLength(0)).toBe(256);
    expect(paddedLength(255)).toBe(256);
    expect(paddedLength(256)).toBe(512);
    expect(paddedLength(1024)).toBe(1280);
    expect(paddedLength(4095)).toBe(4096);
    expect(paddedLength(4096)).toBe(8192);
    expect(paddedLength(9000)).toBe(16384);
  });

  it('makes all short bodies the same length', () => {
    expect(new Set([0, 1, 17, 200, 255].map((n) => pad(new Uint8Array(n)).length))).toEqual(
      new Set([256]),
    );
  });

  it('round-trips bodies of every size around the bucket edges', () => {
    for (const n of [0, 1, 254, 255, 256, 257, 4095, 4096, 4097, 70_000]) {
      const body = Uint8Array.from({ length: n }, (_, i) => (i * 7 + 1) & 0xff);
      expect(equalBytes(unpad(pad(body)), body)).toBe(true);
    }
  });

  it('keeps trailing zero bytes and 0x80 bytes of the body', () => {
    const body = Uint8Array.of(1, 0x80, 0, 0);
    expect(unpad(pad(body))).toEqual(body);
  });

  it('rejects missing markers, stray bytes and sizes that are not buckets', () => {
    const padded = pad(Uint8Array.of(1, 2, 3));
    const cases = [
      new Uint8Array(256), // no marker at all
      Uint8Array.from(padded).fill(1, 4), // bytes after the marker
      padded.subarray(0, 200), // not a bucket size
      pad(new Uint8Array(10)).subarray(0, 255),
      new Uint8Array(0),
    ];
    for (const bad of cases) expect(() => unpad(bad)).toThrow(CryptoError);
  });

  it('refuses bodies above the limit', () => {
    expect(() => pad(new Uint8Array(MAX_PADDED_BODY + 1))).toThrow(RangeError);
  });
});
