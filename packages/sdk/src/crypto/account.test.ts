import { describe, expect, it } from 'vitest';
import { signedKaKey } from '../protocol/auth.js';
import type { KdfParams, SignedKaKey } from '../protocol/auth.js';
import {
  createAccount,
  decryptBundle,
  encryptBundle,
  rotateKaKeyIfDue,
  unwrapAccountKey,
  wrapAccountKey,
} from './account.js';
import { fromB64u, toB64u, toHex } from './encoding.js';
import { isCryptoError } from './errors.js';
import { hpkeOpen, hpkeSeal } from './hpke.js';
import { argon2id, deriveLoginKeys } from './kdf.js';
import { KA_LIFETIME_MS, kaSignaturePayload, selectKaKey, verifyKaKey } from './ka-keys.js';
import { checkIdentity } from './trust-store.js';
import { PROVIDER_PAIRS, PROVIDERS } from './vectors/test-providers.js';

const NOW = Date.UTC(2026, 0, 1);
const DAY = 24 * 60 * 60 * 1000;
const KDF: KdfParams = {
  alg: 'argon2id',
  m: 19_456,
  t: 2,
  p: 1,
  salt: toB64u(new Uint8Array(16).fill(9)),
};
const ALICE = toB64u(new Uint8Array(16).fill(0xa1));
const BOB = toB64u(new Uint8Array(16).fill(0xb0));

function flipBit(bytes: Uint8Array, bit: number): Uint8Array {
  const out = bytes.slice();
  out[bit >> 3]! ^= 1 << (bit & 7);
  return out;
}

describe.each(PROVIDERS)('account key wrapping (%s)', (_name, p) => {
  const kek = new Uint8Array(32).fill(1);
  const ak = new Uint8Array(32).fill(2);
  const ctx = { userId: ALICE, kdf: KDF };

  it('round-trips the account key as nonce ‖ ciphertext ‖ tag (60 bytes), fresh nonce each time', async () => {
    const w1 = await wrapAccountKey(p, kek, ak, ctx);
    const w2 = await wrapAccountKey(p, kek, ak, ctx);
    expect(w1.length).toBe(60);
    expect(toHex(w1)).not.toBe(toHex(w2));
    expect(await unwrapAccountKey(p, kek, w1, ctx)).toEqual(ak);
  });

  it('fails with aead_fail for another user id or other KDF parameters (AAD binding)', async () => {
    const wrapped = await wrapAccountKey(p, kek, ak, ctx);
    await expect(unwrapAccountKey(p, kek, wrapped, { ...ctx, userId: BOB })).rejects.toMatchObject({
      code: 'aead_fail',
    });
    await expect(
      unwrapAccountKey(p, kek, wrapped, { ...ctx, kdf: { ...KDF, m: 65_536 } }),
    ).rejects.toMatchObject({
      code: 'aead_fail',
    });
  });

  it('fails with aead_fail on any flipped bit', async () => {
    const wrapped = await wrapAccountKey(p, kek, ak, ctx);
    for (const bit of [0, 95, 96, 300, 479]) {
      await expect(unwrapAccountKey(p, kek, flipBit(wrapped, bit), ctx)).rejects.toMatchObject({
        code: 'aead_fail',
      });
    }
  });

  it('fails with invalid_input for a blob of the wrong size', async () => {
    await expect(unwrapAccountKey(p, kek, new Uint8Array(59), ctx)).rejects.toMatchObject({
      code: 'invalid_input',
    });
  });
});

describe('login with a password', () => {
  it('a wrong password cannot unwrap the account key (aead_fail)', async () => {
    const [[, p]] = PROVIDERS as [[string, (typeof PROVIDERS)[number][1]]];
    const right = await deriveLoginKeys(p, await argon2id('correct horse battery', KDF));
    const wrong = await deriveLoginKeys(p, await argon2id('correct horse battery ', KDF));
    const ak = p.randomBytes(32);
    const wrapped = await wrapAccountKey(p, right.kek, ak, { userId: ALICE, kdf: KDF });
    expect(await unwrapAccountKey(p, right.kek, wrapped, { userId: ALICE, kdf: KDF })).toEqual(ak);
    const error = await unwrapAccountKey(p, wrong.kek, wrapped, { userId: ALICE, kdf: KDF }).catch(
      (e: unknown) => e,
    );
    expect(isCryptoError(error, 'aead_fail')).toBe(true);
    // The value the server sees is independent of the KEK.
    expect(toHex(right.authKey)).not.toBe(toHex(right.kek));
  });
});

describe.each(PROVIDERS)('createAccount (%s)', (_name, p) => {
  it('makes an identity key, a signed 30-day KA key in wire form and an empty trust store', async () => {
    const acct = await createAccount(p, { userId: ALICE, now: NOW });
    expect(acct.accountKey.length).toBe(32);
    expect(acct.identityKey).toEqual(await p.ed25519PublicKey(acct.bundle.identitySeed));
    expect(signedKaKey.parse(acct.keyAgreementKey)).toEqual(acct.keyAgreementKey);
    expect(acct.keyAgreementKey.notAfter - acct.keyAgreementKey.notBefore).toBe(KA_LIFETIME_MS);
    expect(acct.bundle).toMatchObject({ v: 1, suite: 'cs1', trust: { v: 1, entries: {} } });
    const [ka] = acct.bundle.kaKeys;
    expect(await p.x25519PublicKey(ka!.privateKey)).toEqual(ka!.publicKey);
    expect(await verifyKaKey(p, acct.identityKey, ALICE, acct.keyAgreementKey, NOW)).toBe(true);
  });

  it('signs the KA key over "cs1/ka-sig" ‖ canonical JSON of the fields', async () => {
    const acct = await createAccount(p, { userId: ALICE, now: NOW });
    const k = acct.keyAgreementKey;
    const payload = new TextDecoder().decode(kaSignaturePayload(ALICE, k));
    expect(payload).toBe(
      `cs1/ka-sig{"kaId":"${k.kaId}","notAfter":${k.notAfter},"notBefore":${k.notBefore},"pub":"${k.pub}","userId":"${ALICE}"}`,
    );
  });
});

describe.each(PROVIDERS)('verifyKaKey rejects tampered keys (%s)', (_name, p) => {
  async function setup() {
    const acct = await createAccount(p, { userId: ALICE, now: NOW });
    return { ik: acct.identityKey, key: acct.keyAgreementKey };
  }

  it('rejects a key claimed for another user', async () => {
    const { ik, key } = await setup();
    expect(await verifyKaKey(p, ik, BOB, key)).toBe(false);
  });

  it('rejects a key checked against another identity key (server substitution)', async () => {
    const { key } = await setup();
    const mallory = await createAccount(p, { userId: ALICE, now: NOW });
    expect(await verifyKaKey(p, mallory.identityKey, ALICE, key)).toBe(false);
  });

  it.each([
    [
      'a swapped public key',
      (k: SignedKaKey) => ({ ...k, pub: toB64u(new Uint8Array(32).fill(5)) }),
    ],
    ['a swapped kaId', (k: SignedKaKey) => ({ ...k, kaId: toB64u(new Uint8Array(16)) })],
    ['an extended validity', (k: SignedKaKey) => ({ ...k, notAfter: k.notAfter + DAY })],
    [
      'a moved start',
      (k: SignedKaKey) => ({ ...k, notBefore: k.notBefore - DAY, notAfter: k.notAfter - DAY }),
    ],
    [
      'a flipped signature bit',
      (k: SignedKaKey) => ({ ...k, sig: toB64u(flipBit(fromB64u(k.sig), 17)) }),
    ],
    ['a truncated signature', (k: SignedKaKey) => ({ ...k, sig: k.sig.slice(0, 40) })],
    ['garbage base64url', (k: SignedKaKey) => ({ ...k, pub: '!!!' })],
  ])('rejects %s', async (_what, tamper) => {
    const { ik, key } = await setup();
    expect(await verifyKaKey(p, ik, ALICE, tamper(key))).toBe(false);
  });

  it('rejects a key outside its validity when a time is given', async () => {
    const { ik, key } = await setup();
    expect(await verifyKaKey(p, ik, ALICE, key, NOW + KA_LIFETIME_MS)).toBe(false);
    expect(await verifyKaKey(p, ik, ALICE, key, NOW - 10 * 60 * 1000)).toBe(false);
    expect(await verifyKaKey(p, ik, ALICE, key, NOW - 60 * 1000)).toBe(true); // clock skew
    expect(await verifyKaKey(p, ik, ALICE, key, NOW + KA_LIFETIME_MS - 1)).toBe(true);
  });

  it('selectKaKey picks the newest valid key and skips forged ones', async () => {
    const acct = await createAccount(p, { userId: ALICE, now: NOW });
    const { bundle, added } = await rotateKaKeyIfDue(p, acct.bundle, ALICE, NOW + KA_LIFETIME_MS);
    expect(bundle.kaKeys).toHaveLength(2);
    const forged = { ...added!, notBefore: added!.notBefore + 1 };
    const keys = [acct.keyAgreementKey, added!, forged];
    const later = NOW + KA_LIFETIME_MS + DAY;
    expect(await selectKaKey(p, acct.identityKey, ALICE, keys, later)).toEqual(added);
    expect(
      await selectKaKey(p, acct.identityKey, ALICE, [acct.keyAgreementKey, forged], later),
    ).toBeUndefined();
  });
});

describe.each(PROVIDERS)('rotateKaKeyIfDue (%s)', (_name, p) => {
  it('adds nothing before 30 days, then a new signed key, keeping the old private key', async () => {
    const acct = await createAccount(p, { userId: ALICE, now: NOW });
    const early = await rotateKaKeyIfDue(p, acct.bundle, ALICE, NOW + KA_LIFETIME_MS - 1);
    expect(early.added).toBeUndefined();
    expect(early.bundle).toBe(acct.bundle);

    const due = await rotateKaKeyIfDue(p, acct.bundle, ALICE, NOW + KA_LIFETIME_MS);
    expect(due.added).toBeDefined();
    expect(due.bundle.kaKeys.map((k) => toB64u(k.kaId))).toEqual([
      acct.keyAgreementKey.kaId,
      due.added!.kaId,
    ]);
    expect(await verifyKaKey(p, acct.identityKey, ALICE, due.added!, NOW + KA_LIFETIME_MS)).toBe(
      true,
    );
    expect(acct.bundle.kaKeys).toHaveLength(1); // the input is not mutated
  });

  it('an envelope sealed to the old KA key still opens after rotation', async () => {
    const acct = await createAccount(p, { userId: ALICE, now: NOW });
    const old = acct.bundle.kaKeys[0]!;
    const info = new Uint8Array(1);
    const aad = new Uint8Array(0);
    const { enc, ct } = await hpkeSeal(p, {
      recipientPublicKey: old.publicKey,
      info,
      aad,
      plaintext: new Uint8Array(32).fill(7),
    });
    const { bundle } = await rotateKaKeyIfDue(p, acct.bundle, ALICE, NOW + 2 * KA_LIFETIME_MS);
    const blob = await encryptBundle(p, acct.accountKey, ALICE, bundle);
    const restored = await decryptBundle(p, acct.accountKey, ALICE, blob);
    const same = restored.kaKeys.find((k) => toB64u(k.kaId) === toB64u(old.kaId))!;
    expect(await hpkeOpen(p, { recipientPrivateKey: same.privateKey, enc, info, aad, ct })).toEqual(
      new Uint8Array(32).fill(7),
    );
  });
});

describe.each(PROVIDER_PAIRS)('key bundle encryption (%s)', (_name, a, b) => {
  async function setup() {
    const acct = await createAccount(a, { userId: ALICE, now: NOW });
    const trust = checkIdentity(acct.bundle.trust, BOB, new Uint8Array(32).fill(4), NOW).store;
    const bundle = { ...acct.bundle, trust };
    return { acct, bundle, blob: await encryptBundle(a, acct.accountKey, ALICE, bundle) };
  }

  it('round-trips every key and the trust store', async () => {
    const { acct, bundle, blob } = await setup();
    expect(blob[0]).toBe(1);
    expect(await decryptBundle(b, acct.accountKey, ALICE, blob)).toEqual(bundle);
  });

  it('refuses another user’s bundle (the server swapping blobs): aead_fail', async () => {
    const { acct, blob } = await setup();
    await expect(decryptBundle(b, acct.accountKey, BOB, blob)).rejects.toMatchObject({
      code: 'aead_fail',
    });
  });

  it('refuses the wrong account key and any flipped bit: aead_fail', async () => {
    const { acct, blob } = await setup();
    await expect(decryptBundle(b, new Uint8Array(32), ALICE, blob)).rejects.toMatchObject({
      code: 'aead_fail',
    });
    for (const bit of [8, 100, blob.length * 8 - 1]) {
      await expect(
        decryptBundle(b, acct.accountKey, ALICE, flipBit(blob, bit)),
      ).rejects.toMatchObject({
        code: 'aead_fail',
      });
    }
  });

  it('reports another format byte as unsupported_suite and a stub as invalid_input', async () => {
    const { acct, blob } = await setup();
    const other = blob.slice();
    other[0] = 2;
    await expect(decryptBundle(b, acct.accountKey, ALICE, other)).rejects.toMatchObject({
      code: 'unsupported_suite',
    });
    await expect(
      decryptBundle(b, acct.accountKey, ALICE, blob.subarray(0, 20)),
    ).rejects.toMatchObject({
      code: 'invalid_input',
    });
  });

  it('never puts a private key in the clear in the blob', async () => {
    const { bundle, blob } = await setup();
    const hex = toHex(blob);
    expect(hex).not.toContain(toHex(bundle.identitySeed));
    expect(hex).not.toContain(toHex(bundle.kaKeys[0]!.privateKey));
  });
});
