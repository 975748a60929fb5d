import { describe, expect, it } from 'vitest';
import { canonicalJson } from './canonical-json.js';
import {
  acceptIdentity,
  checkIdentity,
  createTrustStore,
  isTrusted,
  markVerified,
  parseTrustStore,
  pinnedIdentityKey,
} from './trust-store.js';

const K1 = new Uint8Array(32).fill(1);
const K2 = new Uint8Array(32).fill(2);
const T0 = 1_000;

describe('trust store', () => {
  it('pins a key on first sight and trusts it afterwards', () => {
    const first = checkIdentity(createTrustStore(), 'bob', K1, T0);
    expect(first.status).toBe('new');
    expect(first.entry).toMatchObject({ firstSeen: T0, verified: false });
    const again = checkIdentity(first.store, 'bob', K1, T0 + 5);
    expect(again.status).toBe('trusted');
    expect(again.store).toBe(first.store);
    expect(isTrusted(first.store, 'bob', K1)).toBe(true);
  });

  it('reports a changed key without trusting it until accepted', () => {
    const { store } = checkIdentity(createTrustStore(), 'bob', K1, T0);
    const changed = checkIdentity(store, 'bob', K2, T0 + 1);
    expect(changed.status).toBe('changed');
    expect(changed.store).toBe(store);
    expect(isTrusted(changed.store, 'bob', K2)).toBe(false);
    const accepted = acceptIdentity(changed.store, 'bob', K2, T0 + 2);
    expect(isTrusted(accepted, 'bob', K2)).toBe(true);
    expect(isTrusted(accepted, 'bob', K1)).toBe(false);
    expect(accepted.entries.bob?.previous).toEqual([
      {
        identityKey: store.entries.bob!.identityKey,
        firstSeen: T0,
        replacedAt: T0 + 2,
        verified: false,
      },
    ]);
  });

  it('drops the verified mark when a verified key is replaced, and keeps it in history', () => {
    let store = checkIdentity(createTrustStore(), 'bob', K1, T0).store;
    store = markVerified(store, 'bob', K1);
    expect(store.entries.bob?.verified).toBe(true);
    const changed = checkIdentity(store, 'bob', K2, T0 + 1);
    expect(changed.status).toBe('changed');
    expect(changed.entry.verified).toBe(true); // the UI warns louder: a verified contact changed
    const accepted = acceptIdentity(store, 'bob', K2, T0 + 2);
    expect(accepted.entries.bob).toMatchObject({ verified: false });
    expect(accepted.entries.bob?.previous?.[0]?.verified).toBe(true);
  });

  it('refuses to mark verified a key that is not the pin (identity_untrusted)', () => {
    const { store } = checkIdentity(createTrustStore(), 'bob', K1, T0);
    expect(() => markVerified(store, 'bob', K2)).toThrow(
      expect.objectContaining({ code: 'identity_untrusted' }) as Error,
    );
    expect(() => markVerified(store, 'carol', K1)).toThrow(
      expect.objectContaining({ code: 'identity_untrusted' }) as Error,
    );
  });

  it('never mutates the store it was given', () => {
    const empty = createTrustStore();
    checkIdentity(empty, 'bob', K1, T0);
    expect(empty.entries).toEqual({});
  });

  it('treats "__proto__" as an ordinary user id', () => {
    const { status, store } = checkIdentity(createTrustStore(), '__proto__', K1, T0);
    expect(status).toBe('new');
    expect(pinnedIdentityKey(store, '__proto__')).toEqual(K1);
    expect(pinnedIdentityKey(store, 'toString')).toBeUndefined();
    expect(checkIdentity(store, 'constructor', K1, T0).status).toBe('new');
  });

  it('serialises as canonical JSON and parses back', () => {
    let store = checkIdentity(createTrustStore(), 'bob', K1, T0).store;
    store = acceptIdentity(store, 'bob', K2, T0 + 1);
    store = checkIdentity(store, 'carol', K1, T0 + 2).store;
    expect(parseTrustStore(JSON.parse(canonicalJson(store)))).toEqual(store);
  });

  it.each([
    ['not an object', 5],
    ['a wrong version', { v: 2, entries: {} }],
    [
      'a short key',
      { v: 1, entries: { bob: { identityKey: 'AAAA', firstSeen: 1, verified: false } } },
    ],
    ['a missing flag', { v: 1, entries: { bob: { identityKey: 'A'.repeat(43), firstSeen: 1 } } }],
  ])('rejects malformed data: %s', (_what, value) => {
    expect(() => parseTrustStore(value)).toThrow(
      expect.objectContaining({ code: 'invalid_input' }) as Error,
    );
  });
});
