import type { MembershipEntryWire } from '@parley/sdk/protocol';
import { decodeB64u, encodeB64u } from '../auth/encoding.js';
import { ApiError } from '../http/api-error.js';
import type {
  ConversationKindName,
  ConversationRecord,
  MemberChange,
} from '../store/conversation-store.js';

/**
 * The server's re-check of the membership rules of crypto.md §7.6, from the plaintext fields of
 * signed entries. Clients verify signatures and the `prev` hash chain; the server cannot, but it
 * refuses everything else a client would reject, so a member set the server acts on (rooms,
 * envelopes, send checks) always matches the one clients compute.
 */

/** One member as the rules see them. */
export interface MemberView {
  /** Pinned identity key, base64url. */
  ik: string;
  admin: boolean;
}

/** The membership state an entry is checked against. */
export interface MembershipView {
  convId: string;
  kind: ConversationKindName;
  /** The two users of a direct conversation, who are the only ones it may ever contain. */
  pair: readonly string[] | null;
  /** entry.seq of the newest entry. */
  memberSeq: number;
  members: Map<string, MemberView>;
  maxMembers: number;
}

/** What the rules need besides the view. */
export interface EntryContext {
  /** The authenticated caller: entries must be signed by them. */
  caller: string;
  /**
   * For `add`: the identity key the directory holds for the target (base64url), or
   * `undefined` when there is no such user.
   */
  targetDirectoryIk?: string | undefined;
  /** Dotted path of the entry in the request (`body.entry`), for error fields. */
  field: string;
}

const ADMIN_OPS = new Set(['add', 'remove', 'promote', 'demote']);

/** The view of a stored conversation. */
export function membershipView(c: ConversationRecord, maxMembers: number): MembershipView {
  return {
    convId: c.id,
    kind: c.kind,
    pair: c.directPair === null ? null : c.directPair.split(':'),
    memberSeq: c.memberSeq,
    members: new Map(
      c.members.map((m) => [m.userId, { ik: encodeB64u(m.identityKey), admin: m.admin }]),
    ),
    maxMembers,
  };
}

function invalid(field: string, message: string): ApiError {
  return new ApiError('invalid_input', `${field}: ${message}`, { field });
}

/**
 * Checks that `entry` may follow the view, signed by the caller, and returns the change it
 * makes.
 * @throws {ApiError} `conflict` when the entry does not extend the current head (a lost race),
 *   `forbidden` for a non-admin doing an admin operation or a change a direct conversation does
 *   not allow, `not_found` for an unknown target user, `invalid_input` for anything else.
 */
export function checkEntry(
  view: MembershipView,
  entry: MembershipEntryWire,
  ctx: EntryContext,
): MemberChange {
  const { field } = ctx;
  if (entry.conv !== view.convId) throw invalid(`${field}.conv`, 'names another conversation');
  if (entry.actor !== ctx.caller) {
    throw new ApiError('forbidden', 'Membership entries must be signed by the caller');
  }
  if (entry.seq !== view.memberSeq + 1) {
    throw new ApiError(
      'conflict',
      `The membership log is at seq ${view.memberSeq}; entry seq ${entry.seq} does not follow it`,
    );
  }
  if (entry.op === 'create') throw invalid(`${field}.op`, 'create only starts a conversation');
  if (entry.prev === null) throw invalid(`${field}.prev`, 'must chain to the previous entry');
  if (entry.settings !== undefined) throw invalid(`${field}.settings`, 'only create has settings');
  const actor = view.members.get(entry.actor);
  if (!actor) throw new ApiError('not_found', 'No such conversation');
  if (ADMIN_OPS.has(entry.op) && !actor.admin) {
    throw new ApiError('forbidden', `Only admins may ${entry.op} members`);
  }
  if (view.pair !== null && !view.pair.includes(entry.target)) {
    throw new ApiError('forbidden', 'A direct conversation only ever has its two users');
  }
  return entry.op === 'add' ? checkAdd(view, entry, ctx) : checkExisting(view, entry, field);
}

function checkAdd(
  view: MembershipView,
  entry: MembershipEntryWire,
  ctx: EntryContext,
): MemberChange {
  const { field } = ctx;
  if (view.members.has(entry.target)) throw invalid(`${field}.target`, 'is already a member');
  if (ctx.targetDirectoryIk === undefined) throw new ApiError('not_found', 'No such user');
  if (entry.targetIk !== ctx.targetDirectoryIk) {
    throw invalid(`${field}.targetIk`, "is not the user's current identity key");
  }
  if (view.members.size >= view.maxMembers) {
    throw new ApiError('forbidden', `A group has at most ${view.maxMembers} members`);
  }
  const identityKey = decodeB64u(entry.targetIk, `${field}.targetIk`);
  return { op: 'add', userId: entry.target, identityKey };
}

function checkExisting(
  view: MembershipView,
  entry: MembershipEntryWire,
  field: string,
): MemberChange {
  const target = view.members.get(entry.target);
  if (!target) throw invalid(`${field}.target`, 'is not a member');
  // The entry must name the key the log pinned, or it could be read as being about another
  // identity of the same user.
  if (target.ik !== entry.targetIk)
    throw invalid(`${field}.targetIk`, 'is not the pinned identity key');
  const op = entry.op as 'remove' | 'leave' | 'promote' | 'demote';
  if (op === 'remove' && entry.target === entry.actor) {
    throw invalid(`${field}.target`, 'use leave to remove yourself');
  }
  if (op === 'leave' && entry.target !== entry.actor) {
    throw invalid(`${field}.target`, 'leave must name its actor');
  }
  if (op === 'promote' && target.admin) throw invalid(`${field}.target`, 'is already an admin');
  if (op === 'demote' && !target.admin) throw invalid(`${field}.target`, 'is not an admin');
  return { op, userId: entry.target };
}

/**
 * Checks the `create` entry that starts a conversation: seq 0, no `prev`, signed by the caller
 * about themselves with their current identity key, and carrying settings.
 * @throws {ApiError} `invalid_input` or `forbidden`.
 */
export function checkCreateEntry(
  entry: MembershipEntryWire,
  caller: { id: string; identityKey: string },
  field: string,
): MemberChange {
  if (entry.op !== 'create') throw invalid(`${field}.op`, 'the first entry must be create');
  if (entry.actor !== caller.id) {
    throw new ApiError('forbidden', 'Membership entries must be signed by the caller');
  }
  if (entry.target !== caller.id) throw invalid(`${field}.target`, 'create must name its actor');
  if (entry.seq !== 0) throw invalid(`${field}.seq`, 'create is entry 0');
  if (entry.prev !== null) throw invalid(`${field}.prev`, 'create has no previous entry');
  if (entry.settings === undefined)
    throw invalid(`${field}.settings`, 'create carries the settings');
  if (entry.targetIk !== caller.identityKey) {
    throw invalid(`${field}.targetIk`, "is not the caller's identity key");
  }
  return {
    op: 'create',
    userId: caller.id,
    identityKey: decodeB64u(entry.targetIk, `${field}.targetIk`),
  };
}

/** Applies a checked change to the view, e.g. while checking a conversation's first entries. */
export function applyChange(view: MembershipView, change: MemberChange, memberSeq: number): void {
  view.memberSeq = memberSeq;
  switch (change.op) {
    case 'create':
    case 'add':
      view.members.set(change.userId, {
        ik: encodeB64u(change.identityKey),
        admin: change.op === 'create',
      });
      return;
    case 'remove':
    case 'leave':
      view.members.delete(change.userId);
      return;
    case 'promote':
    case 'demote': {
      const member = view.members.get(change.userId);
      if (member) member.admin = change.op === 'promote';
    }
  }
}
