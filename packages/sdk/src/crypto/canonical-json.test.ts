import { describe, expect, it } from 'vitest';
import { canonicalBytes, canonicalJson, compareCodePoints } from './canonical-json.js';
import { toB64u } from './encoding.js';
import { PROVIDERS } from './vectors/test-providers.js';

// Matrix specification, appendices "Canonical JSON" examples and "Signing JSON" test vectors (V13).

describe('canonicalJson (Matrix examples)', () => {
  it.each([
    [{}, '{}'],
    [{ one: 1, two: 'Two' }, '{"one":1,"two":"Two"}'],
    [{ b: '2', a: '1' }, '{"a":"1","b":"2"}'],
    [
      {
        auth: {
          success: true,
          mxid: '@john.doe:example.com',
          profile: {
            display_name: 'John Doe',
            three_pids: [
              { medium: 'email', address: 'john.doe@example.org' },
              { medium: 'msisdn', address: '123456789' },
            ],
          },
        },
      },
      '{"auth":{"mxid":"@john.doe:example.com","profile":{"display_name":"John Doe","three_pids":[{"address":"john.doe@example.org","medium":"email"},{"address":"123456789","medium":"msisdn"}]},"success":true}}',
    ],
    [{ a: '日本語' }, '{"a":"日本語"}'],
    [{ 本: 2, 日: 1 }, '{"日":1,"本":2}'],
    [{ a: '\u65E5' }, '{"a":"日"}'],
    [{ a: null }, '{"a":null}'],
    [
      { a: -0, b: 9007199254740991, c: -9007199254740991 },
      '{"a":0,"b":9007199254740991,"c":-9007199254740991}',
    ],
  ])('%j → %s', (value, expected) => {
    expect(canonicalJson(value)).toBe(expected);
  });

  it('escapes only quotes, backslashes and control characters', () => {
    expect(canonicalJson({ s: '"\\\n\t\u0001\u001f/é' })).toBe(
      '{"s":"\\"\\\\\\n\\t\\u0001\\u001f/é"}',
    );
  });

  it('writes bytes as unpadded base64url and drops undefined properties', () => {
    expect(canonicalJson({ k: Uint8Array.of(0xfb, 0xff), gone: undefined })).toBe('{"k":"-_8"}');
  });

  it('sorts keys by code point, not UTF-16 unit (U+FF5E sorts before U+1F600)', () => {
    expect(canonicalJson({ '\u{1F600}': 1, '\uFF5E': 2 })).toBe('{"\uFF5E":2,"\u{1F600}":1}');
    expect(compareCodePoints('\uFF5E', '\u{1F600}')).toBeLessThan(0);
    expect(compareCodePoints('ab', 'a')).toBeGreaterThan(0);
    expect(compareCodePoints('a', 'a')).toBe(0);
  });

  it.each([
    ['a float', { a: 1.5 }],
    ['NaN', { a: Number.NaN }],
    ['Infinity', [Number.POSITIVE_INFINITY]],
    ['an unsafe integer', { a: 2 ** 53 }],
    ['a bigint', { a: 1n }],
    ['undefined in an array', [1, undefined]],
    ['top-level undefined', undefined],
    ['a function', { f: () => 1 }],
    ['a symbol', [Symbol('x')]],
    ['a Date', { d: new Date(0) }],
    ['a Map', new Map()],
    ['a lone surrogate', { s: '\uD800' }],
    ['a lone surrogate in a key', { '\uDC00': 1 }],
  ])('throws TypeError on %s', (_what, value) => {
    expect(() => canonicalJson(value)).toThrow(TypeError);
  });

  it('throws TypeError on a cycle but accepts a shared (non-cyclic) reference', () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(() => canonicalJson(cyclic)).toThrow(TypeError);
    const shared = { x: 1 };
    expect(canonicalJson({ a: shared, b: shared })).toBe('{"a":{"x":1},"b":{"x":1}}');
  });

  it('gives UTF-8 bytes', () => {
    expect(canonicalBytes({ a: 'é' })).toEqual(
      Uint8Array.of(0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xc3, 0xa9, 0x22, 0x7d),
    );
  });
});

describe.each(PROVIDERS)('Matrix JSON-signing vectors, V13 (%s)', (_name, p) => {
  // The spec's seed is unpadded standard base64 with non-zero trailing bits, which our strict
  // base64url decoder rightly refuses; Node's lenient decoder reads it as the spec intends.
  const seed = new Uint8Array(Buffer.from('YJDBA9Xnr2sVqXD9Vj7XVUnmFZcZrlw8Md7kMW+3XA1', 'base64'));
  const toStd = (b: Uint8Array) => Buffer.from(b).toString('base64').replace(/=+$/, '');

  it('signs the canonical form of {}', async () => {
    const sig = await p.ed25519Sign(seed, canonicalBytes({}));
    expect(toStd(sig)).toBe(
      'K8280/U9SSy9IVtjBuVeLr+HpOB4BQFWbg+UZaADMtTdGYI7Geitb76LTrr5QV/7Xg4ahLwYGYZzuHGZKM5ZAQ',
    );
  });

  it('signs the canonical form of {"one":1,"two":"Two"}, whatever the key order', async () => {
    const sig = await p.ed25519Sign(seed, canonicalBytes({ two: 'Two', one: 1 }));
    expect(toStd(sig)).toBe(
      'KqmLSbO39/Bzb0QIYE82zqLwsA+PDzYIpIRA2sRQ4sL53+sN6/fpNSoqE7BP7vBZhG6kYdD13EIMJpvhJI+6Bw',
    );
    expect(toB64u(sig)).toBe(toStd(sig).replaceAll('+', '-').replaceAll('/', '_'));
  });
});
