/**
 * Conversation epochs (crypto.md §7.7): a random 32-byte conversation epoch key (CEK) sealed with
 * HPKE to every member of the verified member set, including the creator (so the creator's other
 * browsers can read it), listed with envelope hashes in a record the creator signs.
 *
 * A recipient trusts nothing the server says about an epoch: the record must be signed by a
 * member of the log at `memberLogSeq`, be bound to exactly that member set, list exactly its
 * members, and the envelope must hash to what the record lists. Old epochs stay openable forever,
 * which is what lets any new browser read all history.
 */
import { bindingInfo } from './binding.js';
import { compareCodePoints } from './canonical-json.js';
import { assertBytes, equalBytes, fromB64u, toB64u } from './encoding.js';
import { CryptoError } from './errors.js';
import { FORMAT_VERSION, LABELS, SUITE } from './labels.js';
import { decryptFailure, failureFromError } from './decrypt-result.js';
import type { DecryptResult } from './decrypt-result.js';
import {
  envelopeAad,
  envelopeHash,
  epochSigningBytes,
  parseEpochEnvelope,
  parseSignedEpochRecord,
} from './epoch-record.js';
import type { EpochEnvelope, EpochRecord, SignedEpochRecord } from './epoch-record.js';
import { hpkeOpen, hpkeSeal } from './hpke.js';
import { selectKaKey } from './ka-keys.js';
import type { KaPrivateKey } from './ka-keys.js';
import { isTrusted } from './trust-store.js';
import type { TrustStoreData } from './trust-store.js';
import type { SignedKaKey } from '../protocol/auth.js';
import type { Member, MembershipState } from './membership-log.js';
import type { CryptoProvider } from './provider.js';
import type { EpochReason } from './rotation-policy.js';

/** Decides whether a member's pinned identity key may be used (trust store, TOFU, verified). */
export type TrustCheck = (member: Member) => boolean;

/**
 * A {@link TrustCheck} backed by the user's trust store: a member is trusted only with the key
 * pinned for them. The local user is not in their own store, so `self` (their id and own
 * identity key) is trusted with exactly that key, which lets epochs and messages from the user's
 * other browsers open.
 */
export function trustFromStore(store: TrustStoreData, self: Member): TrustCheck {
  return (member) =>
    member.userId === self.userId
      ? member.ik === self.ik
      : isTrusted(store, member.userId, fromB64u(member.ik));
}

/** An epoch whose key is in hand: what messages are encrypted and decrypted with. */
export interface OpenedEpoch {
  readonly record: EpochRecord;
  readonly conv: string;
  readonly epochId: string;
  readonly createdAt: number;
  readonly memberSetHash: string;
  /** The members the epoch was sealed to (the log at `record.memberLogSeq`). */
  readonly members: readonly Member[];
  /** user id → pinned identity key, for fast sender lookups. */
  readonly memberIks: ReadonlyMap<string, string>;
  /** The 32-byte conversation epoch key. Secret. */
  readonly cek: Uint8Array;
}

/** Options of {@link createEpoch}. */
export interface CreateEpochOptions {
  readonly conv: string;
  /** The current verified member set; the epoch is sealed to exactly these members. */
  readonly membership: MembershipState;
  /** The member creating the epoch: user id and Ed25519 identity seed. */
  readonly creator: { readonly userId: string; readonly identitySeed: Uint8Array };
  /**
   * Each member's key-agreement keys as the directory serves them. They are verified here
   * against the identity key the log pins for the member; the newest valid one is used.
   */
  readonly directory: (userId: string) => readonly SignedKaKey[] | undefined;
  /** Refuses members whose identity is not trusted: nothing is sealed to an unaccepted key. */
  readonly isTrusted: TrustCheck;
  readonly prevEpochId: string | null;
  readonly reason: EpochReason;
  /** Creation time in ms since the epoch. */
  readonly now: number;
}

/** What {@link createEpoch} produces: publish `signed` and `envelopes`, keep `epoch`. */
export interface CreatedEpoch {
  readonly signed: SignedEpochRecord;
  readonly envelopes: readonly EpochEnvelope[];
  readonly epoch: OpenedEpoch;
}

/** Builds the {@link OpenedEpoch} view of a verified record and its key. */
function toOpenedEpoch(
  record: EpochRecord,
  members: readonly Member[],
  cek: Uint8Array,
): OpenedEpoch {
  return {
    record,
    conv: record.conv,
    epochId: record.epochId,
    createdAt: record.createdAt,
    memberSetHash: record.memberSetHash,
    members,
    memberIks: new Map(members.map((m) => [m.userId, m.ik])),
    cek,
  };
}

/**
 * Creates a new epoch: a fresh CEK sealed to every member, and the record signed by the creator.
 *
 * @throws CryptoError `identity_untrusted` (listing the users) if any member's identity is not
 *   trusted; `invalid_key` if a member has no valid key-agreement key signed by their pinned
 *   identity key, or if the creator's seed does not match the key the log pins for them;
 *   `sender_not_member` if the creator is not a member; `invalid_input` if the membership is
 *   for another conversation.
 */
export async function createEpoch(
  provider: CryptoProvider,
  options: CreateEpochOptions,
): Promise<CreatedEpoch> {
  const { conv, membership, creator } = options;
  assertBytes(creator.identitySeed, 'creator.identitySeed', 32);
  if (membership.conv !== conv)
    throw new CryptoError('invalid_input', 'membership of another conversation');
  const creatorIk = membership.members.find((m) => m.userId === creator.userId)?.ik;
  if (creatorIk === undefined)
    throw new CryptoError('sender_not_member', `${creator.userId} is not a member`);
  const ownIk = await provider.ed25519PublicKey(creator.identitySeed);
  if (!equalBytes(ownIk, fromB64u(creatorIk))) {
    throw new CryptoError('invalid_key', 'identity seed does not match the key pinned in the log');
  }
  const untrusted = membership.members.filter((m) => !options.isTrusted(m)).map((m) => m.userId);
  if (untrusted.length > 0) {
    throw new CryptoError(
      'identity_untrusted',
      `not sealing to untrusted: ${untrusted.join(', ')}`,
    );
  }
  const keys = await Promise.all(
    membership.members.map(async (member) => {
      const offered = options.directory(member.userId) ?? [];
      const key = await selectKaKey(
        provider,
        fromB64u(member.ik),
        member.userId,
        offered,
        options.now,
      );
      if (key === undefined) {
        throw new CryptoError('invalid_key', `no valid key-agreement key for ${member.userId}`);
      }
      return { member, key: { kaId: key.kaId, publicKey: fromB64u(key.pub) } };
    }),
  );

  const epochId = toB64u(provider.randomBytes(16));
  const cek = provider.randomBytes(32);
  const aad = envelopeAad(conv, epochId, membership.memberSetHash);
  const sealed = await Promise.all(
    keys.map(async ({ member, key }) => {
      const { enc, ct } = await hpkeSeal(provider, {
        recipientPublicKey: key.publicKey,
        info: bindingInfo(LABELS.epochKey, conv, epochId, member.userId, key.kaId),
        aad,
        plaintext: cek,
      });
      const envelope: EpochEnvelope = {
        user: member.userId,
        kaId: key.kaId,
        enc: toB64u(enc),
        ct: toB64u(ct),
      };
      return {
        envelope,
        recipient: {
          user: member.userId,
          kaId: key.kaId,
          envHash: await envelopeHash(provider, enc, ct),
        },
      };
    }),
  );
  const record: EpochRecord = {
    v: FORMAT_VERSION,
    suite: SUITE,
    conv,
    epochId,
    prevEpochId: options.prevEpochId,
    creator: creator.userId,
    memberLogSeq: membership.seq,
    memberSetHash: membership.memberSetHash,
    createdAt: options.now,
    reason: options.reason,
    recipients: sealed.map((s) => s.recipient).sort((a, b) => compareCodePoints(a.user, b.user)),
  };
  const sig = toB64u(await provider.ed25519Sign(creator.identitySeed, epochSigningBytes(record)));
  return {
    signed: { record, sig },
    envelopes: sealed.map((s) => s.envelope),
    epoch: toOpenedEpoch(record, membership.members, cek),
  };
}

/** Options of {@link verifyEpochRecord}. */
export interface VerifyEpochOptions {
  /** The signed record as received. */
  readonly signed: unknown;
  /** The conversation the record must belong to. */
  readonly conv: string;
  /** The verified member set after log entry `seq` (see `replayMembershipHistory`). */
  readonly membershipAt: (seq: number) => Promise<MembershipState | undefined>;
  /** Whether the creator's pinned identity is trusted. */
  readonly isTrusted: TrustCheck;
}

/**
 * Verifies an epoch record without opening anything: the creator's signature, that the creator
 * was a member at `memberLogSeq`, that `memberSetHash` matches the log there, and that the
 * recipients are exactly that member set.
 *
 * @returns the record and the member set it was sealed to, or a failure (never throws for bad
 *   data).
 */
export async function verifyEpochRecord(
  provider: CryptoProvider,
  options: VerifyEpochOptions,
): Promise<DecryptResult<{ signed: SignedEpochRecord; membership: MembershipState }>> {
  let signed: SignedEpochRecord;
  try {
    signed = parseSignedEpochRecord(options.signed);
  } catch (error) {
    return failureFromError(error, 'invalid_input');
  }
  const { record } = signed;
  const bad = (detail: string) => decryptFailure('epoch_sig_invalid', detail);
  if (record.conv !== options.conv) return bad('epoch belongs to another conversation');
  const membership = await options.membershipAt(record.memberLogSeq);
  if (
    membership === undefined ||
    membership.conv !== options.conv ||
    membership.seq !== record.memberLogSeq
  ) {
    return bad(`membership log does not reach seq ${record.memberLogSeq}`);
  }
  const creator = membership.members.find((m) => m.userId === record.creator);
  if (creator === undefined) return bad(`creator ${record.creator} was not a member`);
  if (!options.isTrusted(creator)) {
    return decryptFailure('identity_untrusted', `creator ${record.creator} is not trusted`);
  }
  const sigOk = await provider.ed25519Verify(
    fromB64u(signed.sig),
    epochSigningBytes(record),
    fromB64u(creator.ik),
  );
  if (!sigOk) return bad('creator signature does not verify');
  if (record.memberSetHash !== membership.memberSetHash)
    return bad('memberSetHash does not match the log');
  const users = record.recipients.map((r) => r.user);
  const members = membership.members.map((m) => m.userId);
  if (users.length !== members.length || users.some((u, i) => u !== members[i])) {
    return bad('recipients differ from the member set');
  }
  return { ok: true, signed, membership };
}

/**
 * Checks a full set of envelopes against a verified record: exactly one per recipient, each
 * hashing to the listed `envHash`. Detects an envelope added, dropped or swapped by the server.
 */
export async function checkEpochEnvelopes(
  provider: CryptoProvider,
  record: EpochRecord,
  envelopes: readonly unknown[],
): Promise<DecryptResult<object>> {
  if (envelopes.length !== record.recipients.length) {
    return decryptFailure('epoch_sig_invalid', 'envelope count differs from the recipients');
  }
  for (const raw of envelopes) {
    const result = await checkEnvelope(provider, record, raw);
    if (!result.ok) return result;
  }
  return { ok: true };
}

async function checkEnvelope(
  provider: CryptoProvider,
  record: EpochRecord,
  raw: unknown,
): Promise<DecryptResult<{ envelope: EpochEnvelope }>> {
  let envelope: EpochEnvelope;
  try {
    envelope = parseEpochEnvelope(raw);
  } catch (error) {
    return failureFromError(error, 'invalid_input');
  }
  const recipient = record.recipients.find((r) => r.user === envelope.user);
  if (recipient === undefined)
    return decryptFailure('epoch_sig_invalid', `envelope for non-recipient ${envelope.user}`);
  const hash = await envelopeHash(provider, fromB64u(envelope.enc), fromB64u(envelope.ct));
  if (recipient.kaId !== envelope.kaId || recipient.envHash !== hash) {
    return decryptFailure(
      'epoch_sig_invalid',
      `envelope for ${envelope.user} does not match the record`,
    );
  }
  return { ok: true, envelope };
}

/** Options of {@link openEpoch}. */
export interface OpenEpochOptions extends VerifyEpochOptions {
  /** This user's envelope as received, or `undefined` if the server has none. */
  readonly envelope: unknown;
  /** The opening user: id and every key-agreement key from their bundle (old ones included). */
  readonly me: { readonly userId: string; readonly kaKeys: readonly KaPrivateKey[] };
}

/**
 * Verifies an epoch (see {@link verifyEpochRecord}) and this user's envelope, then opens the
 * epoch key.
 *
 * @returns the opened epoch, or a failure: `no_envelope_for_user` (not a recipient, no envelope,
 *   or no private key for it), `epoch_sig_invalid`, `identity_untrusted`, `aead_fail`,
 *   `invalid_input`, `unsupported_suite`.
 */
export async function openEpoch(
  provider: CryptoProvider,
  options: OpenEpochOptions,
): Promise<DecryptResult<{ epoch: OpenedEpoch }>> {
  const verified = await verifyEpochRecord(provider, options);
  if (!verified.ok) return verified;
  const { record } = verified.signed;
  const { userId } = options.me;
  const recipient = record.recipients.find((r) => r.user === userId);
  if (recipient === undefined)
    return decryptFailure('no_envelope_for_user', `${userId} is not a recipient`);
  if (options.envelope === undefined)
    return decryptFailure('no_envelope_for_user', 'no envelope delivered');
  const checked = await checkEnvelope(provider, record, options.envelope);
  if (!checked.ok) return checked;
  if (checked.envelope.user !== userId) {
    return decryptFailure('epoch_sig_invalid', `got the envelope of ${checked.envelope.user}`);
  }
  const privateKey = options.me.kaKeys.find((k) => toB64u(k.kaId) === recipient.kaId)?.privateKey;
  if (privateKey === undefined) {
    return decryptFailure('no_envelope_for_user', `no private key for kaId ${recipient.kaId}`);
  }
  try {
    const cek = await hpkeOpen(provider, {
      recipientPrivateKey: privateKey,
      enc: fromB64u(checked.envelope.enc),
      info: bindingInfo(LABELS.epochKey, record.conv, record.epochId, userId, recipient.kaId),
      aad: envelopeAad(record.conv, record.epochId, record.memberSetHash),
      ct: fromB64u(checked.envelope.ct),
    });
    if (cek.length !== 32) return decryptFailure('aead_fail', 'epoch key has the wrong length');
    return { ok: true, epoch: toOpenedEpoch(record, verified.membership.members, cek) };
  } catch (error) {
    return failureFromError(error, 'aead_fail');
  }
}
