/**
 * cs1 messages (crypto.md §7.8). Each message has its own key, MK = HKDF(CEK, salt = msgId,
 * info = `cs1/msg|conv|epochId`), so no GCM key ever sees two messages; the padded JSON body is
 * sealed with AES-256-GCM under the canonical header as AAD; and the sender signs
 * `cs1/msg-sig ‖ sha256(aad) ‖ box` with their identity key, because every member holds the CEK
 * and GCM alone would only prove "some member wrote this".
 *
 * Decryption returns a value, never throws on bad data, and never returns partial plaintext.
 */
import { bindingInfo, isB64uOfLength, isValidId } from './binding.js';
import { canonicalBytes } from './canonical-json.js';
import { assertBytes, concatBytes, fromB64u, fromUtf8, toB64u, utf8, zeroize } from './encoding.js';
import { CryptoError } from './errors.js';
import { FORMAT_VERSION, LABELS, SUITE } from './labels.js';
import { decryptFailure } from './decrypt-result.js';
import type { DecryptResult } from './decrypt-result.js';
import type { OpenedEpoch, TrustCheck } from './epochs.js';
import { isMessageBody, MESSAGE_CTYPES } from './message-body.js';
import type { MessageBodies, MessageCtype } from './message-body.js';
import { pad, unpad } from './padding.js';
import type { CryptoProvider } from './provider.js';

/** The authenticated, unencrypted part of a message: the AAD. */
export interface MessageHeader {
  readonly v: typeof FORMAT_VERSION;
  readonly suite: typeof SUITE;
  readonly conv: string;
  readonly epochId: string;
  /** base64url of 16 random bytes; also the HKDF salt of the message key. */
  readonly msgId: string;
  readonly sender: string;
  /** Sender's clock, ms since the epoch. */
  readonly ts: number;
  readonly ctype: MessageCtype;
}

/** A message as it travels: header, `nonce ‖ ciphertext ‖ tag` and signature, as base64url. */
export interface WireMessage {
  readonly header: MessageHeader;
  readonly box: string;
  readonly sig: string;
}

/** A decrypted message; `header.ctype` tells the type of `body`. */
export type DecryptedMessage = {
  [C in MessageCtype]: {
    readonly header: MessageHeader & { readonly ctype: C };
    readonly body: MessageBodies[C];
  };
}[MessageCtype];

/** Options of {@link encryptMessage}. */
export interface EncryptMessageOptions<C extends MessageCtype> {
  /** The current epoch (see `shouldRotate` for when to make a new one). */
  readonly epoch: OpenedEpoch;
  /** The sending member: user id and Ed25519 identity seed. */
  readonly sender: { readonly userId: string; readonly identitySeed: Uint8Array };
  readonly ctype: C;
  readonly body: MessageBodies[C];
  /** Send time in ms since the epoch. */
  readonly ts: number;
}

const HEADER_KEYS = ['conv', 'ctype', 'epochId', 'msgId', 'sender', 'suite', 'ts', 'v'];
const NONCE_LENGTH = 12;
const TAG_LENGTH = 16;

// Public keys of seeds already checked, so the check costs one derivation per session, not per
// message. Keyed weakly by the seed array so nothing outlives the caller's key material.
const checkedSeeds = new WeakMap<Uint8Array, string>();

async function assertSeedMatches(
  provider: CryptoProvider,
  seed: Uint8Array,
  ik: string,
): Promise<void> {
  let publicKey = checkedSeeds.get(seed);
  if (publicKey === undefined) {
    publicKey = toB64u(await provider.ed25519PublicKey(seed));
    checkedSeeds.set(seed, publicKey);
  }
  if (publicKey !== ik) {
    throw new CryptoError(
      'invalid_key',
      'identity seed does not match the key pinned for the sender',
    );
  }
}

function messageKey(
  provider: CryptoProvider,
  epoch: OpenedEpoch,
  msgId: Uint8Array,
): Promise<Uint8Array> {
  return provider.hkdf(epoch.cek, msgId, bindingInfo(LABELS.msg, epoch.conv, epoch.epochId), 32);
}

const MSG_SIG_LABEL = utf8(LABELS.msgSig);

/** What the sender signs: `cs1/msg-sig ‖ sha256(aad) ‖ box`. */
function signingBytes(aadHash: Uint8Array, box: Uint8Array): Uint8Array {
  return concatBytes(MSG_SIG_LABEL, aadHash, box);
}

/**
 * Encrypts and signs a message in an epoch.
 *
 * @throws CryptoError `sender_not_member` if the sender is not a member of the epoch,
 *   `invalid_key` if the seed is not the identity key the log pins for the sender;
 *   TypeError if the body is not valid for `ctype`; RangeError if it is too large.
 * @example
 * ```ts
 * const wire = await encryptMessage(provider, { epoch, sender, ctype: 'text', body: { text: 'hi' }, ts: Date.now() });
 * ```
 */
export async function encryptMessage<C extends MessageCtype>(
  provider: CryptoProvider,
  options: EncryptMessageOptions<C>,
): Promise<WireMessage> {
  const { epoch, sender, ctype, body } = options;
  assertBytes(sender.identitySeed, 'sender.identitySeed', 32);
  if (!epoch.memberIks.has(sender.userId)) {
    throw new CryptoError(
      'sender_not_member',
      `${sender.userId} is not a member of epoch ${epoch.epochId}`,
    );
  }
  await assertSeedMatches(provider, sender.identitySeed, epoch.memberIks.get(sender.userId)!);
  if (!isMessageBody(ctype, body)) throw new TypeError(`body is not a valid ${ctype} body`);
  if (!Number.isSafeInteger(options.ts) || options.ts < 0) {
    throw new TypeError('ts must be a non-negative integer');
  }
  // One call for both random values: each call to the system CSPRNG has a fixed cost.
  const random = provider.randomBytes(16 + NONCE_LENGTH);
  const msgIdBytes = random.subarray(0, 16);
  const nonce = random.subarray(16);
  const header: MessageHeader = {
    v: FORMAT_VERSION,
    suite: SUITE,
    conv: epoch.conv,
    epochId: epoch.epochId,
    msgId: toB64u(msgIdBytes),
    sender: sender.userId,
    ts: options.ts,
    ctype,
  };
  const aad = canonicalBytes(header);
  // Independent steps run concurrently: native providers execute them off the main thread.
  const [mk, aadHash] = await Promise.all([
    messageKey(provider, epoch, msgIdBytes),
    provider.sha256(aad),
  ]);
  const ct = await provider.aesGcmEncrypt(mk, nonce, pad(utf8(JSON.stringify(body))), aad);
  zeroize(mk);
  const box = concatBytes(nonce, ct);
  const sig = await provider.ed25519Sign(sender.identitySeed, signingBytes(aadHash, box));
  return { header, box: toB64u(box), sig: toB64u(sig) };
}

/** Options of {@link decryptMessage}. */
export interface DecryptMessageOptions {
  /** The message as received. */
  readonly wire: unknown;
  /** The conversation it was delivered in. */
  readonly conv: string;
  /** The opened epoch named by `header.epochId`. */
  readonly epoch: OpenedEpoch;
  /** Whether the sender's pinned identity key is trusted. */
  readonly isTrusted: TrustCheck;
}

type ParsedWire = { header: MessageHeader; box: Uint8Array; sig: Uint8Array };

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function parseWire(wire: unknown): ParsedWire | 'unsupported' | undefined {
  if (!isRecord(wire) || !isRecord(wire.header)) return undefined;
  const h = wire.header;
  if (h.v !== FORMAT_VERSION || h.suite !== SUITE) return 'unsupported';
  const keys = Object.keys(h).sort();
  const valid =
    keys.length === HEADER_KEYS.length &&
    keys.every((k, i) => k === HEADER_KEYS[i]) &&
    isValidId(h.conv) &&
    isB64uOfLength(h.epochId, 16) &&
    isB64uOfLength(h.msgId, 16) &&
    isValidId(h.sender) &&
    Number.isSafeInteger(h.ts) &&
    (h.ts as number) >= 0 &&
    (MESSAGE_CTYPES as readonly unknown[]).includes(h.ctype) &&
    isB64uOfLength(wire.sig, 64) &&
    typeof wire.box === 'string';
  if (!valid) return undefined;
  let box: Uint8Array;
  try {
    box = fromB64u(wire.box as string);
  } catch {
    return undefined;
  }
  if (box.length < NONCE_LENGTH + TAG_LENGTH) return undefined;
  // A fresh object, so later changes to the caller's copy cannot alter what was verified.
  const header: MessageHeader = {
    v: FORMAT_VERSION,
    suite: SUITE,
    conv: h.conv as string,
    epochId: h.epochId as string,
    msgId: h.msgId as string,
    sender: h.sender as string,
    ts: h.ts as number,
    ctype: h.ctype as MessageCtype,
  };
  return { header, box, sig: fromB64u(wire.sig as string) };
}

/**
 * Verifies and decrypts a message. Checks, in order: the wire shape and suite, that the header
 * binds this conversation and epoch, that the sender is a member of the epoch with a trusted
 * identity key, the sender's signature, then the AEAD, the padding and the body.
 *
 * @returns `{ ok: true, header, body }` or `{ ok: false, reason, detail }` with reason
 *   `invalid_input`, `unsupported_suite`, `msg_sig_invalid`, `sender_not_member`,
 *   `identity_untrusted` or `aead_fail`. Never throws for bad data.
 */
export async function decryptMessage(
  provider: CryptoProvider,
  options: DecryptMessageOptions,
): Promise<DecryptResult<DecryptedMessage>> {
  const { epoch } = options;
  const parsed = parseWire(options.wire);
  if (parsed === 'unsupported')
    return decryptFailure('unsupported_suite', 'message of another suite');
  if (parsed === undefined) return decryptFailure('invalid_input', 'malformed message');
  const { header, box, sig } = parsed;
  // A valid message copied into another conversation or epoch keeps its own header (changing it
  // breaks the signature), so it is caught here.
  if (
    header.conv !== options.conv ||
    header.conv !== epoch.conv ||
    header.epochId !== epoch.epochId
  ) {
    return decryptFailure('msg_sig_invalid', 'header is bound to another conversation or epoch');
  }
  const ik = epoch.memberIks.get(header.sender);
  if (ik === undefined)
    return decryptFailure('sender_not_member', `${header.sender} is not a member of the epoch`);
  if (!options.isTrusted({ userId: header.sender, ik })) {
    return decryptFailure('identity_untrusted', `identity of ${header.sender} is not trusted`);
  }
  const aad = canonicalBytes(header);
  // The message key is derived while the signature is checked; it is used only if it verifies.
  const mkPromise = messageKey(provider, epoch, fromB64u(header.msgId));
  const signed = signingBytes(await provider.sha256(aad), box);
  if (!(await provider.ed25519Verify(sig, signed, fromB64u(ik)))) {
    zeroize(await mkPromise);
    return decryptFailure('msg_sig_invalid', `signature of ${header.sender} does not verify`);
  }
  const mk = await mkPromise;
  let padded: Uint8Array;
  try {
    padded = await provider.aesGcmDecrypt(
      mk,
      box.subarray(0, NONCE_LENGTH),
      box.subarray(NONCE_LENGTH),
      aad,
    );
  } catch {
    return decryptFailure('aead_fail', 'message does not decrypt under its epoch key');
  } finally {
    zeroize(mk);
  }
  let body: unknown;
  try {
    body = JSON.parse(fromUtf8(unpad(padded)));
  } catch {
    return decryptFailure('invalid_input', 'malformed padding or body');
  }
  if (!isMessageBody(header.ctype, body))
    return decryptFailure('invalid_input', `invalid ${header.ctype} body`);
  return { ok: true, header, body } as { ok: true } & DecryptedMessage;
}
