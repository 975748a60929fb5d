import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  concatBytes,
  equalBytes,
  fromB64u,
  fromHex,
  fromUtf8,
  toB64u,
  toHex,
  utf8,
} from './encoding.js';

describe('base64url', () => {
  it('encodes the RFC 4648 §10 vectors without padding, in the URL alphabet', () => {
    const cases: Array<[string, string]> = [
      ['', ''],
      ['f', 'Zg'],
      ['fo', 'Zm8'],
      ['foo', 'Zm9v'],
      ['foob', 'Zm9vYg'],
      ['fooba', 'Zm9vYmE'],
      ['foobar', 'Zm9vYmFy'],
    ];
    for (const [plain, b64] of cases) {
      expect(toB64u(utf8(plain))).toBe(b64);
      expect(fromUtf8(fromB64u(b64))).toBe(plain);
    }
    expect(toB64u(Uint8Array.of(0xfb, 0xff))).toBe('-_8');
  });

  it('round-trips any bytes and agrees with Node’s encoder', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 100 }), (bytes) => {
        const s = toB64u(bytes);
        expect(s).toBe(Buffer.from(bytes).toString('base64url'));
        expect(fromB64u(s)).toEqual(bytes);
      }),
    );
  });

  it('rejects padding, whitespace, the standard alphabet and impossible lengths', () => {
    for (const bad of ['Zg==', 'Zm9v\n', 'Zm 9v', 'a+b/', 'Z', 'Zm9vY', 'é']) {
      expect(() => fromB64u(bad)).toThrow(TypeError);
    }
  });

  it('rejects non-zero trailing bits, so every byte string has exactly one encoding', () => {
    expect(fromB64u('Zg')).toEqual(utf8('f'));
    expect(() => fromB64u('Zh')).toThrow(TypeError);
    expect(() => fromB64u('Zm9')).toThrow(TypeError);
  });
});

describe('utf8', () => {
  it('encodes and decodes non-ASCII text', () => {
    expect(toHex(utf8('é€😀'))).toBe('c3a9e282ac' + 'f09f9880');
    expect(fromUtf8(utf8('é€😀'))).toBe('é€😀');
  });

  it('refuses lone surrogates instead of silently replacing them', () => {
    expect(() => utf8('a\uD800')).toThrow(TypeError);
    expect(() => utf8('\uDC00b')).toThrow(TypeError);
  });

  it('refuses invalid UTF-8 when decoding', () => {
    expect(() => fromUtf8(Uint8Array.of(0xc3))).toThrow(TypeError);
    expect(() => fromUtf8(Uint8Array.of(0xed, 0xa0, 0x80))).toThrow(TypeError);
  });
});

describe('concatBytes / equalBytes / hex', () => {
  it('concatenates in order', () => {
    expect(concatBytes(Uint8Array.of(1), new Uint8Array(0), Uint8Array.of(2, 3))).toEqual(
      Uint8Array.of(1, 2, 3),
    );
  });

  it('compares contents, including length', () => {
    expect(equalBytes(Uint8Array.of(1, 2), Uint8Array.of(1, 2))).toBe(true);
    expect(equalBytes(Uint8Array.of(1, 2), Uint8Array.of(1, 3))).toBe(false);
    expect(equalBytes(Uint8Array.of(1, 2), Uint8Array.of(1))).toBe(false);
  });

  it('round-trips hex and rejects malformed hex', () => {
    expect(toHex(fromHex('00ff10'))).toBe('00ff10');
    expect(() => fromHex('abc')).toThrow(TypeError);
    expect(() => fromHex('zz')).toThrow(TypeError);
  });

  it('rejects non-bytes with TypeError', () => {
    expect(() => toB64u('abc' as unknown as Uint8Array)).toThrow(TypeError);
    expect(() => equalBytes([1] as unknown as Uint8Array, Uint8Array.of(1))).toThrow(TypeError);
  });
});
