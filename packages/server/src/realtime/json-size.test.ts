import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fitsJson } from './json-size.js';

const exact = (value: unknown): number => Buffer.byteLength(JSON.stringify(value) ?? '');

describe('fitsJson', () => {
  it('agrees with the size of JSON.stringify for any JSON value and limit', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.nat({ max: 4000 }), (value, limit) => {
        expect(fitsJson(value, limit)).toBe(exact(value) <= limit);
      }),
      { numRuns: 2000 },
    );
  });

  it('counts escapes, lone surrogates and multi-byte characters at their JSON size', () => {
    for (const text of [
      '\u0000'.repeat(100),
      '\ud800'.repeat(100),
      '€'.repeat(100),
      '"\\'.repeat(50),
    ]) {
      const value = { text };
      expect(fitsJson(value, exact(value))).toBe(true);
      expect(fitsJson(value, exact(value) - 1)).toBe(false);
    }
  });

  it('measures binary attachments at their JSON size, not their bytes', () => {
    const value = { file: Buffer.alloc(1000, 255) };
    // {"type":"Buffer","data":[255,255,…]}: four bytes an octet.
    expect(fitsJson(value, 1000)).toBe(false);
    expect(fitsJson(value, exact(value))).toBe(true);
  });

  it('refuses what cannot be serialised or nests deeper than a frame allows', () => {
    const cycle: Record<string, unknown> = {};
    cycle.self = cycle;
    expect(fitsJson(cycle, 1e9)).toBe(false);
    expect(fitsJson({ n: 1n }, 1e9)).toBe(false);
    // Deeper than the walk goes: measured exactly, so the limit still holds.
    let deep: unknown = [];
    for (let i = 0; i < 1000; i++) deep = [deep];
    expect(fitsJson(deep, exact(deep))).toBe(true);
    expect(fitsJson(deep, exact(deep) - 1)).toBe(false);
    // Deeper than JSON.stringify goes: refused, not a crash.
    for (let i = 0; i < 100_000; i++) deep = [deep];
    expect(fitsJson(deep, 1e9)).toBe(false);
  });

  it('leaves out what JSON leaves out, and counts objects with toJSON by their text', () => {
    const at = new Date(0);
    expect(fitsJson({ a: undefined, f: () => 1, at }, exact({ at }))).toBe(true);
    expect(fitsJson({ at }, exact({ at }) - 1)).toBe(false);
  });
});
