import { beforeAll, describe, expect, it } from 'vitest';
import { fromB64u, toB64u } from '../crypto/encoding.js';
import { getCryptoProvider } from '../crypto/providers/select.js';
import type { CryptoProvider } from '../crypto/provider.js';
import type { AccountKeys } from '../protocol/auth.js';
import { registerRequest } from '../protocol/auth.js';
import {
  buildRegistration,
  deriveSecrets,
  openAccount,
  unwrapWithKek,
  wipeAccount,
} from './account-keys.js';
import { createKdfRunner } from './kdf-runner.js';

const COST = { m: 19_456, t: 2, p: 1 };
const runKdf = createKdfRunner('inline');
let provider: CryptoProvider;
let registration: Awaited<ReturnType<typeof buildRegistration>>;
let keys: AccountKeys;

beforeAll(async () => {
  provider = await getCryptoProvider();
  registration = await buildRegistration(provider, runKdf, {
    username: 'alice',
    password: 'correct horse',
    displayName: 'Alice',
    cost: COST,
    now: Date.now(),
  });
  const { request } = registration;
  keys = {
    kdf: request.kdf,
    wrappedAccountKey: request.wrappedAccountKey,
    encBundle: request.encBundle,
    identityKey: request.identityKey,
    keyAgreementKeys: [request.keyAgreementKey],
  };
});

describe('buildRegistration', () => {
  it('produces a register body the server schema accepts, with fresh ids and salts', async () => {
    const { request, account } = registration;
    expect(registerRequest.parse(request)).toEqual(request);
    expect(request.id).toBe(account.userId);
    expect(request.kdf).toMatchObject({ alg: 'argon2id', ...COST });
    const again = await buildRegistration(provider, runKdf, {
      username: 'alice',
      password: 'correct horse',
      cost: COST,
      now: Date.now(),
    });
    expect(again.request.id).not.toBe(request.id);
    expect(again.request.kdf.salt).not.toBe(request.kdf.salt);
    expect(again.request.authKey).not.toBe(request.authKey);
  });

  it('never puts the password, the KEK or the account key in the request', async () => {
    const { request, account } = registration;
    const { kek } = await deriveSecrets(provider, runKdf, 'correct horse', request.kdf);
    const body = JSON.stringify(request);
    expect(body).not.toContain('correct horse');
    expect(body).not.toContain(toB64u(kek));
    expect(body).not.toContain(toB64u(account.accountKey));
    expect(body).not.toContain(toB64u(account.bundle.identitySeed));
  });
});

describe('unlocking', () => {
  it('unwraps the account key and opens the bundle with the right password', async () => {
    const { account } = registration;
    const { kek } = await deriveSecrets(provider, runKdf, 'correct horse', keys.kdf);
    const accountKey = await unwrapWithKek(provider, kek, account.userId, keys);
    expect(accountKey).toEqual(account.accountKey);
    const opened = await openAccount(provider, account.userId, accountKey, keys);
    expect(opened.identityKey).toEqual(account.identityKey);
    expect(opened.bundle.identitySeed).toEqual(account.bundle.identitySeed);
  });

  it('reports a wrong password as unauthorized', async () => {
    const { kek } = await deriveSecrets(provider, runKdf, 'wrong horse', keys.kdf);
    await expect(
      unwrapWithKek(provider, kek, registration.account.userId, keys),
    ).rejects.toMatchObject({
      code: 'unauthorized',
    });
  });

  it('reports KDF parameters swapped by the server as unauthorized too', async () => {
    const { kek } = await deriveSecrets(provider, runKdf, 'correct horse', keys.kdf);
    const swapped = { ...keys, kdf: { ...keys.kdf, t: 3 } };
    await expect(
      unwrapWithKek(provider, kek, registration.account.userId, swapped),
    ).rejects.toMatchObject({ code: 'unauthorized' });
  });

  it('refuses a server that substitutes the identity public key', async () => {
    const { account } = registration;
    const forged = { ...keys, identityKey: toB64u(new Uint8Array(32).fill(9)) };
    await expect(
      openAccount(provider, account.userId, account.accountKey, forged),
    ).rejects.toMatchObject({
      code: 'decryption_failed',
    });
  });

  it("refuses another user's bundle and a tampered one", async () => {
    const { account } = registration;
    await expect(
      openAccount(provider, toB64u(new Uint8Array(16)), account.accountKey, keys),
    ).rejects.toMatchObject({ code: 'decryption_failed' });
    const blob = fromB64u(keys.encBundle);
    blob[blob.length - 1]! ^= 1;
    const tampered = { ...keys, encBundle: toB64u(blob) };
    await expect(
      openAccount(provider, account.userId, account.accountKey, tampered),
    ).rejects.toMatchObject({
      code: 'decryption_failed',
    });
  });

  it('wipes secret bytes on sign-out', async () => {
    const { account } = await buildRegistration(provider, runKdf, {
      username: 'bob',
      password: 'pw',
      cost: COST,
      now: Date.now(),
    });
    wipeAccount(account);
    expect(account.accountKey.every((b) => b === 0)).toBe(true);
    expect(account.bundle.identitySeed.every((b) => b === 0)).toBe(true);
    expect(account.bundle.kaKeys.every((ka) => ka.privateKey.every((b) => b === 0))).toBe(true);
  });
});
