import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fromHex, toHex, utf8 } from './encoding.js';
import { hpkeDeriveKeyPair, hpkeOpen, hpkeSeal } from './hpke.js';
import { PROVIDER_PAIRS, PROVIDERS } from './vectors/test-providers.js';

// RFC 9180 Appendix A.1.1: DHKEM(X25519, HKDF-SHA256), HKDF-SHA256, AES-128-GCM, base mode (V11).
const A11 = {
  ikmE: '7268600d403fce431561aef583ee1613527cff655c1343f29812e66706df3234',
  skEm: '52c4a758a802cd8b936eceea314432798d5baf2d7e9235dc084ab1b9cfa2f736',
  pkEm: '37fda3567bdbd628e88668c3c8d7e97d1d1253b6d4ea6d44c150f741f1bf4431',
  ikmR: '6db9df30aa07dd42ee5e8181afdb977e538f5e1fec8a06223f33f7013e525037',
  skRm: '4612c550263fc8ad58375df3f557aac531d26850903e55a9f23f21d8534e8ac8',
  pkRm: '3948cfe0ad1ddb695d780e59077195da6c56506b027329794ab02bca80815c4d',
  info: '4f6465206f6e2061204772656369616e2055726e',
  aad: '436f756e742d30',
  pt: '4265617574792069732074727574682c20747275746820626561757479',
  ct: 'f938558b5d72f1a23810b4be2ab4f84331acc02fc97babc53a52ae8218a355a96d8770ac83d07bea87e13c512a',
};

describe.each(PROVIDERS)('RFC 9180 A.1.1 (%s)', (_name, p) => {
  it('DeriveKeyPair gives the vector’s sender and recipient keys', async () => {
    const e = await hpkeDeriveKeyPair(p, fromHex(A11.ikmE));
    const r = await hpkeDeriveKeyPair(p, fromHex(A11.ikmR));
    expect([toHex(e.privateKey), toHex(e.publicKey)]).toEqual([A11.skEm, A11.pkEm]);
    expect([toHex(r.privateKey), toHex(r.publicKey)]).toEqual([A11.skRm, A11.pkRm]);
  });

  it('seals to enc and the sequence-0 ciphertext of the vector', async () => {
    const { enc, ct } = await hpkeSeal(p, {
      recipientPublicKey: fromHex(A11.pkRm),
      info: fromHex(A11.info),
      aad: fromHex(A11.aad),
      plaintext: fromHex(A11.pt),
      ephemeralPrivateKey: fromHex(A11.skEm),
      aead: 'aes-128-gcm',
    });
    expect(toHex(enc)).toBe(A11.pkEm);
    expect(toHex(ct)).toBe(A11.ct);
  });

  it('opens the vector’s ciphertext', async () => {
    const pt = await hpkeOpen(p, {
      recipientPrivateKey: fromHex(A11.skRm),
      enc: fromHex(A11.pkEm),
      info: fromHex(A11.info),
      aad: fromHex(A11.aad),
      ct: fromHex(A11.ct),
      aead: 'aes-128-gcm',
    });
    expect(toHex(pt)).toBe(A11.pt);
  });

  it('with the same keys, AES-256-GCM (cs1) gives a different, longer-keyed ciphertext', async () => {
    const input = {
      recipientPublicKey: fromHex(A11.pkRm),
      info: fromHex(A11.info),
      aad: fromHex(A11.aad),
      plaintext: fromHex(A11.pt),
      ephemeralPrivateKey: fromHex(A11.skEm),
    };
    const { ct } = await hpkeSeal(p, input);
    expect(toHex(ct)).not.toBe(A11.ct);
    await expect(
      hpkeOpen(p, {
        recipientPrivateKey: fromHex(A11.skRm),
        enc: fromHex(A11.pkEm),
        info: input.info,
        aad: input.aad,
        ct,
        aead: 'aes-128-gcm',
      }),
    ).rejects.toMatchObject({ code: 'aead_fail' });
  });
});

describe.each(PROVIDER_PAIRS)('HPKE interoperability and tampering (%s)', (_name, a, b) => {
  async function sealed() {
    const skR = a.randomBytes(32);
    const pkR = await b.x25519PublicKey(skR);
    const info = utf8('cs1/epoch-key|conv|epoch|bob|ka');
    const aad = utf8('{"conv":"c"}');
    const plaintext = a.randomBytes(32);
    const { enc, ct } = await hpkeSeal(a, { recipientPublicKey: pkR, info, aad, plaintext });
    return { skR, pkR, info, aad, plaintext, enc, ct };
  }

  it('opens with one backend what the other sealed', async () => {
    const s = await sealed();
    expect(
      await hpkeOpen(b, {
        recipientPrivateKey: s.skR,
        enc: s.enc,
        info: s.info,
        aad: s.aad,
        ct: s.ct,
      }),
    ).toEqual(s.plaintext);
  });

  it('uses a fresh ephemeral key per seal', async () => {
    const s = await sealed();
    const again = await hpkeSeal(a, {
      recipientPublicKey: s.pkR,
      info: s.info,
      aad: s.aad,
      plaintext: s.plaintext,
    });
    expect(toHex(again.enc)).not.toBe(toHex(s.enc));
  });

  it('refuses a different info, aad or recipient key with aead_fail', async () => {
    const s = await sealed();
    const base = { recipientPrivateKey: s.skR, enc: s.enc, info: s.info, aad: s.aad, ct: s.ct };
    await expect(
      hpkeOpen(b, { ...base, info: utf8('cs1/epoch-key|conv|epoch|carol|ka') }),
    ).rejects.toMatchObject({ code: 'aead_fail' });
    await expect(hpkeOpen(b, { ...base, aad: utf8('{"conv":"d"}') })).rejects.toMatchObject({
      code: 'aead_fail',
    });
    await expect(
      hpkeOpen(b, { ...base, recipientPrivateKey: b.randomBytes(32) }),
    ).rejects.toMatchObject({ code: 'aead_fail' });
  });

  it('the sender cannot open its own envelope without the recipient key (fresh ephemeral)', async () => {
    const s = await sealed();
    // Even a sender that keeps its identity/KA keys has nothing that opens the envelope.
    await expect(
      hpkeOpen(b, {
        recipientPrivateKey: a.randomBytes(32),
        enc: s.enc,
        info: s.info,
        aad: s.aad,
        ct: s.ct,
      }),
    ).rejects.toMatchObject({
      code: 'aead_fail',
    });
  });

  it('refuses any bit flip in enc or ct', async () => {
    const s = await sealed();
    await fc.assert(
      fc.asyncProperty(fc.nat({ max: (32 + s.ct.length) * 8 - 1 }), async (bit) => {
        const all = new Uint8Array([...s.enc, ...s.ct]);
        all[bit >> 3]! ^= 1 << (bit & 7);
        const open = hpkeOpen(b, {
          recipientPrivateKey: s.skR,
          enc: all.subarray(0, 32),
          info: s.info,
          aad: s.aad,
          ct: all.subarray(32),
        });
        await expect(open).rejects.toMatchObject({
          code: expect.stringMatching(/^(aead_fail|invalid_key)$/) as unknown,
        });
      }),
      { numRuns: 20 },
    );
  });

  it('refuses a low-order recipient key with invalid_key', async () => {
    await expect(
      hpkeSeal(a, {
        recipientPublicKey: new Uint8Array(32),
        info: new Uint8Array(0),
        aad: new Uint8Array(0),
        plaintext: new Uint8Array(1),
      }),
    ).rejects.toMatchObject({ code: 'invalid_key' });
  });
});
