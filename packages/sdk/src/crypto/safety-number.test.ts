import { describe, expect, it } from 'vitest';
import { fromHex, utf8 } from './encoding.js';
import { fingerprintCore, formatSafetyNumber, safetyNumber } from './safety-number.js';
import { PROVIDERS } from './vectors/test-providers.js';

// libsignal rust/protocol/src/fingerprint.rs test vectors (V12).
const ALICE_KEY = '0506863bc66d02b40d27b8d49ca7c09e9239236f9d7d25d6fcca5ce13c7064d868';
const BOB_KEY = '05f781b6fb32fed9ba1cf2de978d4d5da28dc34046ae814402b5c0dbd96fda907b';
const DISPLAY = '300354477692869396892869876765458257569162576843440918079131';

describe.each(PROVIDERS)('safety numbers (%s)', (_name, p) => {
  it('V12: fingerprintCore reproduces libsignal’s displayable fingerprint', async () => {
    const a = await fingerprintCore(p, 5200, utf8('+14152222222'), fromHex(ALICE_KEY));
    const b = await fingerprintCore(p, 5200, utf8('+14153333333'), fromHex(BOB_KEY));
    expect(a).toMatch(/^\d{30}$/);
    expect(a < b ? a + b : b + a).toBe(DISPLAY);
  });

  it('is the same 60 digits from both sides and changes when either key changes', async () => {
    const alice = { userId: 'alice-id', identityKey: new Uint8Array(32).fill(1) };
    const bob = { userId: 'bob-id', identityKey: new Uint8Array(32).fill(2) };
    const ab = await safetyNumber(p, alice, bob);
    expect(ab).toMatch(/^\d{60}$/);
    expect(await safetyNumber(p, bob, alice)).toBe(ab);
    expect(
      await safetyNumber(p, alice, { ...bob, identityKey: new Uint8Array(32).fill(3) }),
    ).not.toBe(ab);
    expect(
      await safetyNumber(p, { ...alice, identityKey: new Uint8Array(32).fill(4) }, bob),
    ).not.toBe(ab);
  });

  it('binds the user id: the same key under another id gives another number', async () => {
    const key = new Uint8Array(32).fill(1);
    const bob = { userId: 'bob', identityKey: new Uint8Array(32).fill(2) };
    expect(await safetyNumber(p, { userId: 'a', identityKey: key }, bob)).not.toBe(
      await safetyNumber(p, { userId: 'b', identityKey: key }, bob),
    );
  });
});

describe('formatSafetyNumber', () => {
  it('groups digits by five', () => {
    expect(formatSafetyNumber(DISPLAY)).toBe(
      '30035 44776 92869 39689 28698 76765 45825 75691 62576 84344 09180 79131',
    );
  });
});
