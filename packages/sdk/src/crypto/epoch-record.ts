/**
 * The signed epoch record and the per-member envelopes (crypto.md §7.7): their shapes, strict
 * parsing of what the server returns, and the bytes that are signed and hashed. Creating,
 * verifying and opening epochs is in `epochs.ts`.
 */
import { canonicalBytes } from './canonical-json.js';
import { concatBytes, fromB64u, toB64u, utf8 } from './encoding.js';
import { CryptoError } from './errors.js';
import { FORMAT_VERSION, LABELS, SUITE } from './labels.js';
import { isB64uOfLength, isValidId } from './binding.js';
import type { CryptoProvider } from './provider.js';
import { EPOCH_REASONS } from './rotation-policy.js';
import type { EpochReason } from './rotation-policy.js';

/** One recipient of an epoch key, as listed (and signed) in the epoch record. */
export interface EpochRecipient {
  readonly user: string;
  /** Which of the user's key-agreement keys the envelope is sealed to. */
  readonly kaId: string;
  /** base64url SHA-256 of `enc ‖ ct` of the user's envelope. */
  readonly envHash: string;
}

/** The signed content of an epoch. */
export interface EpochRecord {
  readonly v: typeof FORMAT_VERSION;
  readonly suite: typeof SUITE;
  readonly conv: string;
  /** base64url of 16 random bytes. */
  readonly epochId: string;
  readonly prevEpochId: string | null;
  readonly creator: string;
  /** The membership-log `seq` whose member set the epoch was sealed to. */
  readonly memberLogSeq: number;
  readonly memberSetHash: string;
  readonly createdAt: number;
  readonly reason: EpochReason;
  /** Exactly one entry per member at `memberLogSeq`, sorted by user id. */
  readonly recipients: readonly EpochRecipient[];
}

/** An epoch record with its creator's signature. */
export interface SignedEpochRecord {
  readonly record: EpochRecord;
  /** base64url Ed25519 signature over `cs1/epoch-sig ‖ canonical(record)`. */
  readonly sig: string;
}

/** The epoch key sealed to one member with HPKE; stored by the server next to the record. */
export interface EpochEnvelope {
  readonly user: string;
  readonly kaId: string;
  /** base64url HPKE encapsulated key (32 bytes). */
  readonly enc: string;
  /** base64url HPKE ciphertext of the 32-byte epoch key (48 bytes). */
  readonly ct: string;
}

const RECORD_KEYS = new Set([
  'v',
  'suite',
  'conv',
  'epochId',
  'prevEpochId',
  'creator',
  'memberLogSeq',
  'memberSetHash',
  'createdAt',
  'reason',
  'recipients',
]);

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isNonNegativeInt(value: unknown): value is number {
  return Number.isSafeInteger(value) && (value as number) >= 0;
}

function malformed(what: string): never {
  throw new CryptoError('invalid_input', `malformed epoch ${what}`);
}

function parseRecipient(value: unknown): EpochRecipient {
  if (
    !isRecord(value) ||
    Object.keys(value).length !== 3 ||
    !isValidId(value.user) ||
    !isValidId(value.kaId) ||
    !isB64uOfLength(value.envHash, 32)
  ) {
    return malformed('recipient');
  }
  return { user: value.user, kaId: value.kaId, envHash: value.envHash };
}

/**
 * Validates the shape of a signed epoch record (not its signature or membership).
 *
 * @throws CryptoError `unsupported_suite` for another version or suite, `invalid_input` for
 *   anything else malformed.
 */
export function parseSignedEpochRecord(value: unknown): SignedEpochRecord {
  if (!isRecord(value) || !isRecord(value.record)) return malformed('record');
  const r = value.record;
  if (r.v !== FORMAT_VERSION || r.suite !== SUITE) {
    throw new CryptoError(
      'unsupported_suite',
      `epoch record v=${String(r.v)} suite=${String(r.suite)}`,
    );
  }
  if (!isB64uOfLength(value.sig, 64)) malformed('signature');
  if (Object.keys(r).some((k) => !RECORD_KEYS.has(k))) malformed('field');
  if (!isValidId(r.conv) || !isB64uOfLength(r.epochId, 16)) malformed('ids');
  if (!(r.prevEpochId === null || isB64uOfLength(r.prevEpochId, 16))) malformed('prevEpochId');
  if (!isValidId(r.creator)) malformed('creator');
  if (!isNonNegativeInt(r.memberLogSeq) || !isNonNegativeInt(r.createdAt)) malformed('numbers');
  if (!isB64uOfLength(r.memberSetHash, 32)) malformed('memberSetHash');
  if (!(EPOCH_REASONS as readonly unknown[]).includes(r.reason)) malformed('reason');
  if (!Array.isArray(r.recipients)) malformed('recipients');
  const record: EpochRecord = {
    v: FORMAT_VERSION,
    suite: SUITE,
    conv: r.conv as string,
    epochId: r.epochId as string,
    prevEpochId: r.prevEpochId as string | null,
    creator: r.creator as string,
    memberLogSeq: r.memberLogSeq as number,
    memberSetHash: r.memberSetHash as string,
    createdAt: r.createdAt as number,
    reason: r.reason as EpochReason,
    recipients: (r.recipients as unknown[]).map(parseRecipient),
  };
  return { record, sig: value.sig as string };
}

/**
 * Validates the shape of an envelope.
 *
 * @throws CryptoError `invalid_input` if malformed.
 */
export function parseEpochEnvelope(value: unknown): EpochEnvelope {
  if (
    !isRecord(value) ||
    !isValidId(value.user) ||
    !isValidId(value.kaId) ||
    !isB64uOfLength(value.enc, 32) ||
    typeof value.ct !== 'string'
  ) {
    return malformed('envelope');
  }
  try {
    fromB64u(value.ct);
  } catch {
    return malformed('envelope ciphertext');
  }
  return { user: value.user, kaId: value.kaId, enc: value.enc, ct: value.ct };
}

/** The bytes an epoch's creator signs: `cs1/epoch-sig ‖ canonical(record)`. */
export function epochSigningBytes(record: EpochRecord): Uint8Array {
  return concatBytes(utf8(LABELS.epochSig), canonicalBytes(record));
}

/** The HPKE AAD of every envelope of an epoch: canonical `{conv, epochId, memberSetHash}`. */
export function envelopeAad(conv: string, epochId: string, memberSetHash: string): Uint8Array {
  return canonicalBytes({ conv, epochId, memberSetHash });
}

/** An envelope's `envHash`: base64url SHA-256 of `enc ‖ ct` (32-byte `enc`, so unambiguous). */
export async function envelopeHash(
  provider: CryptoProvider,
  enc: Uint8Array,
  ct: Uint8Array,
): Promise<string> {
  return toB64u(await provider.sha256(concatBytes(enc, ct)));
}
