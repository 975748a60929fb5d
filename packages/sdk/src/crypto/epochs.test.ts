import { beforeAll, describe, expect, it } from 'vitest';
import {
  change,
  directoryOf,
  makeConversation,
  makeUsers,
  rotateKa,
  T0,
  trustAll,
} from '../../test/cs1-fixture.js';
import type { TestConversation, TestUser } from '../../test/cs1-fixture.js';
import { concatBytes, equalBytes, fromB64u, toB64u } from './encoding.js';
import { epochSigningBytes } from './epoch-record.js';
import { CryptoError } from './errors.js';
import type { EpochEnvelope, SignedEpochRecord } from './epoch-record.js';
import {
  checkEpochEnvelopes,
  createEpoch,
  openEpoch,
  trustFromStore,
  verifyEpochRecord,
} from './epochs.js';
import type { CreatedEpoch } from './epochs.js';
import { hpkeOpen } from './hpke.js';
import { replayMembershipHistory } from './membership-log.js';
import type { MembershipState } from './membership-log.js';
import type { CryptoProvider } from './provider.js';
import { createNobleProvider } from './providers/noble.js';
import { createWebCryptoProvider } from './providers/webcrypto.js';
import { acceptIdentity, createTrustStore } from './trust-store.js';

const web = createWebCryptoProvider();
const noble = createNobleProvider();
const CONV = 'conv-e';
let alice: TestUser;
let bob: TestUser;
let carol: TestUser;
let mallory: TestUser;

beforeAll(async () => {
  [alice, bob, carol, mallory] = await makeUsers(web, [
    'alice',
    'bob',
    'carol',
    'mallory',
  ] as const);
});

function newEpoch(
  provider: CryptoProvider,
  c: TestConversation,
  creator = alice,
): Promise<CreatedEpoch> {
  return createEpoch(provider, {
    conv: c.conv,
    membership: c.state,
    creator,
    directory: directoryOf([alice, bob, carol, mallory]),
    isTrusted: trustAll,
    prevEpochId: null,
    reason: 'init',
    now: T0,
  });
}

async function open(
  provider: CryptoProvider,
  c: TestConversation,
  created: { signed: unknown; envelopes: readonly unknown[] },
  user: TestUser,
  envelope: unknown = created.envelopes.find((e) => (e as EpochEnvelope).user === user.userId),
) {
  const history = await replayMembershipHistory(provider, c.entries, { conv: c.conv });
  return openEpoch(provider, {
    signed: created.signed,
    envelope,
    conv: c.conv,
    membershipAt: (seq) => history.at(seq),
    isTrusted: trustAll,
    me: user,
  });
}

function withRecord(signed: SignedEpochRecord, fields: object): SignedEpochRecord {
  return { ...signed, record: { ...signed.record, ...fields } };
}

describe('epochs', () => {
  it('seals one key to every member, the creator included, and each opens it', async () => {
    const c = await makeConversation(web, CONV, alice, [bob, carol]);
    const created = await newEpoch(web, c);
    expect(created.envelopes.map((e) => e.user).sort()).toEqual(['alice', 'bob', 'carol']);
    expect(created.signed.record.recipients.map((r) => r.user)).toEqual(['alice', 'bob', 'carol']);
    for (const user of [alice, bob, carol]) {
      const result = await open(web, c, created, user);
      expect(result.ok && equalBytes(result.epoch.cek, created.epoch.cek)).toBe(true);
    }
  });

  it('interoperates: sealed with WebCrypto opens with noble, and the reverse', async () => {
    const c = await makeConversation(web, CONV, alice, [bob]);
    const byWeb = await newEpoch(web, c);
    const openedByNoble = await open(noble, c, byWeb, bob);
    expect(openedByNoble.ok && equalBytes(openedByNoble.epoch.cek, byWeb.epoch.cek)).toBe(true);
    const byNoble = await newEpoch(noble, c);
    const openedByWeb = await open(web, c, byNoble, bob);
    expect(openedByWeb.ok && equalBytes(openedByWeb.epoch.cek, byNoble.epoch.cek)).toBe(true);
  });

  it('gives a non-member no_envelope_for_user', async () => {
    const c = await makeConversation(web, CONV, alice, [bob]);
    const created = await newEpoch(web, c);
    const result = await open(web, c, created, mallory, created.envelopes[0]);
    expect(result).toMatchObject({ ok: false, reason: 'no_envelope_for_user' });
  });

  it('leaves a removed member out of the next epoch', async () => {
    const c = await makeConversation(web, CONV, alice, [bob, carol]);
    await change(web, c, alice, 'remove', bob);
    const created = await newEpoch(web, c);
    expect(created.signed.record.recipients.map((r) => r.user)).toEqual(['alice', 'carol']);
    expect(await open(web, c, created, bob, created.envelopes[0])).toMatchObject({
      reason: 'no_envelope_for_user',
    });
  });

  it('keeps old epochs openable after membership and key-agreement rotations', async () => {
    const c = await makeConversation(web, CONV, alice, [bob, carol]);
    const first = await newEpoch(web, c);
    await change(web, c, alice, 'remove', carol);
    await rotateKa(web, bob, T0 + 1);
    const second = await createEpoch(web, {
      conv: CONV,
      membership: c.state,
      creator: alice,
      directory: directoryOf([alice, bob]),
      isTrusted: trustAll,
      prevEpochId: first.signed.record.epochId,
      reason: 'member-removed',
      now: T0 + 2,
    });
    expect(second.signed.record.recipients.find((r) => r.user === 'bob')?.kaId).toBe(
      bob.signedKa[1]!.kaId,
    );
    const old = await open(web, c, first, bob);
    const fresh = await open(web, c, second, bob);
    expect(old.ok && fresh.ok).toBe(true);
    expect(await open(web, c, first, carol)).toMatchObject({ ok: true });
  });

  it('detects an extra envelope and a swapped envelope', async () => {
    const c = await makeConversation(web, CONV, alice, [bob, carol]);
    const created = await newEpoch(web, c);
    const extra = { ...created.envelopes[0]!, user: mallory.userId };
    expect(
      await checkEpochEnvelopes(web, created.signed.record, [...created.envelopes, extra]),
    ).toMatchObject({ ok: false });
    const carolEnvelope = created.envelopes.find((e) => e.user === 'carol')!;
    const swapped = { ...carolEnvelope, user: 'bob', kaId: bob.signedKa[0]!.kaId };
    expect(await open(web, c, created, bob, swapped)).toMatchObject({
      ok: false,
      reason: 'epoch_sig_invalid',
    });
    expect(await open(web, c, created, bob, carolEnvelope)).toMatchObject({
      ok: false,
      reason: 'epoch_sig_invalid',
    });
    expect(await checkEpochEnvelopes(web, created.signed.record, created.envelopes)).toEqual({
      ok: true,
    });
  });

  it('rejects a record whose fields were changed after signing', async () => {
    const c = await makeConversation(web, CONV, alice, [bob]);
    const created = await newEpoch(web, c);
    const tampered = withRecord(created.signed, { createdAt: T0 + 1 });
    expect(await open(web, c, { ...created, signed: tampered }, bob)).toMatchObject({
      reason: 'epoch_sig_invalid',
    });
  });

  it('rejects an epoch sealed to a member set the log does not have', async () => {
    const c = await makeConversation(web, CONV, alice, [bob]);
    // Alice signs an epoch that also includes Mallory, whom the log never added.
    const fake: MembershipState = {
      ...c.state,
      members: [...c.state.members, { userId: 'mallory', ik: mallory.ik }],
      memberSetHash: toB64u(new Uint8Array(32)),
    };
    const created = await createEpoch(web, {
      conv: CONV,
      membership: fake,
      creator: alice,
      directory: directoryOf([alice, bob, mallory]),
      isTrusted: trustAll,
      prevEpochId: null,
      reason: 'init',
      now: T0,
    });
    expect(await open(web, c, created, bob)).toMatchObject({
      ok: false,
      reason: 'epoch_sig_invalid',
    });
  });

  it('rejects an epoch created by someone who was not a member', async () => {
    const c = await makeConversation(web, CONV, alice, [bob]);
    const created = await newEpoch(web, c);
    const claimed = withRecord(created.signed, { creator: 'mallory' });
    expect(await open(web, c, { ...created, signed: claimed }, bob)).toMatchObject({
      reason: 'epoch_sig_invalid',
    });
  });

  it('rejects an epoch of another conversation or beyond the known log', async () => {
    const c = await makeConversation(web, CONV, alice, [bob]);
    const other = await makeConversation(web, 'conv-other', alice, [bob]);
    const created = await newEpoch(web, other);
    expect(await open(web, c, created, bob)).toMatchObject({ reason: 'epoch_sig_invalid' });
    const ahead = await newEpoch(web, c);
    const result = await verifyEpochRecord(web, {
      signed: ahead.signed,
      conv: CONV,
      membershipAt: async () => undefined,
      isTrusted: trustAll,
    });
    expect(result).toMatchObject({ ok: false, reason: 'epoch_sig_invalid' });
  });

  it('reports an untrusted creator and refuses to seal to an untrusted member', async () => {
    const c = await makeConversation(web, CONV, alice, [bob]);
    const created = await newEpoch(web, c);
    const result = await openEpoch(web, {
      signed: created.signed,
      envelope: created.envelopes.find((e) => e.user === 'bob'),
      conv: CONV,
      membershipAt: async () => c.state,
      isTrusted: (m) => m.userId !== 'alice',
      me: bob,
    });
    expect(result).toMatchObject({ ok: false, reason: 'identity_untrusted' });

    let store = acceptIdentity(createTrustStore(), 'alice', fromB64u(alice.ik), T0);
    store = acceptIdentity(store, 'bob', fromB64u(carol.ik), T0); // pinned a different key for bob
    const refused = createEpoch(web, {
      conv: CONV,
      membership: c.state,
      creator: alice,
      directory: directoryOf([alice, bob]),
      isTrusted: trustFromStore(store, { userId: 'alice', ik: alice.ik }),
      prevEpochId: null,
      reason: 'init',
      now: T0,
    });
    await expect(refused).rejects.toMatchObject({ code: 'identity_untrusted' });
  });

  it('trusts pinned contacts and the local user’s own key through the trust store', async () => {
    const c = await makeConversation(web, CONV, alice, [bob]);
    const store = acceptIdentity(createTrustStore(), 'bob', fromB64u(bob.ik), T0);
    const check = trustFromStore(store, { userId: 'alice', ik: alice.ik });
    const created = await createEpoch(web, { ...(await baseOptions(c)), isTrusted: check });
    expect(created.envelopes).toHaveLength(2);
    expect(check({ userId: 'alice', ik: mallory.ik })).toBe(false);
    expect(check({ userId: 'carol', ik: carol.ik })).toBe(false);
  });

  it('refuses a key-agreement key not signed by the member’s pinned identity key', async () => {
    const c = await makeConversation(web, CONV, alice, [bob]);
    const attempt = createEpoch(web, {
      conv: CONV,
      membership: c.state,
      creator: alice,
      // The server substitutes Mallory's (validly self-signed) key for Bob's.
      directory: (id) => (id === 'bob' ? mallory.signedKa : alice.signedKa),
      isTrusted: trustAll,
      prevEpochId: null,
      reason: 'init',
      now: T0,
    });
    await expect(attempt).rejects.toMatchObject({ code: 'invalid_key' });
  });

  it('refuses a creator who is not a member or whose seed is not the pinned key', async () => {
    const c = await makeConversation(web, CONV, alice, [bob]);
    await expect(newEpoch(web, c, mallory)).rejects.toMatchObject({ code: 'sender_not_member' });
    const impostor = { userId: 'bob', identitySeed: mallory.identitySeed };
    await expect(
      createEpoch(web, { ...(await baseOptions(c)), creator: impostor }),
    ).rejects.toBeInstanceOf(CryptoError);
  });

  it('returns aead_fail when a member signs a record over a corrupted envelope', async () => {
    const c = await makeConversation(web, CONV, alice, [bob]);
    const created = await newEpoch(web, c);
    const bobs = created.envelopes.find((e) => e.user === 'bob')!;
    const ct = fromB64u(bobs.ct);
    ct[0]! ^= 1;
    const corrupted = { ...bobs, ct: toB64u(ct) };
    const envHash = toB64u(await web.sha256(concatBytes(fromB64u(bobs.enc), ct)));
    const record = {
      ...created.signed.record,
      recipients: created.signed.record.recipients.map((r) =>
        r.user === 'bob' ? { ...r, envHash } : r,
      ),
    };
    const sig = toB64u(await web.ed25519Sign(alice.identitySeed, epochSigningBytes(record)));
    const result = await open(web, c, { signed: { record, sig }, envelopes: [] }, bob, corrupted);
    expect(result).toMatchObject({ ok: false, reason: 'aead_fail' });
    expect(await open(web, c, created, bob, { ...bobs, kaId: 'unknown-ka' })).toMatchObject({
      reason: 'epoch_sig_invalid',
    });
  });

  it('cannot be opened with the sender’s own long-term keys', async () => {
    const c = await makeConversation(web, CONV, alice, [bob]);
    const created = await newEpoch(web, c);
    const bobs = created.envelopes.find((e) => e.user === 'bob')!;
    for (const key of [alice.kaKeys[0]!.privateKey, alice.identitySeed]) {
      const attempt = hpkeOpen(web, {
        recipientPrivateKey: key,
        enc: fromB64u(bobs.enc),
        ct: fromB64u(bobs.ct),
        info: new Uint8Array(0),
        aad: new Uint8Array(0),
      });
      await expect(attempt).rejects.toBeInstanceOf(CryptoError);
    }
  });

  it('returns invalid_input or unsupported_suite for malformed records, never throws', async () => {
    const c = await makeConversation(web, CONV, alice, [bob]);
    const created = await newEpoch(web, c);
    expect(await open(web, c, { ...created, signed: null }, bob)).toMatchObject({
      reason: 'invalid_input',
    });
    const v2 = withRecord(created.signed, { v: 2 });
    expect(await open(web, c, { ...created, signed: v2 }, bob)).toMatchObject({
      reason: 'unsupported_suite',
    });
    expect(await open(web, c, created, bob, { user: 'bob' })).toMatchObject({
      reason: 'invalid_input',
    });
    const withoutEnvelope = await openEpoch(web, {
      signed: created.signed,
      envelope: undefined,
      conv: CONV,
      membershipAt: async () => c.state,
      isTrusted: trustAll,
      me: bob,
    });
    expect(withoutEnvelope).toMatchObject({ ok: false, reason: 'no_envelope_for_user' });
  });
});

async function baseOptions(c: TestConversation) {
  return {
    conv: c.conv,
    membership: c.state,
    creator: alice,
    directory: directoryOf([alice, bob, carol, mallory]),
    isTrusted: trustAll,
    prevEpochId: null,
    reason: 'init' as const,
    now: T0,
  };
}
