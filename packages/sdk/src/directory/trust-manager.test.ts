import { describe, expect, it } from 'vitest';
import type { UnlockedAccount } from '../auth/account-keys.js';
import type { KeyBundle } from '../crypto/account.js';
import { createAccount } from '../crypto/account.js';
import { toB64u } from '../crypto/encoding.js';
import { getCryptoProvider } from '../crypto/providers/select.js';
import { ChatError } from '../errors.js';
import type { IdentityChange } from '../types.js';
import { TrustManager } from './trust-manager.js';

const provider = await getCryptoProvider();
const key = (fill: number) => toB64u(new Uint8Array(32).fill(fill));

async function setup(upload: (bundle: KeyBundle) => Promise<void> = async () => undefined) {
  const created = await createAccount(provider, { userId: 'me', now: 1 });
  const account: UnlockedAccount = {
    userId: 'me',
    accountKey: created.accountKey,
    bundle: created.bundle,
    identityKey: created.identityKey,
    keyAgreementKeys: [created.keyAgreementKey],
  };
  const changes: IdentityChange[] = [];
  const uploads: KeyBundle[] = [];
  const errors: ChatError[] = [];
  const trust = new TrustManager({
    account,
    updateBundle: async (bundle) => {
      uploads.push(bundle);
      await upload(bundle);
      account.bundle = bundle;
    },
    now: () => 1000,
    onChanged: (change) => changes.push(change),
    onError: (error) => errors.push(error),
    usernameOf: (id) => (id === 'bob' ? 'bob' : null),
  });
  return { account, trust, changes, uploads, errors };
}

describe('TrustManager', () => {
  it('pins on first sight and trusts the same key afterwards', async () => {
    const { trust, uploads } = await setup();
    expect(trust.observe('bob', key(1), 'directory')).toBe('new');
    expect(trust.observe('bob', key(1), 'membership')).toBe('trusted');
    await trust.flush();
    expect(uploads).toHaveLength(1);
    expect(uploads[0]!.trust.entries.bob?.identityKey).toBe(key(1));
  });

  it('reports a changed key once and refuses to seal to it', async () => {
    const { trust, changes } = await setup();
    trust.observe('bob', key(1), 'directory');
    expect(trust.observe('bob', key(2), 'directory')).toBe('changed');
    expect(trust.observe('bob', key(2), 'membership')).toBe('changed');
    expect(changes).toEqual([
      {
        userId: 'bob',
        username: 'bob',
        previousKey: key(1),
        newKey: key(2),
        previouslyVerified: false,
        source: 'directory',
      },
    ]);
    expect(trust.canSealTo({ userId: 'bob', ik: key(2) })).toBe(false);
    expect(trust.canSealTo({ userId: 'bob', ik: key(1) })).toBe(true);
  });

  it('after acceptance seals only to the new key but still reads the old one', async () => {
    const { trust, uploads } = await setup();
    trust.observe('bob', key(1), 'directory');
    trust.observe('bob', key(2), 'directory');
    await trust.accept('bob');
    expect(trust.canSealTo({ userId: 'bob', ik: key(2) })).toBe(true);
    expect(trust.canSealTo({ userId: 'bob', ik: key(1) })).toBe(false);
    expect(trust.canReadFrom({ userId: 'bob', ik: key(1) })).toBe(true);
    expect(trust.canReadFrom({ userId: 'bob', ik: key(3) })).toBe(false);
    expect(uploads.at(-1)!.trust.entries.bob?.identityKey).toBe(key(2));
    await expect(trust.accept('bob')).rejects.toMatchObject({ code: 'not_found' });
  });

  it('trusts only the real key of the user themself', async () => {
    const { trust, account } = await setup();
    const own = toB64u(account.identityKey);
    expect(trust.observe('me', own, 'membership')).toBe('trusted');
    expect(trust.observe('me', key(9), 'membership')).toBe('changed');
    expect(trust.canSealTo({ userId: 'me', ik: own })).toBe(true);
    expect(trust.canSealTo({ userId: 'me', ik: key(9) })).toBe(false);
  });

  it('does not roll back pins made while an upload was running', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const { trust, account, uploads } = await setup(async (bundle) => {
      if (uploads.length === 1) await gate;
      void bundle;
    });
    trust.observe('bob', key(1), 'directory');
    trust.observe('carol', key(2), 'directory');
    release();
    await trust.flush();
    expect(Object.keys(account.bundle.trust.entries).sort()).toEqual(['bob', 'carol']);
    expect(Object.keys(uploads.at(-1)!.trust.entries).sort()).toEqual(['bob', 'carol']);
  });

  it('reports a failed upload and lets flush() fail', async () => {
    const { trust, errors } = await setup(async () => {
      throw new ChatError('network_error', 'offline');
    });
    trust.observe('bob', key(1), 'directory');
    await expect(trust.flush()).rejects.toMatchObject({ code: 'network_error' });
    expect(errors.map((e) => e.code)).toContain('network_error');
    expect(trust.pinned('bob')).toBe(key(1));
  });

  it('marks the pinned key verified, and refuses a key that is not the pin', async () => {
    const { trust, account } = await setup();
    trust.observe('bob', key(1), 'directory');
    await trust.verify('bob', key(1));
    expect(account.bundle.trust.entries.bob?.verified).toBe(true);
    await expect(trust.verify('bob', key(2))).rejects.toMatchObject({ code: 'conflict' });
  });
});
