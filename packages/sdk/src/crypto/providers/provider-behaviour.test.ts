import { describe, expect, it } from 'vitest';
import { toHex } from '../encoding.js';
import { PROVIDERS } from '../vectors/test-providers.js';

describe.each(PROVIDERS)('provider behaviour (%s)', (_name, p) => {
  it('x25519Ephemeral: the peer reaches the same secret from the returned public key', async () => {
    const peer = p.randomBytes(32);
    const { publicKey, sharedSecret } = await p.x25519Ephemeral(await p.x25519PublicKey(peer));
    expect(toHex(await p.x25519SharedSecret(peer, publicKey))).toBe(toHex(sharedSecret));
    const again = await p.x25519Ephemeral(await p.x25519PublicKey(peer));
    expect(toHex(again.publicKey)).not.toBe(toHex(publicKey));
  });

  it('x25519Ephemeral refuses a low-order peer key with invalid_key', async () => {
    await expect(p.x25519Ephemeral(new Uint8Array(32))).rejects.toMatchObject({
      code: 'invalid_key',
    });
  });

  it('never serves a key for bytes the caller has since overwritten', async () => {
    const seed = new Uint8Array(32).fill(1);
    const msg = new Uint8Array([1]);
    const pub1 = await p.ed25519PublicKey(seed);
    const sig1 = await p.ed25519Sign(seed, msg);
    seed.fill(2);
    const pub2 = await p.ed25519PublicKey(seed);
    const sig2 = await p.ed25519Sign(seed, msg);
    expect(toHex(pub2)).not.toBe(toHex(pub1));
    expect(await p.ed25519Verify(sig2, msg, pub2)).toBe(true);
    expect(await p.ed25519Verify(sig1, msg, pub2)).toBe(false);

    const sk = new Uint8Array(32).fill(3);
    const peer = await p.x25519PublicKey(new Uint8Array(32).fill(9));
    const s1 = await p.x25519SharedSecret(sk, peer);
    const x1 = await p.x25519PublicKey(sk);
    sk.fill(4);
    expect(toHex(await p.x25519SharedSecret(sk, peer))).not.toBe(toHex(s1));
    expect(toHex(await p.x25519PublicKey(sk))).not.toBe(toHex(x1));
  });

  it('returns public keys the caller may modify without affecting later calls', async () => {
    const seed = new Uint8Array(32).fill(5);
    const a = await p.ed25519PublicKey(seed);
    const expected = toHex(a);
    a.fill(0);
    expect(toHex(await p.ed25519PublicKey(seed))).toBe(expected);
  });

  it('throws TypeError/RangeError for programmer mistakes, before any work', async () => {
    await expect(p.ed25519Sign(new Uint8Array(31), new Uint8Array(0))).rejects.toThrow(RangeError);
    await expect(p.sha256('abc' as unknown as Uint8Array)).rejects.toThrow(TypeError);
    await expect(p.x25519SharedSecret(new Uint8Array(32), new Uint8Array(33))).rejects.toThrow(
      RangeError,
    );
    expect(() => p.randomBytes(-1)).toThrow(RangeError);
  });
});
