/**
 * When to start a new epoch (crypto.md §7.7 "Rotation policy"), as a pure function the sender
 * asks before every message. Membership changes come first and are mandatory: a removed member
 * must not be able to read the very next message.
 */
import { DEFAULT_CONVERSATION_SETTINGS } from './membership-entry.js';
import type { ConversationSettings } from './membership-entry.js';
import type { Member } from './membership-log.js';

/** Why an epoch was created; recorded (signed) in the epoch record. */
export type EpochReason =
  'init' | 'member-removed' | 'member-added' | 'count' | 'age' | 'key-change' | 'manual';

/** Every {@link EpochReason}, for validation of received records. */
export const EPOCH_REASONS: readonly EpochReason[] = [
  'init',
  'member-removed',
  'member-added',
  'count',
  'age',
  'key-change',
  'manual',
];

/** What the policy needs to know about the epoch in use. */
export interface EpochSummary {
  /** Creation time in ms since the epoch. */
  readonly createdAt: number;
  /** The member-set hash the epoch was created for. */
  readonly memberSetHash: string;
  /** The members it was sealed to. */
  readonly members: readonly Member[];
}

/** Input of {@link shouldRotate}. */
export interface RotationInput {
  /** The current epoch, or `undefined` if the conversation has none yet. */
  readonly epoch: EpochSummary | undefined;
  /** The member-set hash of the current (verified) membership log. */
  readonly memberSetHash: string;
  /** The current members, to tell a removal from an addition. */
  readonly members: readonly Member[];
  /** Messages sent in the current epoch so far (the server keeps the count). */
  readonly messagesInEpoch: number;
  /** Current time in ms since the epoch. */
  readonly now: number;
  /** The conversation's signed settings; missing fields take the defaults (1000 msgs, 7 days). */
  readonly settings?: Partial<ConversationSettings>;
  /** A member's identity key changed since the epoch was created and the user accepted it. */
  readonly identityChangeAccepted?: boolean;
  /** The user asked for a new epoch. */
  readonly manual?: boolean;
}

/** The decision of {@link shouldRotate}. */
export type RotationDecision =
  | { readonly rotate: true; readonly reason: EpochReason }
  | { readonly rotate: false; readonly reason: null };

/**
 * Decides whether the next message needs a new epoch, and why. Priority: no epoch (`init`),
 * a departed member or changed key in the log (`member-removed`), a new member
 * (`member-added`), an accepted identity change (`key-change`), `manual`, the message count
 * (`count`, ≥ `rotateAfterMsgs`) and finally age (`age`, ≥ `rotateAfterMs`).
 *
 * @example
 * ```ts
 * const d = shouldRotate({ epoch, memberSetHash: log.memberSetHash, members: log.members,
 *   messagesInEpoch: 1000, now: Date.now() });
 * // → { rotate: true, reason: 'count' }
 * ```
 */
export function shouldRotate(input: RotationInput): RotationDecision {
  const settings = { ...DEFAULT_CONVERSATION_SETTINGS, ...input.settings };
  const { epoch } = input;
  if (epoch === undefined) return { rotate: true, reason: 'init' };
  if (epoch.memberSetHash !== input.memberSetHash) {
    return { rotate: true, reason: membershipChange(epoch.members, input.members) };
  }
  if (input.identityChangeAccepted === true) return { rotate: true, reason: 'key-change' };
  if (input.manual === true) return { rotate: true, reason: 'manual' };
  if (input.messagesInEpoch >= settings.rotateAfterMsgs) return { rotate: true, reason: 'count' };
  if (input.now - epoch.createdAt >= settings.rotateAfterMs) return { rotate: true, reason: 'age' };
  return { rotate: false, reason: null };
}

/**
 * Classifies a member-set change. Anyone who lost access, including a member whose pinned key
 * changed (the old key must not read on), makes it a removal; otherwise it is an addition.
 */
function membershipChange(before: readonly Member[], after: readonly Member[]): EpochReason {
  const now = new Map(after.map((m) => [m.userId, m.ik]));
  const removed = before.some((m) => now.get(m.userId) !== m.ik);
  return removed ? 'member-removed' : 'member-added';
}
