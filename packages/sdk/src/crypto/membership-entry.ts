/**
 * One entry of a conversation's membership log (crypto.md §7.6): its shape, strict parsing of
 * what the server hands back, its signature and its chain hash. The rules that decide whether an
 * entry may follow another live in `membership-log.ts`.
 *
 * Membership is authorised by members, not asserted by the server: every entry is signed by the
 * member who acted, so the server can withhold entries but cannot invent a member.
 */
import { canonicalBytes } from './canonical-json.js';
import { assertBytes, concatBytes, fromB64u, toB64u, utf8 } from './encoding.js';
import { CryptoError } from './errors.js';
import { FORMAT_VERSION, LABELS, SUITE } from './labels.js';
import { isB64uOfLength, isValidId } from './binding.js';
import type { CryptoProvider } from './provider.js';

/** The operations a membership entry can carry. */
export const MEMBERSHIP_OPS = ['create', 'add', 'remove', 'leave', 'promote', 'demote'] as const;

/** One of {@link MEMBERSHIP_OPS}. */
export type MembershipOp = (typeof MEMBERSHIP_OPS)[number];

/** Conversation settings, fixed by the signed `create` entry. */
export interface ConversationSettings {
  /** Whether an admin adding a member shares past epoch keys with them. Default `false`. */
  readonly shareHistory: boolean;
  /** Rotate the epoch after this many messages. Default 1000. */
  readonly rotateAfterMsgs: number;
  /** Rotate the epoch once it is this old, in milliseconds. Default 7 days. */
  readonly rotateAfterMs: number;
}

/** Settings used when a `create` entry does not override them. */
export const DEFAULT_CONVERSATION_SETTINGS: ConversationSettings = {
  shareHistory: false,
  rotateAfterMsgs: 1000,
  rotateAfterMs: 7 * 24 * 60 * 60 * 1000,
};

/** The signed content of a membership-log entry. */
export interface MembershipEntry {
  readonly v: typeof FORMAT_VERSION;
  readonly suite: typeof SUITE;
  /** Conversation id. */
  readonly conv: string;
  /** Position in the log; the `create` entry is 0. */
  readonly seq: number;
  /** base64url SHA-256 of the previous entry's canonical JSON; `null` for `create`. */
  readonly prev: string | null;
  readonly op: MembershipOp;
  /** The user the operation applies to (the actor itself for `create` and `leave`). */
  readonly target: string;
  /** base64url Ed25519 identity key of `target`, which the log pins for that member. */
  readonly targetIk: string;
  /** The member who signed the entry. */
  readonly actor: string;
  /** Creation time in ms since the epoch (informational; order comes from `seq`). */
  readonly ts: number;
  /** Only on `create`. */
  readonly settings?: ConversationSettings;
}

/** A membership entry with its actor's signature, as stored by the server. */
export interface SignedMembershipEntry {
  readonly entry: MembershipEntry;
  /** base64url Ed25519 signature over `cs1/member-sig ‖ canonical(entry)`. */
  readonly sig: string;
}

const ENTRY_KEYS = new Set([
  'v',
  'suite',
  'conv',
  'seq',
  'prev',
  'op',
  'target',
  'targetIk',
  'actor',
  'ts',
  'settings',
]);
const SETTINGS_KEYS = new Set(['shareHistory', 'rotateAfterMsgs', 'rotateAfterMs']);

/** Why a membership entry was rejected; the prefix of the `CryptoError` message. */
export type MembershipRejection =
  | 'malformed'
  | 'unsigned'
  | 'bad_signature'
  | 'not_admin'
  | 'not_member'
  | 'bad_target'
  | 'chain_broken'
  | 'out_of_seq'
  | 'wrong_conversation';

const REJECTIONS: ReadonlySet<string> = new Set<MembershipRejection>([
  'malformed',
  'unsigned',
  'bad_signature',
  'not_admin',
  'not_member',
  'bad_target',
  'chain_broken',
  'out_of_seq',
  'wrong_conversation',
]);

/** Throws the one error every membership problem maps to: `membership_invalid`, `reason: detail`. */
export function membershipInvalid(reason: MembershipRejection, detail: string): never {
  throw new CryptoError('membership_invalid', `${reason}: ${detail}`);
}

/**
 * The {@link MembershipRejection} of an error thrown by the membership log, or `undefined` if it
 * is not a membership rejection.
 */
export function membershipRejectionOf(error: unknown): MembershipRejection | undefined {
  if (!(error instanceof CryptoError) || error.code !== 'membership_invalid') return undefined;
  const reason = error.message.split(':', 1)[0] ?? '';
  return REJECTIONS.has(reason) ? (reason as MembershipRejection) : undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isNonNegativeInt(value: unknown): value is number {
  return Number.isSafeInteger(value) && (value as number) >= 0;
}

function parseSettings(value: unknown): ConversationSettings {
  if (
    !isRecord(value) ||
    Object.keys(value).some((k) => !SETTINGS_KEYS.has(k)) ||
    typeof value.shareHistory !== 'boolean' ||
    !Number.isSafeInteger(value.rotateAfterMsgs) ||
    (value.rotateAfterMsgs as number) < 1 ||
    !Number.isSafeInteger(value.rotateAfterMs) ||
    (value.rotateAfterMs as number) < 1
  ) {
    return membershipInvalid('malformed', 'settings');
  }
  return {
    shareHistory: value.shareHistory,
    rotateAfterMsgs: value.rotateAfterMsgs as number,
    rotateAfterMs: value.rotateAfterMs as number,
  };
}

/**
 * Validates the shape of a signed entry received from anywhere (server, cache). Only the shape:
 * signatures and log rules are checked by the log replay.
 *
 * @throws CryptoError `membership_invalid` (`unsigned: …` or `malformed: …`).
 */
export function parseSignedMembershipEntry(value: unknown): SignedMembershipEntry {
  if (!isRecord(value) || !isRecord(value.entry))
    return membershipInvalid('malformed', 'not an entry');
  if (value.sig === undefined || value.sig === null || value.sig === '') {
    return membershipInvalid('unsigned', 'entry has no signature');
  }
  if (!isB64uOfLength(value.sig, 64)) return membershipInvalid('malformed', 'signature encoding');
  const e = value.entry;
  const bad = (field: string): never => membershipInvalid('malformed', field);
  if (Object.keys(e).some((k) => !ENTRY_KEYS.has(k))) bad('unknown field');
  if (e.v !== FORMAT_VERSION || e.suite !== SUITE) bad('version or suite');
  if (!isValidId(e.conv)) bad('conv');
  if (!isNonNegativeInt(e.seq)) bad('seq');
  if (!(e.prev === null || isB64uOfLength(e.prev, 32))) bad('prev');
  if (typeof e.op !== 'string' || !(MEMBERSHIP_OPS as readonly string[]).includes(e.op)) bad('op');
  if (!isValidId(e.target)) bad('target');
  if (!isB64uOfLength(e.targetIk, 32)) bad('targetIk');
  if (!isValidId(e.actor)) bad('actor');
  if (!isNonNegativeInt(e.ts)) bad('ts');
  const settings = e.settings === undefined ? undefined : parseSettings(e.settings);
  const entry: MembershipEntry = {
    v: FORMAT_VERSION,
    suite: SUITE,
    conv: e.conv as string,
    seq: e.seq as number,
    prev: e.prev as string | null,
    op: e.op as MembershipOp,
    target: e.target as string,
    targetIk: e.targetIk as string,
    actor: e.actor as string,
    ts: e.ts as number,
    ...(settings === undefined ? {} : { settings }),
  };
  return { entry, sig: value.sig };
}

/** The bytes an entry's actor signs: `cs1/member-sig ‖ canonical(entry)`. */
export function membershipSigningBytes(entry: MembershipEntry): Uint8Array {
  return concatBytes(utf8(LABELS.memberSig), canonicalBytes(entry));
}

/** base64url SHA-256 of an entry's canonical JSON: the next entry's `prev`. */
export async function hashMembershipEntry(
  provider: CryptoProvider,
  entry: MembershipEntry,
): Promise<string> {
  return toB64u(await provider.sha256(canonicalBytes(entry)));
}

/**
 * Signs an entry with the actor's Ed25519 identity seed. Prefer `buildMembershipEntry`, which
 * also checks the entry is allowed to follow the current log.
 */
export async function signMembershipEntry(
  provider: CryptoProvider,
  entry: MembershipEntry,
  identitySeed: Uint8Array,
): Promise<SignedMembershipEntry> {
  assertBytes(identitySeed, 'identitySeed', 32);
  const sig = await provider.ed25519Sign(identitySeed, membershipSigningBytes(entry));
  return { entry, sig: toB64u(sig) };
}

/** Strictly verifies an entry's signature against the identity key the log pins for its actor. */
export async function verifyMembershipSignature(
  provider: CryptoProvider,
  signed: SignedMembershipEntry,
  actorIk: string,
): Promise<boolean> {
  return provider.ed25519Verify(
    fromB64u(signed.sig),
    membershipSigningBytes(signed.entry),
    fromB64u(actorIk),
  );
}
