import { randomBytes } from 'node:crypto';
import type { MembershipEntryWire, MembershipOpName } from '@parley/sdk/protocol';
import { describe, expect, it } from 'vitest';
import { ApiError } from '../http/api-error.js';
import { applyChange, checkCreateEntry, checkEntry } from './membership-rules.js';
import type { MembershipView } from './membership-rules.js';

const id = () => randomBytes(16).toString('base64url');
const key = () => randomBytes(32).toString('base64url');
const [alice, bob, carol] = [id(), id(), id()];
const iks: Record<string, string> = { [alice]: key(), [bob]: key(), [carol]: key() };
const conv = id();

function view(kind: 'group' | 'direct' = 'group'): MembershipView {
  return {
    convId: conv,
    kind,
    pair: kind === 'direct' ? [alice, bob].sort() : null,
    memberSeq: 1,
    members: new Map([
      [alice, { ik: iks[alice]!, admin: true }],
      [bob, { ik: iks[bob]!, admin: false }],
    ]),
    maxMembers: 3,
  };
}

function entry(
  op: MembershipOpName,
  actor: string,
  target: string,
  over: Partial<MembershipEntryWire> = {},
): MembershipEntryWire {
  return {
    v: 1,
    suite: 'cs1',
    conv,
    seq: 2,
    prev: key(),
    op,
    target,
    targetIk: iks[target]!,
    actor,
    ts: 1,
    ...over,
  };
}

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    if (error instanceof ApiError) return error.code;
    throw error;
  }
  return undefined;
}

const ctx = (caller: string, targetDirectoryIk?: string) => ({
  caller,
  targetDirectoryIk,
  field: 'body.entry',
});

describe('checkEntry', () => {
  it('lets an admin add a user with their directory identity key', () => {
    const change = checkEntry(view(), entry('add', alice, carol), ctx(alice, iks[carol]));
    expect(change).toMatchObject({ op: 'add', userId: carol });
  });

  it('refuses admin operations by a non-admin', () => {
    for (const op of ['add', 'remove', 'promote', 'demote'] as const) {
      const target = op === 'add' ? carol : alice;
      expect(codeOf(() => checkEntry(view(), entry(op, bob, target), ctx(bob, iks[carol])))).toBe(
        'forbidden',
      );
    }
  });

  it('lets anyone leave, but only themselves', () => {
    expect(checkEntry(view(), entry('leave', bob, bob), ctx(bob))).toEqual({
      op: 'leave',
      userId: bob,
    });
    expect(codeOf(() => checkEntry(view(), entry('leave', alice, bob), ctx(alice)))).toBe(
      'invalid_input',
    );
  });

  it('refuses entries signed by someone other than the caller', () => {
    expect(codeOf(() => checkEntry(view(), entry('leave', bob, bob), ctx(alice)))).toBe(
      'forbidden',
    );
  });

  it('answers conflict when the entry does not follow the head (a lost race)', () => {
    expect(codeOf(() => checkEntry(view(), entry('leave', bob, bob, { seq: 1 }), ctx(bob)))).toBe(
      'conflict',
    );
    expect(codeOf(() => checkEntry(view(), entry('leave', bob, bob, { seq: 3 }), ctx(bob)))).toBe(
      'conflict',
    );
  });

  it('refuses an injected create, settings outside create, a missing prev and another conversation', () => {
    const bad: Partial<MembershipEntryWire>[] = [
      { op: 'create' },
      { settings: { shareHistory: true, rotateAfterMsgs: 1, rotateAfterMs: 1 } },
      { prev: null },
      { conv: id() },
    ];
    for (const over of bad) {
      expect(codeOf(() => checkEntry(view(), entry('leave', bob, bob, over), ctx(bob)))).toBe(
        'invalid_input',
      );
    }
  });

  it('refuses adding a member twice, an unknown user, a wrong key and a full group', () => {
    expect(codeOf(() => checkEntry(view(), entry('add', alice, bob), ctx(alice, iks[bob])))).toBe(
      'invalid_input',
    );
    expect(
      codeOf(() => checkEntry(view(), entry('add', alice, carol), ctx(alice, undefined))),
    ).toBe('not_found');
    expect(codeOf(() => checkEntry(view(), entry('add', alice, carol), ctx(alice, key())))).toBe(
      'invalid_input',
    );
    const full = view();
    full.maxMembers = 2;
    expect(codeOf(() => checkEntry(full, entry('add', alice, carol), ctx(alice, iks[carol])))).toBe(
      'forbidden',
    );
  });

  it('requires the pinned identity key for operations on members', () => {
    const wrongKey = entry('remove', alice, bob, { targetIk: key() });
    expect(codeOf(() => checkEntry(view(), wrongKey, ctx(alice)))).toBe('invalid_input');
    expect(codeOf(() => checkEntry(view(), entry('remove', alice, carol), ctx(alice)))).toBe(
      'invalid_input',
    );
  });

  it('refuses removing yourself, promoting an admin and demoting a non-admin', () => {
    expect(codeOf(() => checkEntry(view(), entry('remove', alice, alice), ctx(alice)))).toBe(
      'invalid_input',
    );
    expect(codeOf(() => checkEntry(view(), entry('promote', alice, alice), ctx(alice)))).toBe(
      'invalid_input',
    );
    expect(codeOf(() => checkEntry(view(), entry('demote', alice, bob), ctx(alice)))).toBe(
      'invalid_input',
    );
  });

  it('never lets a third user into a direct conversation', () => {
    expect(
      codeOf(() => checkEntry(view('direct'), entry('add', alice, carol), ctx(alice, iks[carol]))),
    ).toBe('forbidden');
  });
});

describe('checkCreateEntry and applyChange', () => {
  const caller = { id: alice, identityKey: iks[alice]! };
  const create = (over: Partial<MembershipEntryWire> = {}) =>
    entry('create', alice, alice, {
      seq: 0,
      prev: null,
      settings: { shareHistory: false, rotateAfterMsgs: 1000, rotateAfterMs: 1 },
      ...over,
    });

  it('accepts create by the caller about themselves with their identity key', () => {
    expect(checkCreateEntry(create(), caller, 'e')).toMatchObject({ op: 'create', userId: alice });
  });

  it('refuses a create that is not at seq 0, chains, lacks settings, names someone else or another key', () => {
    const bad: Partial<MembershipEntryWire>[] = [
      { seq: 1 },
      { prev: key() },
      { settings: undefined },
      { target: bob },
      { targetIk: key() },
      { op: 'add' },
    ];
    for (const over of bad)
      expect(codeOf(() => checkCreateEntry(create(over), caller, 'e'))).toBe('invalid_input');
    expect(codeOf(() => checkCreateEntry(create({ actor: bob }), caller, 'e'))).toBe('forbidden');
  });

  it('applies changes to the view', () => {
    const v = view();
    applyChange(v, { op: 'promote', userId: bob }, 2);
    applyChange(v, { op: 'remove', userId: alice }, 3);
    expect(v.memberSeq).toBe(3);
    expect([...v.members.keys()]).toEqual([bob]);
    expect(v.members.get(bob)?.admin).toBe(true);
  });
});
