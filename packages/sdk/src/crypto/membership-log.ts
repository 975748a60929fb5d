/**
 * Replaying a conversation's signed membership log into its member set (crypto.md §7.6).
 *
 * Every entry is checked for its place in the chain (`seq`, `prev`), its actor's signature
 * (against the identity key the log itself pinned when the actor joined) and the rules: `create`
 * first, only admins add, remove, promote and demote, anyone may leave. A log that breaks any
 * rule is rejected as a whole with `CryptoError('membership_invalid')`, so an injected member can
 * never reach the member set and therefore never gets an epoch key.
 */
import { canonicalBytes, compareCodePoints } from './canonical-json.js';
import { toB64u } from './encoding.js';
import { FORMAT_VERSION, SUITE } from './labels.js';
import {
  DEFAULT_CONVERSATION_SETTINGS,
  hashMembershipEntry,
  membershipInvalid,
  parseSignedMembershipEntry,
  signMembershipEntry,
  verifyMembershipSignature,
} from './membership-entry.js';
import type {
  ConversationSettings,
  MembershipEntry,
  MembershipOp,
  SignedMembershipEntry,
} from './membership-entry.js';
import type { CryptoProvider } from './provider.js';

/** A member: a user id and the Ed25519 identity key (base64url) the log pinned for them. */
export interface Member {
  readonly userId: string;
  readonly ik: string;
}

/** The member set after some prefix of the log. */
export interface MembershipState {
  readonly conv: string;
  /** `seq` of the last applied entry. */
  readonly seq: number;
  /** Hash of the last applied entry: the `prev` of the next one. */
  readonly headHash: string;
  /** Members sorted by user id. */
  readonly members: readonly Member[];
  /** Admin user ids, sorted. */
  readonly admins: readonly string[];
  readonly settings: ConversationSettings;
  /** base64url SHA-256 of canonical(members): what epochs are bound to. */
  readonly memberSetHash: string;
  /** `seq` of the latest `remove` or `leave`, or -1; epochs older than it must not be used. */
  readonly lastDepartureSeq: number;
}

/** Mutable working form used while replaying, so long logs replay in linear time. */
interface Working {
  conv: string;
  seq: number;
  headHash: string | null;
  members: Map<string, string>;
  admins: Set<string>;
  settings: ConversationSettings;
  lastDepartureSeq: number;
}

/** base64url SHA-256 of the canonical JSON of `members` sorted by user id. */
export async function computeMemberSetHash(
  provider: CryptoProvider,
  members: readonly Member[],
): Promise<string> {
  const sorted = [...members]
    .sort((a, b) => compareCodePoints(a.userId, b.userId))
    .map(({ userId, ik }) => ({ userId, ik }));
  return toB64u(await provider.sha256(canonicalBytes(sorted)));
}

/** The identity key the state pins for `userId`, or `undefined` if they are not a member. */
export function memberIk(state: MembershipState, userId: string): string | undefined {
  return state.members.find((m) => m.userId === userId)?.ik;
}

function toWorking(state: MembershipState): Working {
  return {
    conv: state.conv,
    seq: state.seq,
    headHash: state.headHash,
    members: new Map(state.members.map((m) => [m.userId, m.ik])),
    admins: new Set(state.admins),
    settings: state.settings,
    lastDepartureSeq: state.lastDepartureSeq,
  };
}

async function toState(provider: CryptoProvider, w: Working): Promise<MembershipState> {
  const members = [...w.members]
    .map(([userId, ik]) => ({ userId, ik }))
    .sort((a, b) => compareCodePoints(a.userId, b.userId));
  return {
    conv: w.conv,
    seq: w.seq,
    headHash: w.headHash ?? '',
    members,
    admins: [...w.admins].sort(compareCodePoints),
    settings: w.settings,
    memberSetHash: await computeMemberSetHash(provider, members),
    lastDepartureSeq: w.lastDepartureSeq,
  };
}

/** The identity key that must have signed `entry`, after checking its place in the chain. */
function signingKeyFor(w: Working | undefined, entry: MembershipEntry, conv: string): string {
  const at = `seq ${entry.seq}`;
  if (entry.conv !== conv) membershipInvalid('wrong_conversation', at);
  if (w === undefined) {
    if (entry.seq !== 0 || entry.op !== 'create')
      membershipInvalid('out_of_seq', 'log must start with create at seq 0');
    if (entry.prev !== null) membershipInvalid('chain_broken', at);
    return entry.targetIk;
  }
  if (entry.seq !== w.seq + 1) membershipInvalid('out_of_seq', `${at} after seq ${w.seq}`);
  if (entry.prev !== w.headHash) membershipInvalid('chain_broken', at);
  const ik = w.members.get(entry.actor);
  if (ik === undefined) return membershipInvalid('not_member', `${at}: actor ${entry.actor}`);
  return ik;
}

const ADMIN_OPS: ReadonlySet<MembershipOp> = new Set(['add', 'remove', 'promote', 'demote']);

/** Applies the membership rules for one (already authenticated) entry. */
function applyRules(w: Working, entry: MembershipEntry): void {
  const at = `seq ${entry.seq} (${entry.op})`;
  const { op, actor, target } = entry;
  if (op === 'create') membershipInvalid('out_of_seq', `${at}: create after seq 0`);
  if (entry.settings !== undefined)
    membershipInvalid('malformed', `${at}: settings outside create`);
  if (ADMIN_OPS.has(op) && !w.admins.has(actor)) membershipInvalid('not_admin', `${at}: ${actor}`);
  const targetIk = w.members.get(target);
  if (op === 'add') {
    if (targetIk !== undefined) membershipInvalid('bad_target', `${at}: already a member`);
    w.members.set(target, entry.targetIk);
    return;
  }
  // Every other op names an existing member and must pin the key the log knows for them, so an
  // entry cannot be read as being about a different identity.
  if (targetIk === undefined) membershipInvalid('bad_target', `${at}: not a member`);
  if (targetIk !== entry.targetIk) membershipInvalid('bad_target', `${at}: identity key mismatch`);
  switch (op) {
    case 'remove':
      if (target === actor) membershipInvalid('bad_target', `${at}: use leave to remove yourself`);
      break;
    case 'leave':
      if (target !== actor) membershipInvalid('bad_target', `${at}: leave must be self-signed`);
      break;
    case 'promote':
      if (w.admins.has(target)) membershipInvalid('bad_target', `${at}: already an admin`);
      w.admins.add(target);
      return;
    case 'demote':
      if (!w.admins.has(target)) membershipInvalid('bad_target', `${at}: not an admin`);
      w.admins.delete(target);
      return;
  }
  w.members.delete(target);
  w.admins.delete(target);
  w.lastDepartureSeq = entry.seq;
}

function startWorking(entry: MembershipEntry): Working {
  if (entry.actor !== entry.target) membershipInvalid('bad_target', 'create must name its actor');
  if (entry.settings === undefined) membershipInvalid('malformed', 'create without settings');
  return {
    conv: entry.conv,
    seq: 0,
    headHash: null,
    members: new Map([[entry.actor, entry.targetIk]]),
    admins: new Set([entry.actor]),
    settings: entry.settings,
    lastDepartureSeq: -1,
  };
}

async function step(
  provider: CryptoProvider,
  w: Working | undefined,
  raw: unknown,
  conv: string,
): Promise<Working> {
  const signed = parseSignedMembershipEntry(raw);
  const { entry } = signed;
  const ik = signingKeyFor(w, entry, conv);
  if (!(await verifyMembershipSignature(provider, signed, ik))) {
    membershipInvalid('bad_signature', `seq ${entry.seq} by ${entry.actor}`);
  }
  const next = w ?? startWorking(entry);
  if (w !== undefined) applyRules(next, entry);
  next.seq = entry.seq;
  next.headHash = await hashMembershipEntry(provider, entry);
  return next;
}

/** Options of {@link replayMembershipLog}. */
export interface ReplayOptions {
  /** The conversation the log must belong to. */
  readonly conv: string;
  /** Stop after this `seq` (to get the member set an epoch was created at). Default: the end. */
  readonly throughSeq?: number;
}

/**
 * Verifies a whole log, in order, and returns the resulting member set.
 *
 * @param entries - signed entries as received (validated here; `unknown` on purpose).
 * @throws CryptoError `membership_invalid` with a reason prefix (`unsigned`, `bad_signature`,
 *   `not_admin`, `not_member`, `chain_broken`, `out_of_seq`, `wrong_conversation`,
 *   `bad_target`, `malformed`) if any entry is not acceptable, or if the log is empty.
 */
export async function replayMembershipLog(
  provider: CryptoProvider,
  entries: readonly unknown[],
  options: ReplayOptions,
): Promise<MembershipState> {
  let w: Working | undefined;
  for (const raw of entries) {
    w = await step(provider, w, raw, options.conv);
    if (options.throughSeq !== undefined && w.seq >= options.throughSeq) break;
  }
  if (w === undefined) return membershipInvalid('out_of_seq', 'empty log');
  if (options.throughSeq !== undefined && w.seq !== options.throughSeq) {
    membershipInvalid('out_of_seq', `log ends at seq ${w.seq} before ${options.throughSeq}`);
  }
  return toState(provider, w);
}

/** A verified log with access to the member set after any of its entries. */
export interface MembershipHistory {
  /** The state after the last entry. */
  readonly current: MembershipState;
  /**
   * The state after entry `seq` (what an epoch with `memberLogSeq = seq` was sealed to), or
   * `undefined` if the log does not reach it. Signatures are not re-verified.
   */
  at(seq: number): Promise<MembershipState | undefined>;
}

/**
 * Verifies a whole log once, like {@link replayMembershipLog}, and keeps it so the member set
 * at any earlier `seq` can be recomputed cheaply (for verifying old epochs).
 *
 * @throws CryptoError `membership_invalid`, as {@link replayMembershipLog}.
 */
export async function replayMembershipHistory(
  provider: CryptoProvider,
  entries: readonly unknown[],
  options: { readonly conv: string },
): Promise<MembershipHistory> {
  const verified: Array<{ entry: MembershipEntry; headHash: string }> = [];
  let w: Working | undefined;
  for (const raw of entries) {
    w = await step(provider, w, raw, options.conv);
    verified.push({ entry: parseSignedMembershipEntry(raw).entry, headHash: w.headHash ?? '' });
  }
  if (w === undefined) return membershipInvalid('out_of_seq', 'empty log');
  const current = await toState(provider, w);
  const cache = new Map<number, Promise<MembershipState>>([
    [current.seq, Promise.resolve(current)],
  ]);
  const rebuild = (seq: number): Promise<MembershipState> => {
    const first = verified[0]!;
    const replay = startWorking(first.entry);
    for (let i = 1; i <= seq; i++) applyRules(replay, verified[i]!.entry);
    replay.seq = seq;
    replay.headHash = verified[seq]!.headHash;
    return toState(provider, replay);
  };
  return {
    current,
    at(seq) {
      if (!Number.isSafeInteger(seq) || seq < 0 || seq > current.seq)
        return Promise.resolve(undefined);
      let state = cache.get(seq);
      if (state === undefined) {
        state = rebuild(seq);
        cache.set(seq, state);
      }
      return state;
    },
  };
}

/**
 * Verifies one new entry against the state so far and returns the next state (for entries that
 * arrive live after a full replay).
 *
 * @throws CryptoError `membership_invalid`, as {@link replayMembershipLog}.
 */
export async function applyMembershipEntry(
  provider: CryptoProvider,
  state: MembershipState | undefined,
  entry: unknown,
  options: { readonly conv: string },
): Promise<MembershipState> {
  const w = state === undefined ? undefined : toWorking(state);
  return toState(provider, await step(provider, w, entry, options.conv));
}

/** What the acting member wants to do, for {@link buildMembershipEntry}. */
export interface MembershipChange {
  readonly op: MembershipOp;
  /** The user the op applies to; for `create` and `leave` the actor itself. */
  readonly target: string;
  /** The target's identity key (base64url). For existing members it must match the log. */
  readonly targetIk: string;
  /** Time in ms since the epoch. */
  readonly ts: number;
  /** `create` only; missing fields take {@link DEFAULT_CONVERSATION_SETTINGS}. */
  readonly settings?: Partial<ConversationSettings>;
}

/**
 * Builds and signs the next entry of a log and checks it is acceptable, so a client never
 * publishes an entry that other members would reject.
 *
 * @param state - the current state, or `undefined` to create the conversation.
 * @param actor - the acting member: user id and Ed25519 identity seed.
 * @returns the signed entry and the state after it.
 * @throws CryptoError `membership_invalid` if the change is not allowed.
 */
export async function buildMembershipEntry(
  provider: CryptoProvider,
  state: MembershipState | undefined,
  conv: string,
  change: MembershipChange,
  actor: { readonly userId: string; readonly identitySeed: Uint8Array },
): Promise<{ signed: SignedMembershipEntry; state: MembershipState }> {
  const settings =
    change.op === 'create' ? { ...DEFAULT_CONVERSATION_SETTINGS, ...change.settings } : undefined;
  const entry: MembershipEntry = {
    v: FORMAT_VERSION,
    suite: SUITE,
    conv,
    seq: state === undefined ? 0 : state.seq + 1,
    prev: state === undefined ? null : state.headHash,
    op: change.op,
    target: change.target,
    targetIk: change.targetIk,
    actor: actor.userId,
    ts: change.ts,
    ...(settings === undefined ? {} : { settings }),
  };
  const signed = await signMembershipEntry(provider, entry, actor.identitySeed);
  return { signed, state: await applyMembershipEntry(provider, state, signed, { conv }) };
}
