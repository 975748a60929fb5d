import { argon2id as nobleArgon2id, argon2idAsync } from '@noble/hashes/argon2.js';
import { describe, expect, it } from 'vitest';
import type { KdfParams } from '../protocol/auth.js';
import { fromHex, toB64u, toHex, utf8 } from './encoding.js';
import { argon2id, deriveLoginKeys, newKdfParams } from './kdf.js';
import { PROVIDERS } from './vectors/test-providers.js';

// Floor parameters keep the suite fast on two shared cores.
const FLOOR: KdfParams = {
  alg: 'argon2id',
  m: 19_456,
  t: 2,
  p: 1,
  salt: toB64u(new Uint8Array(16).fill(2)),
};

describe('Argon2id', () => {
  it('V10: the noble Argon2id we call reproduces RFC 9106 §5.3', () => {
    const out = nobleArgon2id(new Uint8Array(32).fill(1), new Uint8Array(16).fill(2), {
      t: 3,
      m: 32,
      p: 4,
      key: new Uint8Array(8).fill(3),
      personalization: new Uint8Array(12).fill(4),
      dkLen: 32,
    });
    expect(toHex(out)).toBe('0d640df58d78766c08c037a34a8b53c9d01ef0452d75b65eb52520e96b01e659');
  });

  it('derives 32 bytes equal to Argon2id over the UTF-8 password, reporting progress up to 1', async () => {
    const progress: number[] = [];
    const master = await argon2id('correct horse', FLOOR, { onProgress: (f) => progress.push(f) });
    const reference = await argon2idAsync(utf8('correct horse'), new Uint8Array(16).fill(2), {
      m: 19_456,
      t: 2,
      p: 1,
      dkLen: 32,
    });
    expect(toHex(master)).toBe(toHex(reference));
    expect(progress.length).toBeGreaterThan(1);
    expect(progress.at(-1)).toBe(1);
  });

  it('NFKC-normalises the password: composed and decomposed accents give the same key', async () => {
    const composed = await argon2id('caf\u00e9', FLOOR);
    const decomposed = await argon2id('cafe\u0301', FLOOR);
    expect(toHex(composed)).toBe(toHex(decomposed));
  });

  it('gives a different key for another salt', async () => {
    const a = await argon2id('pw', FLOOR);
    const b = await argon2id('pw', { ...FLOOR, salt: toB64u(new Uint8Array(16).fill(3)) });
    expect(toHex(a)).not.toBe(toHex(b));
  });

  it.each([
    ['m below the floor', { m: 19_455 }],
    ['t below the floor', { t: 1 }],
    ['p of 0', { p: 0 }],
    ['m above the ceiling (client DoS by a hostile server)', { m: 4_194_304 }],
    ['a fractional t', { t: 2.5 }],
  ])('refuses %s with RangeError before any work', async (_what, override) => {
    await expect(argon2id('pw', { ...FLOOR, ...override })).rejects.toThrow(RangeError);
  });

  it('refuses a salt that is not 16 bytes of strict base64url', async () => {
    await expect(argon2id('pw', { ...FLOOR, salt: toB64u(new Uint8Array(8)) })).rejects.toThrow(
      RangeError,
    );
    await expect(argon2id('pw', { ...FLOOR, salt: 'AAAA====AAAAAAAAAAAAAA' })).rejects.toThrow(
      TypeError,
    );
  });
});

describe.each(PROVIDERS)('deriveLoginKeys (%s)', (_name, p) => {
  const master = fromHex('0102030405060708091011121314151617181920212223242526272829303132');

  it('derives authKey and kek as HKDF(master, "cs1/auth" | "cs1/kek") with no salt', async () => {
    const { authKey, kek } = await deriveLoginKeys(p, master);
    expect(toHex(authKey)).toBe(toHex(await p.hkdf(master, undefined, utf8('cs1/auth'), 32)));
    expect(toHex(kek)).toBe(toHex(await p.hkdf(master, undefined, utf8('cs1/kek'), 32)));
    expect(toHex(authKey)).not.toBe(toHex(kek));
  });

  it('refuses a master that is not 32 bytes', async () => {
    await expect(deriveLoginKeys(p, new Uint8Array(16))).rejects.toThrow(RangeError);
  });
});

describe.each(PROVIDERS)('newKdfParams (%s)', (_name, p) => {
  it('defaults to m = 64 MiB, t = 3, p = 1 with a fresh random 16-byte salt', () => {
    const a = newKdfParams(p);
    const b = newKdfParams(p);
    expect(a).toMatchObject({ alg: 'argon2id', m: 65_536, t: 3, p: 1 });
    expect(a.salt).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(a.salt).not.toBe(b.salt);
  });

  it('accepts overrides down to the floor and refuses below it', () => {
    expect(newKdfParams(p, { m: 19_456, t: 2 })).toMatchObject({ m: 19_456, t: 2 });
    expect(() => newKdfParams(p, { m: 8_192 })).toThrow(RangeError);
    expect(() => newKdfParams(p, { t: 1 })).toThrow(RangeError);
  });
});
