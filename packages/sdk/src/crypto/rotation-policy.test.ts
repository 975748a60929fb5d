import { describe, expect, it } from 'vitest';
import { shouldRotate } from './rotation-policy.js';
import type { RotationInput } from './rotation-policy.js';

const DAY = 24 * 60 * 60 * 1000;
const alice = { userId: 'alice', ik: 'A'.repeat(43) };
const bob = { userId: 'bob', ik: 'B'.repeat(43) };
const carol = { userId: 'carol', ik: 'C'.repeat(43) };
const epoch = { createdAt: 0, memberSetHash: 'h-ab', members: [alice, bob] };
const base: RotationInput = {
  epoch,
  memberSetHash: 'h-ab',
  members: [alice, bob],
  messagesInEpoch: 0,
  now: 1,
};

describe('rotation policy', () => {
  it('keeps the epoch when nothing changed', () => {
    expect(shouldRotate(base)).toEqual({ rotate: false, reason: null });
  });

  it('starts the first epoch', () => {
    expect(shouldRotate({ ...base, epoch: undefined })).toEqual({ rotate: true, reason: 'init' });
  });

  it('rotates when a member was removed, even if another was added', () => {
    expect(shouldRotate({ ...base, memberSetHash: 'h-a', members: [alice] }).reason).toBe(
      'member-removed',
    );
    expect(shouldRotate({ ...base, memberSetHash: 'h-ac', members: [alice, carol] }).reason).toBe(
      'member-removed',
    );
  });

  it('treats a member whose pinned key changed as removed', () => {
    const changed = { userId: 'bob', ik: 'D'.repeat(43) };
    expect(
      shouldRotate({ ...base, memberSetHash: 'h-ab2', members: [alice, changed] }).reason,
    ).toBe('member-removed');
  });

  it('rotates when a member was added', () => {
    expect(
      shouldRotate({ ...base, memberSetHash: 'h-abc', members: [alice, bob, carol] }).reason,
    ).toBe('member-added');
  });

  it('rotates after 1000 messages by default, and after rotateAfterMsgs when set', () => {
    expect(shouldRotate({ ...base, messagesInEpoch: 999 }).rotate).toBe(false);
    expect(shouldRotate({ ...base, messagesInEpoch: 1000 })).toEqual({
      rotate: true,
      reason: 'count',
    });
    expect(
      shouldRotate({ ...base, messagesInEpoch: 5, settings: { rotateAfterMsgs: 5 } }).reason,
    ).toBe('count');
  });

  it('rotates after 7 days by default, and after rotateAfterMs when set', () => {
    expect(shouldRotate({ ...base, now: 7 * DAY - 1 }).rotate).toBe(false);
    expect(shouldRotate({ ...base, now: 7 * DAY })).toEqual({ rotate: true, reason: 'age' });
    expect(shouldRotate({ ...base, now: 60_000, settings: { rotateAfterMs: 60_000 } }).reason).toBe(
      'age',
    );
  });

  it('rotates on an accepted identity change and on demand', () => {
    expect(shouldRotate({ ...base, identityChangeAccepted: true }).reason).toBe('key-change');
    expect(shouldRotate({ ...base, manual: true }).reason).toBe('manual');
  });

  it('puts membership changes before every other reason', () => {
    const all = {
      ...base,
      memberSetHash: 'h-a',
      members: [alice],
      manual: true,
      messagesInEpoch: 5000,
      now: 30 * DAY,
    };
    expect(shouldRotate(all).reason).toBe('member-removed');
  });
});
