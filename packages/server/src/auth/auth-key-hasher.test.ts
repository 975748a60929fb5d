import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createAuthKeyHasher } from './auth-key-hasher.js';

const FLOOR = { memoryKiB: 19_456, timeCost: 2 };
const hasher = createAuthKeyHasher(FLOOR);
const key = () => Uint8Array.from(randomBytes(32));

describe('authKey hashing', () => {
  it('produces an argon2id PHC string with the configured parameters and p=1', async () => {
    const phc = await hasher.hash(key());
    expect(phc).toMatch(
      /^\$argon2id\$v=19\$m=19456,p=1,t=2\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$/,
    );
  });

  it('salts every hash, so one key hashes differently twice', async () => {
    const k = key();
    expect(await hasher.hash(k)).not.toBe(await hasher.hash(k));
  });

  it('accepts the right key and rejects any other', async () => {
    const k = key();
    const phc = await hasher.hash(k);
    expect(await hasher.verify(phc, k)).toBe(true);
    expect(await hasher.verify(phc, key())).toBe(false);
  });

  it('rejects the stored hash itself (or its raw bytes) presented as the key', async () => {
    const phc = await hasher.hash(key());
    const raw = Buffer.from(phc.split('$').at(-1) ?? '', 'base64');
    expect(raw).toHaveLength(32);
    expect(await hasher.verify(phc, Uint8Array.from(raw))).toBe(false);
    expect(await hasher.verify(phc, new TextEncoder().encode(phc))).toBe(false);
  });

  it('answers false, not an exception, for a malformed stored hash', async () => {
    expect(await hasher.verify('not a hash', key())).toBe(false);
  });

  it('does the same work for an unknown user and always refuses', async () => {
    await hasher.warmUp();
    const k = key();
    const phc = await hasher.hash(k);
    const time = async (fn: () => Promise<unknown>) => {
      const start = performance.now();
      await fn();
      return performance.now() - start;
    };
    // Interleaved, so a load spike on a shared machine hits both sides alike; medians.
    const unknown: number[] = [];
    const known: number[] = [];
    for (let i = 0; i < 7; i++) {
      unknown.push(await time(() => hasher.verifyUnknownUser(k)));
      known.push(await time(() => hasher.verify(phc, key())));
    }
    const median = (xs: number[]) => xs.sort((a, b) => a - b)[3] ?? 0;
    expect(await hasher.verifyUnknownUser(k)).toBe(false);
    // A shortcut for unknown users would make this ratio near 0 (microseconds against tens of
    // milliseconds); the bound is loose on purpose, since this machine is shared and noisy.
    const ratio = median(unknown) / median(known);
    expect(ratio).toBeGreaterThan(0.2);
  });

  it('flags hashes made with other parameters for a rehash', async () => {
    const phc = await hasher.hash(key());
    expect(hasher.needsRehash(phc)).toBe(false);
    expect(createAuthKeyHasher({ memoryKiB: 32_768, timeCost: 2 }).needsRehash(phc)).toBe(true);
    expect(hasher.needsRehash('garbage')).toBe(true);
  });
});
