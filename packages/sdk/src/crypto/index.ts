/**
 * `@parley/sdk/crypto` — the cs1 building blocks, for bots, interop tests and advanced users.
 *
 * cs1 in one paragraph: each user has an Ed25519 identity key and X25519 key-agreement keys
 * (signed by the identity key, rotated every 30 days), all kept in a bundle encrypted under a
 * random account key; the account key is stored on the server wrapped by a KEK derived from the
 * password with Argon2id (the server only sees a separate `authKey`). Conversation epoch keys are
 * sealed to every member with HPKE (RFC 9180); messages use per-message HKDF keys, AES-256-GCM
 * and Ed25519 signatures over canonical JSON. Every HKDF info, AAD and signature is prefixed by a
 * domain-separation label (`LABELS`).
 *
 * Primitives sit behind {@link CryptoProvider}, implemented by WebCrypto (native, fast) and
 * `@noble` (portable); `getCryptoProvider()` picks one by feature detection. Both give
 * byte-identical results and accept exactly the same signatures.
 *
 * Errors: data problems throw {@link CryptoError} with a stable `code`; programmer mistakes
 * (wrong types, lengths, parameters) throw `TypeError` or `RangeError`.
 *
 * @example
 * ```ts
 * import { getCryptoProvider, argon2id, deriveLoginKeys, newKdfParams } from '@parley/sdk/crypto';
 * const provider = await getCryptoProvider();
 * const kdf = newKdfParams(provider);
 * const master = await argon2id(password, kdf, { onProgress: (f) => bar.set(f) });
 * const { authKey, kek } = await deriveLoginKeys(provider, master);
 * ```
 *
 * @packageDocumentation
 */
export type { CryptoProvider } from './provider.js';
export { createNobleProvider } from './providers/noble.js';
export { createWebCryptoProvider } from './providers/webcrypto.js';
export { getCryptoProvider, selectCryptoProvider } from './providers/select.js';

export {
  assertBytes,
  concatBytes,
  equalBytes,
  fromB64u,
  fromHex,
  fromUtf8,
  toB64u,
  toHex,
  utf8,
  zeroize,
} from './encoding.js';
export { canonicalBytes, canonicalJson, compareCodePoints } from './canonical-json.js';
export { CryptoError, isCryptoError } from './errors.js';
export type { CryptoErrorCode } from './errors.js';
export { FORMAT_VERSION, LABELS, SUITE } from './labels.js';
export type { Label } from './labels.js';

export { argon2id, assertKdfParams, deriveLoginKeys, newKdfParams } from './kdf.js';
export type { Argon2idOptions } from './kdf.js';
export {
  createAccount,
  decryptBundle,
  encryptBundle,
  rotateKaKeyIfDue,
  unwrapAccountKey,
  wrapAccountKey,
} from './account.js';
export type { AccountKeyContext, KeyBundle, NewAccount } from './account.js';
export {
  KA_CLOCK_SKEW_MS,
  KA_LIFETIME_MS,
  createKaKey,
  isKaRotationDue,
  kaSignaturePayload,
  selectKaKey,
  toSignedKaKey,
  verifyKaKey,
} from './ka-keys.js';
export type { KaPrivateKey } from './ka-keys.js';

export { hpkeDeriveKeyPair, hpkeOpen, hpkeSeal } from './hpke.js';
export type { HpkeAead, HpkeOpenInput, HpkeSealInput } from './hpke.js';

export {
  SAFETY_NUMBER_ITERATIONS,
  fingerprintCore,
  formatSafetyNumber,
  safetyNumber,
} from './safety-number.js';
export type { SafetyNumberParty } from './safety-number.js';
export {
  acceptIdentity,
  checkIdentity,
  createTrustStore,
  isTrusted,
  markVerified,
  parseTrustStore,
  pinnedIdentityKey,
} from './trust-store.js';
export type { IdentityCheck, TrustEntry, TrustStoreData } from './trust-store.js';

// Conversation layer (membership log, epochs, messages, attachments), built on the modules above.
export {
  DEFAULT_CONVERSATION_SETTINGS,
  MEMBERSHIP_OPS,
  hashMembershipEntry,
  membershipSigningBytes,
  parseSignedMembershipEntry,
  signMembershipEntry,
  verifyMembershipSignature,
} from './membership-entry.js';
export type {
  ConversationSettings,
  MembershipEntry,
  MembershipOp,
  SignedMembershipEntry,
} from './membership-entry.js';
export {
  applyMembershipEntry,
  buildMembershipEntry,
  computeMemberSetHash,
  memberIk,
  replayMembershipHistory,
  replayMembershipLog,
} from './membership-log.js';
export type {
  Member,
  MembershipChange,
  MembershipHistory,
  MembershipState,
  ReplayOptions,
} from './membership-log.js';
export {
  checkEpochEnvelopes,
  createEpoch,
  openEpoch,
  trustFromStore,
  verifyEpochRecord,
} from './epochs.js';
export type {
  CreateEpochOptions,
  CreatedEpoch,
  OpenEpochOptions,
  OpenedEpoch,
  TrustCheck,
  VerifyEpochOptions,
} from './epochs.js';
export {
  envelopeAad,
  epochSigningBytes,
  parseEpochEnvelope,
  parseSignedEpochRecord,
} from './epoch-record.js';
export type {
  EpochEnvelope,
  EpochRecipient,
  EpochRecord,
  SignedEpochRecord,
} from './epoch-record.js';
export { EPOCH_REASONS, shouldRotate } from './rotation-policy.js';
export type {
  EpochReason,
  EpochSummary,
  RotationDecision,
  RotationInput,
} from './rotation-policy.js';
export { decryptMessage, encryptMessage } from './messages.js';
export type {
  DecryptMessageOptions,
  DecryptedMessage,
  EncryptMessageOptions,
  MessageHeader,
  WireMessage,
} from './messages.js';
export { MAX_TEXT_LENGTH, MESSAGE_CTYPES, isMessageBody } from './message-body.js';
export type { MessageBodies, MessageCtype } from './message-body.js';
export { PAD_STEP, pad, paddedLength, unpad } from './padding.js';
export type { DecryptFailure, DecryptFailureReason, DecryptResult } from './decrypt-result.js';
export { decryptAttachment, encryptAttachment, encryptedAttachmentSize } from './attachments.js';
export type {
  DecryptAttachmentOptions,
  EncryptAttachmentOptions,
  EncryptedAttachment,
} from './attachments.js';
export {
  DEFAULT_CHUNK_SIZE,
  MAX_CHUNK_SIZE,
  MIN_CHUNK_SIZE,
  isAttachmentDescriptor,
} from './attachment-descriptor.js';
export type { AttachmentDescriptor } from './attachment-descriptor.js';
export type { ByteSource } from './chunk-reader.js';
