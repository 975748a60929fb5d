import { describe, expect, it } from 'vitest';
import { fromHex, toHex } from '../encoding.js';
import { CryptoError } from '../errors.js';
import { PROVIDERS } from './test-providers.js';

// Published known-answer vectors (research/crypto.md §6), run against both backends.

describe.each(PROVIDERS)('RFC 7748 X25519 (%s)', (_name, p) => {
  it('V1: scalar multiplication §5.2', async () => {
    const k = fromHex('a546e36bf0527c9d3b16154b82465edd62144c0ac1fc5a18506a2244ba449ac4');
    const u = fromHex('e6db6867583030db3594c1a424b15f7c726624ec26b3353b10a903a6d0ab1c4c');
    expect(toHex(await p.x25519SharedSecret(k, u))).toBe(
      'c3da55379de9c6908e94ea4df28d084f32eccf03491c71f754b4075577a28552',
    );
  });

  it('V2: Diffie-Hellman §6.1, both directions', async () => {
    const aSk = fromHex('77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a');
    const bSk = fromHex('5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb');
    const aPk = await p.x25519PublicKey(aSk);
    const bPk = await p.x25519PublicKey(bSk);
    expect(toHex(aPk)).toBe('8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a');
    expect(toHex(bPk)).toBe('de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f');
    const shared = '4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742';
    expect(toHex(await p.x25519SharedSecret(aSk, bPk))).toBe(shared);
    expect(toHex(await p.x25519SharedSecret(bSk, aPk))).toBe(shared);
  });

  it('rejects a low-order public key with invalid_key (Wycheproof tcId 32: u = 0)', async () => {
    const sk = fromHex('77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a');
    await expect(p.x25519SharedSecret(sk, new Uint8Array(32))).rejects.toMatchObject({
      code: 'invalid_key',
    });
    await expect(p.x25519SharedSecret(sk, new Uint8Array(32))).rejects.toBeInstanceOf(CryptoError);
  });
});

describe.each(PROVIDERS)('RFC 8032 Ed25519 (%s)', (_name, p) => {
  const cases = [
    {
      name: 'V3: TEST 1 (empty message)',
      sk: '9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60',
      pk: 'd75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a',
      msg: '',
      sig: 'e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b',
    },
    {
      name: 'V4: TEST 2 (one byte)',
      sk: '4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb',
      pk: '3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c',
      msg: '72',
      sig: '92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00',
    },
  ];
  it.each(cases)('$name: public key, signature and verification', async (c) => {
    expect(toHex(await p.ed25519PublicKey(fromHex(c.sk)))).toBe(c.pk);
    const sig = await p.ed25519Sign(fromHex(c.sk), fromHex(c.msg));
    expect(toHex(sig)).toBe(c.sig);
    expect(await p.ed25519Verify(sig, fromHex(c.msg), fromHex(c.pk))).toBe(true);
  });

  it('rejects the signature for another message or key', async () => {
    const [a, b] = cases as [(typeof cases)[0], (typeof cases)[0]];
    expect(await p.ed25519Verify(fromHex(a.sig), fromHex('00'), fromHex(a.pk))).toBe(false);
    expect(await p.ed25519Verify(fromHex(a.sig), fromHex(a.msg), fromHex(b.pk))).toBe(false);
  });

  it('rejects the all-zero r/s signatures of Wycheproof tcId 10 and 11', async () => {
    const pk = fromHex('7d4d0e7f6153a69b6242b522abbee685fda4420f8834b108c3bdae369ef549fa');
    const zeroR = new Uint8Array(64);
    const zeroRoneS = new Uint8Array(64);
    zeroRoneS[32] = 1;
    expect(await p.ed25519Verify(zeroR, fromHex('3f'), pk)).toBe(false);
    expect(await p.ed25519Verify(zeroRoneS, fromHex('3f'), pk)).toBe(false);
  });

  it('returns false, not an exception, for signatures and keys of the wrong length', async () => {
    const c = cases[0]!;
    expect(
      await p.ed25519Verify(fromHex(c.sig).subarray(0, 63), new Uint8Array(0), fromHex(c.pk)),
    ).toBe(false);
    expect(
      await p.ed25519Verify(fromHex(c.sig), new Uint8Array(0), fromHex(c.pk).subarray(1)),
    ).toBe(false);
  });
});

describe.each(PROVIDERS)('RFC 5869 HKDF-SHA256 (%s)', (_name, p) => {
  const ikm = new Uint8Array(22).fill(0x0b);
  it('V5: A.1 with salt and info', async () => {
    const okm = await p.hkdf(
      ikm,
      fromHex('000102030405060708090a0b0c'),
      fromHex('f0f1f2f3f4f5f6f7f8f9'),
      42,
    );
    expect(toHex(okm)).toBe(
      '3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865',
    );
  });
  it('V6: A.3 with empty salt and info, and an undefined salt means the same', async () => {
    const expected =
      '8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d9d201395faa4b61a96c8';
    expect(toHex(await p.hkdf(ikm, new Uint8Array(0), new Uint8Array(0), 42))).toBe(expected);
    expect(toHex(await p.hkdf(ikm, undefined, new Uint8Array(0), 42))).toBe(expected);
  });
  it('V5: the A.1 PRK is HMAC-SHA256(salt, IKM)', async () => {
    const prk = await p.hmacSha256(fromHex('000102030405060708090a0b0c'), ikm);
    expect(toHex(prk)).toBe('077709362c2e32df0ddc3f0dc47bba6390b6c73bb50f9c3122ec844ad7c2b3e5');
  });
  it('refuses outputs longer than 255 hash blocks', async () => {
    await expect(p.hkdf(ikm, undefined, new Uint8Array(0), 255 * 32 + 1)).rejects.toThrow(
      RangeError,
    );
  });
});

describe.each(PROVIDERS)('GCM specification (McGrew–Viega) AES-256 (%s)', (_name, p) => {
  const zeroKey = new Uint8Array(32);
  const zeroIv = new Uint8Array(12);
  const none = new Uint8Array(0);
  it('V7: test case 13 (empty plaintext)', async () => {
    const out = await p.aesGcmEncrypt(zeroKey, zeroIv, none, none);
    expect(toHex(out)).toBe('530f8afbc74536b9a963b4f1c4cb738b');
    expect(await p.aesGcmDecrypt(zeroKey, zeroIv, out, none)).toEqual(none);
  });
  it('V8: test case 14 (one zero block)', async () => {
    const out = await p.aesGcmEncrypt(zeroKey, zeroIv, new Uint8Array(16), none);
    expect(toHex(out)).toBe(
      'cea7403d4d606b6e074ec5d3baf39d18' + 'd0d1c8a799996bf0265b98b5d48ab919',
    );
  });
  it('V9: test case 16 (with AAD), and decryption back', async () => {
    const key = fromHex('feffe9928665731c6d6a8f9467308308feffe9928665731c6d6a8f9467308308');
    const iv = fromHex('cafebabefacedbaddecaf888');
    const aad = fromHex('feedfacedeadbeeffeedfacedeadbeefabaddad2');
    const pt = fromHex(
      'd9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a721c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b39',
    );
    const expected =
      '522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa8cb08e48590dbb3da7b08b1056828838c5f61e6393ba7a0abcc9f662' +
      '76fc6ece0f4e1768cddf8853bb2d551b';
    const out = await p.aesGcmEncrypt(key, iv, pt, aad);
    expect(toHex(out)).toBe(expected);
    expect(toHex(await p.aesGcmDecrypt(key, iv, out, aad))).toBe(toHex(pt));
  });
  it('rejects a flipped tag bit with aead_fail (Wycheproof tcId 130)', async () => {
    const key = fromHex('000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f');
    const iv = fromHex('505152535455565758595a5b');
    const ctTag = fromHex('b2061457c0759fc1749f174ee1ccadfa' + '9de8fef6d8ab1bf1bf887232eab590dd');
    await expect(p.aesGcmDecrypt(key, iv, ctTag, none)).rejects.toMatchObject({
      code: 'aead_fail',
    });
  });
  it('encrypts Wycheproof tcId 91 exactly', async () => {
    const out = await p.aesGcmEncrypt(
      fromHex('92ace3e348cd821092cd921aa3546374299ab46209691bc28b8752d17f123c20'),
      fromHex('00112233445566778899aabb'),
      fromHex('00010203040506070809'),
      fromHex('00000000ffffffff'),
    );
    expect(toHex(out)).toBe('e27abdd2d2a53d2f136b' + '9a4a2579529301bcfb71c78d4060f52c');
  });
  it('rejects a wrong AAD and a truncated ciphertext with aead_fail', async () => {
    const out = await p.aesGcmEncrypt(zeroKey, zeroIv, new Uint8Array(5), fromHex('01'));
    await expect(p.aesGcmDecrypt(zeroKey, zeroIv, out, fromHex('02'))).rejects.toMatchObject({
      code: 'aead_fail',
    });
    await expect(
      p.aesGcmDecrypt(zeroKey, zeroIv, out.subarray(0, 15), fromHex('01')),
    ).rejects.toMatchObject({
      code: 'aead_fail',
    });
  });
  it('refuses keys that are not 128 or 256 bits and nonces that are not 96 bits', async () => {
    await expect(p.aesGcmEncrypt(new Uint8Array(24), zeroIv, none, none)).rejects.toThrow(
      RangeError,
    );
    await expect(p.aesGcmEncrypt(zeroKey, new Uint8Array(8), none, none)).rejects.toThrow(
      RangeError,
    );
  });
});

describe.each(PROVIDERS)('SHA-2 and randomness (%s)', (_name, p) => {
  it('hashes "abc" (FIPS 180-2 examples)', async () => {
    const abc = Uint8Array.of(0x61, 0x62, 0x63);
    expect(toHex(await p.sha256(abc))).toBe(
      'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
    );
    expect(toHex(await p.sha512(abc))).toBe(
      'ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f',
    );
  });
  it('returns fresh random bytes of the asked length, beyond the 64 KiB getRandomValues cap', () => {
    const a = p.randomBytes(70_000);
    expect(a.length).toBe(70_000);
    expect(toHex(p.randomBytes(16))).not.toBe(toHex(p.randomBytes(16)));
    expect(a.subarray(65_536).some((b) => b !== 0)).toBe(true);
  });
});
