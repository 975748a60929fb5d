import { beforeAll, describe, expect, it } from 'vitest';
import { change, makeConversation, makeUsers, T0 } from '../../test/cs1-fixture.js';
import type { TestUser } from '../../test/cs1-fixture.js';
import { canonicalBytes } from './canonical-json.js';
import { toB64u } from './encoding.js';
import { CryptoError } from './errors.js';
import {
  hashMembershipEntry,
  membershipRejectionOf,
  signMembershipEntry,
} from './membership-entry.js';
import type { MembershipEntry, SignedMembershipEntry } from './membership-entry.js';
import {
  applyMembershipEntry,
  buildMembershipEntry,
  computeMemberSetHash,
  memberIk,
  replayMembershipHistory,
  replayMembershipLog,
} from './membership-log.js';
import { createNobleProvider } from './providers/noble.js';
import { createWebCryptoProvider } from './providers/webcrypto.js';

const provider = createWebCryptoProvider();
const CONV = 'conv-1';
let alice: TestUser;
let bob: TestUser;
let carol: TestUser;
let mallory: TestUser;

beforeAll(async () => {
  [alice, bob, carol, mallory] = await makeUsers(provider, [
    'alice',
    'bob',
    'carol',
    'mallory',
  ] as const);
});

async function rejection(promise: Promise<unknown>): Promise<string> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(CryptoError);
  expect((error as CryptoError).code).toBe('membership_invalid');
  // The reason is machine-readable too, and always the message prefix.
  expect((error as CryptoError).message.startsWith(`${membershipRejectionOf(error)}:`)).toBe(true);
  return (error as CryptoError).message;
}

/** Signs an arbitrary entry as `signer`, bypassing the builder's checks (attacker's view). */
async function forge(entry: MembershipEntry, signer: TestUser): Promise<SignedMembershipEntry> {
  return signMembershipEntry(provider, entry, signer.identitySeed);
}

async function nextEntry(
  state: { seq: number; headHash: string },
  fields: Partial<MembershipEntry>,
): Promise<MembershipEntry> {
  return {
    v: 1,
    suite: 'cs1',
    conv: CONV,
    seq: state.seq + 1,
    prev: state.headHash,
    op: 'add',
    target: mallory.userId,
    targetIk: mallory.ik,
    actor: alice.userId,
    ts: T0,
    ...fields,
  };
}

describe('membership log replay', () => {
  it('replays create, add, promote, demote, remove and leave into the member set', async () => {
    const c = await makeConversation(provider, CONV, alice, [bob, carol], { rotateAfterMsgs: 50 });
    await change(provider, c, alice, 'promote', bob);
    await change(provider, c, bob, 'remove', carol);
    await change(provider, c, alice, 'demote', bob);
    await change(provider, c, bob, 'leave', bob);
    const state = await replayMembershipLog(provider, c.entries, { conv: CONV });
    expect(state.members).toEqual([{ userId: 'alice', ik: alice.ik }]);
    expect(state.admins).toEqual(['alice']);
    expect(state.seq).toBe(6);
    expect(state.settings).toEqual({
      shareHistory: false,
      rotateAfterMsgs: 50,
      rotateAfterMs: 604_800_000,
    });
    expect(state.lastDepartureSeq).toBe(6);
    expect(state).toEqual(c.state);
  });

  it('hashes the member set independently of order, and differently for another key', async () => {
    const a = { userId: 'alice', ik: alice.ik };
    const b = { userId: 'bob', ik: bob.ik };
    const h1 = await computeMemberSetHash(provider, [a, b]);
    expect(await computeMemberSetHash(provider, [b, a])).toBe(h1);
    expect(await computeMemberSetHash(provider, [a, { userId: 'bob', ik: carol.ik }])).not.toBe(h1);
    const expected = toB64u(await provider.sha256(canonicalBytes([a, b])));
    expect(h1).toBe(expected);
  });

  it('gives the same state with both providers', async () => {
    const c = await makeConversation(provider, CONV, alice, [bob]);
    const noble = await replayMembershipLog(createNobleProvider(), c.entries, { conv: CONV });
    expect(noble).toEqual(c.state);
  });

  it('keeps the state after any earlier seq for verifying old epochs', async () => {
    const c = await makeConversation(provider, CONV, alice, [bob, carol]);
    const afterBob = c.state.seq - 1;
    await change(provider, c, alice, 'remove', bob);
    const history = await replayMembershipHistory(provider, c.entries, { conv: CONV });
    expect(history.current).toEqual(c.state);
    const old = await history.at(afterBob);
    expect(old?.members.map((m) => m.userId)).toEqual(['alice', 'bob']);
    expect(old).toEqual(
      await replayMembershipLog(provider, c.entries, { conv: CONV, throughSeq: afterBob }),
    );
    expect(await history.at(99)).toBeUndefined();
  });

  it('applies live entries one at a time', async () => {
    const c = await makeConversation(provider, CONV, alice, [bob]);
    const first = await applyMembershipEntry(provider, undefined, c.entries[0], { conv: CONV });
    const second = await applyMembershipEntry(provider, first, c.entries[1], { conv: CONV });
    expect(second).toEqual(c.state);
    expect(memberIk(second, 'bob')).toBe(bob.ik);
  });
});

describe('membership log rejects what the server might inject', () => {
  it('rejects an unsigned entry', async () => {
    const c = await makeConversation(provider, CONV, alice, []);
    const unsigned = { entry: await nextEntry(c.state, {}), sig: '' };
    expect(
      await rejection(replayMembershipLog(provider, [...c.entries, unsigned], { conv: CONV })),
    ).toMatch(/^unsigned/);
  });

  it('rejects an add signed by a key that is not the actor’s', async () => {
    const c = await makeConversation(provider, CONV, alice, []);
    const forged = await forge(await nextEntry(c.state, {}), mallory); // claims actor alice
    expect(
      await rejection(replayMembershipLog(provider, [...c.entries, forged], { conv: CONV })),
    ).toMatch(/^bad_signature/);
  });

  it('rejects an entry whose content was changed after signing', async () => {
    const c = await makeConversation(provider, CONV, alice, [bob]);
    const last = c.entries[1]!;
    const tampered = { ...last, entry: { ...last.entry, targetIk: mallory.ik } };
    expect(
      await rejection(replayMembershipLog(provider, [c.entries[0], tampered], { conv: CONV })),
    ).toMatch(/^bad_signature/);
  });

  it('rejects an add by a member who is not an admin', async () => {
    const c = await makeConversation(provider, CONV, alice, [bob]);
    const entry = await forge(await nextEntry(c.state, { actor: bob.userId }), bob);
    expect(
      await rejection(replayMembershipLog(provider, [...c.entries, entry], { conv: CONV })),
    ).toMatch(/^not_admin/);
  });

  it('rejects an entry by a non-member, however it is signed', async () => {
    const c = await makeConversation(provider, CONV, alice, []);
    const entry = await forge(await nextEntry(c.state, { actor: mallory.userId }), mallory);
    expect(
      await rejection(replayMembershipLog(provider, [...c.entries, entry], { conv: CONV })),
    ).toMatch(/^not_member/);
  });

  it('rejects an entry that breaks the hash chain', async () => {
    const c = await makeConversation(provider, CONV, alice, []);
    const entry = await forge(
      await nextEntry(c.state, { prev: toB64u(new Uint8Array(32)) }),
      alice,
    );
    expect(
      await rejection(replayMembershipLog(provider, [...c.entries, entry], { conv: CONV })),
    ).toMatch(/^chain_broken/);
  });

  it('rejects gaps, duplicates and reordering of seq', async () => {
    const c = await makeConversation(provider, CONV, alice, [bob, carol]);
    const [e0, e1, e2] = c.entries;
    expect(await rejection(replayMembershipLog(provider, [e0, e2], { conv: CONV }))).toMatch(
      /^out_of_seq/,
    );
    expect(await rejection(replayMembershipLog(provider, [e0, e1, e1], { conv: CONV }))).toMatch(
      /^out_of_seq/,
    );
    expect(await rejection(replayMembershipLog(provider, [e1, e0], { conv: CONV }))).toMatch(
      /^out_of_seq/,
    );
    expect(await rejection(replayMembershipLog(provider, [], { conv: CONV }))).toMatch(
      /^out_of_seq/,
    );
  });

  it('rejects a log of another conversation', async () => {
    const c = await makeConversation(provider, CONV, alice, [bob]);
    expect(await rejection(replayMembershipLog(provider, c.entries, { conv: 'conv-2' }))).toMatch(
      /^wrong_conversation/,
    );
  });

  it('rejects a second create and settings outside create', async () => {
    const c = await makeConversation(provider, CONV, alice, []);
    const again = await forge(
      await nextEntry(c.state, { op: 'create', target: alice.userId, targetIk: alice.ik }),
      alice,
    );
    expect(
      await rejection(replayMembershipLog(provider, [...c.entries, again], { conv: CONV })),
    ).toMatch(/^out_of_seq/);
    const withSettings = await forge(
      await nextEntry(c.state, {
        settings: { shareHistory: true, rotateAfterMsgs: 1, rotateAfterMs: 1 },
      }),
      alice,
    );
    expect(
      await rejection(replayMembershipLog(provider, [...c.entries, withSettings], { conv: CONV })),
    ).toMatch(/^malformed/);
  });

  it('rejects a leave signed for someone else and a remove naming another key', async () => {
    const c = await makeConversation(provider, CONV, alice, [bob]);
    const leave = await forge(
      await nextEntry(c.state, { op: 'leave', target: bob.userId, targetIk: bob.ik }),
      alice,
    );
    expect(
      await rejection(replayMembershipLog(provider, [...c.entries, leave], { conv: CONV })),
    ).toMatch(/^bad_target/);
    const remove = await forge(
      await nextEntry(c.state, { op: 'remove', target: bob.userId, targetIk: mallory.ik }),
      alice,
    );
    expect(
      await rejection(replayMembershipLog(provider, [...c.entries, remove], { conv: CONV })),
    ).toMatch(/^bad_target/);
  });

  it('rejects malformed entries without throwing anything but CryptoError', async () => {
    const c = await makeConversation(provider, CONV, alice, []);
    for (const bad of [
      null,
      42,
      { entry: null, sig: 'x' },
      { entry: { ...c.entries[0]!.entry, extra: 1 }, sig: c.entries[0]!.sig },
    ]) {
      expect(await rejection(replayMembershipLog(provider, [bad], { conv: CONV }))).toMatch(
        /^(malformed|unsigned)/,
      );
    }
  });

  it('refuses to build an entry the rules forbid', async () => {
    const c = await makeConversation(provider, CONV, alice, [bob]);
    const change = { op: 'add' as const, target: mallory.userId, targetIk: mallory.ik, ts: T0 };
    await rejection(buildMembershipEntry(provider, c.state, CONV, change, bob));
  });

  it('chains each entry to the hash of the previous one', async () => {
    const c = await makeConversation(provider, CONV, alice, [bob]);
    expect(c.entries[1]!.entry.prev).toBe(await hashMembershipEntry(provider, c.entries[0]!.entry));
    expect(c.state.headHash).toBe(await hashMembershipEntry(provider, c.entries[1]!.entry));
  });
});
