import { describe, expect, it } from 'vitest';
import * as crypto from './index.js';

describe('@parley/sdk/crypto public API', () => {
  it('exports the cs1 building blocks by name', () => {
    const functions = [
      'getCryptoProvider',
      'createNobleProvider',
      'createWebCryptoProvider',
      'canonicalJson',
      'toB64u',
      'fromB64u',
      'argon2id',
      'deriveLoginKeys',
      'newKdfParams',
      'wrapAccountKey',
      'unwrapAccountKey',
      'createAccount',
      'encryptBundle',
      'decryptBundle',
      'verifyKaKey',
      'rotateKaKeyIfDue',
      'hpkeSeal',
      'hpkeOpen',
      'safetyNumber',
      'fingerprintCore',
      'checkIdentity',
      'acceptIdentity',
      'markVerified',
      'createEpoch',
      'openEpoch',
      'encryptMessage',
      'decryptMessage',
      'replayMembershipLog',
      'encryptAttachment',
      'decryptAttachment',
    ] as const;
    for (const name of functions) expect(typeof crypto[name], name).toBe('function');
    expect(crypto.LABELS.kek).toBe('cs1/kek');
    expect(new crypto.CryptoError('aead_fail').code).toBe('aead_fail');
  });

  it('works end to end from the entry point: derive, wrap, unwrap', async () => {
    const provider = await crypto.getCryptoProvider();
    const master = provider.randomBytes(32);
    const { kek } = await crypto.deriveLoginKeys(provider, master);
    const { accountKey } = await crypto.createAccount(provider, { userId: 'u', now: 0 });
    const kdf = crypto.newKdfParams(provider, { m: 19_456, t: 2 });
    const wrapped = await crypto.wrapAccountKey(provider, kek, accountKey, { userId: 'u', kdf });
    expect(await crypto.unwrapAccountKey(provider, kek, wrapped, { userId: 'u', kdf })).toEqual(
      accountKey,
    );
  });
});
