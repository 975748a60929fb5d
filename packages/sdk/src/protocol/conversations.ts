import * as z from 'zod';
import { b64uBytes, b64uMax, publicUser, signedKaKey, userId } from './auth.js';

/**
 * Wire schemas of the key directory, conversations, the signed membership log, epochs and the
 * per-conversation event log (DESIGN §4, crypto.md §7.5–§7.9).
 *
 * The shapes of signed objects mirror `crypto/membership-entry.ts`, `crypto/epoch-record.ts` and
 * `crypto/messages.ts` field for field. The server validates them with these schemas and reads
 * their plaintext metadata (op, actor, target, ids, sequence numbers) to enforce what it can;
 * signatures and hashes are checked by clients.
 */

const B64U_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/**
 * Whether the unused low bits of the last character are zero. Decoders ignore them, so without
 * this check two different strings could name the same id.
 */
function isCanonicalB64u(value: string, bytes: number): boolean {
  const unusedBits = [0, 4, 2][bytes % 3] ?? 0;
  const last = B64U_ALPHABET.indexOf(value.at(-1) ?? 'A');
  return (last & ((1 << unusedBits) - 1)) === 0;
}

/** An id of `bytes` random bytes as canonical unpadded base64url. */
function randomId(bytes: number) {
  return b64uBytes(bytes).refine(
    (value) => isCanonicalB64u(value, bytes),
    'must be canonical unpadded base64url',
  );
}

/** Conversation ids: 16 random bytes as base64url, chosen by the creating client. */
export const conversationId = randomId(16);

/** Epoch ids: 16 random bytes as base64url, chosen by the epoch's creator. */
export const epochId = randomId(16);

/** Message ids (`header.msgId`): 16 random bytes as base64url; also the HKDF salt. */
export const messageId = randomId(16);

/** The two kinds of conversation. A direct conversation is unique per pair of users. */
export const CONVERSATION_KINDS = ['direct', 'group'] as const;
/** Schema of {@link ConversationKind}. */
export const conversationKind = z.enum(CONVERSATION_KINDS);
/** `'direct'` (two people, fixed) or `'group'`. */
export type ConversationKind = z.infer<typeof conversationKind>;

/** Membership-log operations (crypto.md §7.6). */
export const MEMBERSHIP_OPS = ['create', 'add', 'remove', 'leave', 'promote', 'demote'] as const;
/** One of {@link MEMBERSHIP_OPS}. */
export type MembershipOpName = (typeof MEMBERSHIP_OPS)[number];

/** Why an epoch was created, as signed in its record (crypto.md §7.7). */
export const EPOCH_REASON_NAMES = [
  'init',
  'member-removed',
  'member-added',
  'count',
  'age',
  'key-change',
  'manual',
] as const;

/** Largest group, in members; also bounds the recipients of an epoch. */
export const MAX_GROUP_MEMBERS = 1000;

/** Longest group title, in characters. Titles are plaintext metadata the server sees. */
export const MAX_TITLE_LENGTH = 128;

/**
 * Largest message box (`nonce ‖ ciphertext ‖ tag`) in bytes, chosen so that a whole `send`
 * event stays under the 64 KiB socket event cap.
 */
export const MAX_BOX_BYTES = 46 * 1024;

const seq = z.number().int().min(0);
const timestamp = z.number().int().min(0);

/** Settings signed into a conversation's `create` entry. */
export const conversationSettings = z.strictObject({
  shareHistory: z.boolean(),
  rotateAfterMsgs: z.number().int().min(1),
  rotateAfterMs: z.number().int().min(1),
});

/** The signed content of a membership-log entry (`MembershipEntry` in the crypto module). */
export const membershipEntry = z.strictObject({
  v: z.literal(1),
  suite: z.literal('cs1'),
  conv: conversationId,
  /** Position in the membership log; `create` is 0. */
  seq,
  /** base64url SHA-256 of the previous entry's canonical JSON; `null` for `create`. */
  prev: b64uBytes(32).nullable(),
  op: z.enum(MEMBERSHIP_OPS),
  target: userId,
  targetIk: b64uBytes(32),
  actor: userId,
  ts: timestamp,
  settings: conversationSettings.optional(),
});
/** The type of {@link membershipEntry}. */
export type MembershipEntryWire = z.infer<typeof membershipEntry>;

/** A membership entry with its actor's Ed25519 signature. */
export const signedMembershipEntry = z.strictObject({
  entry: membershipEntry,
  sig: b64uBytes(64),
});
/** The type of {@link signedMembershipEntry}. */
export type SignedMembershipEntryWire = z.infer<typeof signedMembershipEntry>;

/** One recipient of an epoch key, listed in the signed record. */
export const epochRecipient = z.strictObject({
  user: userId,
  kaId: b64uBytes(16),
  /** base64url SHA-256 of `enc ‖ ct` of the recipient's envelope. */
  envHash: b64uBytes(32),
});

/** The signed content of an epoch (`EpochRecord` in the crypto module). */
export const epochRecord = z.strictObject({
  v: z.literal(1),
  suite: z.literal('cs1'),
  conv: conversationId,
  epochId,
  prevEpochId: epochId.nullable(),
  creator: userId,
  /** The membership-log `seq` whose member set the epoch is sealed to. */
  memberLogSeq: seq,
  memberSetHash: b64uBytes(32),
  createdAt: timestamp,
  reason: z.enum(EPOCH_REASON_NAMES),
  /** One per member at `memberLogSeq`, sorted by user id. */
  recipients: z.array(epochRecipient).min(1).max(MAX_GROUP_MEMBERS),
});
/** The type of {@link epochRecord}. */
export type EpochRecordWire = z.infer<typeof epochRecord>;

/** An epoch record with its creator's signature. */
export const signedEpochRecord = z.strictObject({ record: epochRecord, sig: b64uBytes(64) });
/** The type of {@link signedEpochRecord}. */
export type SignedEpochRecordWire = z.infer<typeof signedEpochRecord>;

/** The epoch key sealed to one member with HPKE. Only that member can fetch it. */
export const epochEnvelope = z.strictObject({
  user: userId,
  kaId: b64uBytes(16),
  /** HPKE encapsulated key (32 bytes). */
  enc: b64uBytes(32),
  /** HPKE ciphertext of the epoch key (48 bytes in cs1; a little headroom for later suites). */
  ct: b64uMax(256).min(1),
});
/** The type of {@link epochEnvelope}. */
export type EpochEnvelopeWire = z.infer<typeof epochEnvelope>;

/**
 * A message content type (`text`, `edit`, `reaction`, `delete`, `attachment` in cs1). The
 * server accepts any short lower-case token so that a new type needs no server upgrade.
 */
export const messageCtype = z
  .string()
  .regex(/^[a-z][a-z0-9-]{0,31}$/, 'must be a lower-case token of at most 32 characters');

/** The authenticated, unencrypted header of a message (the AAD). */
export const messageHeader = z.strictObject({
  v: z.literal(1),
  suite: z.literal('cs1'),
  conv: conversationId,
  epochId,
  msgId: messageId,
  sender: userId,
  /** Sender's clock, ms since the epoch. The log's order comes from `seq`, not from this. */
  ts: timestamp,
  ctype: messageCtype,
});
/** The type of {@link messageHeader}. */
export type MessageHeaderWire = z.infer<typeof messageHeader>;

/** A message as it travels: header, `nonce ‖ ciphertext ‖ tag` and the sender's signature. */
export const wireMessage = z.strictObject({
  header: messageHeader,
  /** At least a 12-byte nonce and a 16-byte tag. */
  box: b64uMax(MAX_BOX_BYTES).min(38, 'must hold at least a nonce and a tag'),
  sig: b64uBytes(64),
});
/** The type of {@link wireMessage}. */
export type WireMessageData = z.infer<typeof wireMessage>;

const eventBase = {
  conversationId,
  /** Position in the conversation's log: 1, 2, 3 … with no gaps. */
  seq: z.number().int().min(1),
  /** Server time the event was stored, ms since the epoch. */
  ts: timestamp,
  /** Who wrote it: the message sender, the entry's actor or the epoch's creator. */
  sender: userId,
};

/** An encrypted message event (messages, edits, reactions and deletions alike). */
export const messageEvent = z.object({
  ...eventBase,
  kind: z.literal('message'),
  /** The message id (`header.msgId`). */
  id: messageId,
  message: wireMessage,
});

/** A membership-log entry event. */
export const memberEvent = z.object({
  ...eventBase,
  kind: z.literal('member'),
  entry: signedMembershipEntry,
});

/** A new-epoch event. Envelopes are not part of it: each member fetches their own. */
export const epochEvent = z.object({
  ...eventBase,
  kind: z.literal('epoch'),
  epoch: signedEpochRecord,
});

/** One event of a conversation's ordered log, as history, `sync` and the `event` push carry it. */
export const logEvent = z.discriminatedUnion('kind', [messageEvent, memberEvent, epochEvent]);
/** The type of {@link logEvent}. */
export type LogEvent = z.infer<typeof logEvent>;
/** The type of {@link messageEvent}. */
export type MessageEvent = z.infer<typeof messageEvent>;
/** The type of {@link memberEvent}. */
export type MemberEvent = z.infer<typeof memberEvent>;
/** The type of {@link epochEvent}. */
export type EpochEvent = z.infer<typeof epochEvent>;

// ---------------------------------------------------------------------------------------------
// Key directory

/** `GET /users?prefix=&limit=`: discovery by username prefix (case-insensitive). */
export const userSearchQuery = z.object({
  prefix: z
    .string()
    .min(1)
    .max(32)
    .regex(/^[A-Za-z0-9][A-Za-z0-9_.-]*$/, 'must be the start of a username'),
  limit: z.coerce.number().int().min(1).max(50).default(20),
});
/** The type of {@link userSearchQuery}. */
export type UserSearchQuery = z.infer<typeof userSearchQuery>;

/** Answer of `GET /users?prefix=`. */
export const userList = z.object({ users: z.array(publicUser) });
/** The type of {@link userList}. */
export type UserList = z.infer<typeof userList>;

/** Path parameter of `GET /users/by-username/:username`. */
export const usernameParam = z.object({ username: z.string().min(1).max(64) });
/** Path parameter of the `/users/:id` routes. */
export const userIdParam = z.object({ id: userId });

/** `GET /users/:id/keys`: the identity key and every signed key-agreement key (crypto.md §7.5). */
export const userKeys = z.object({
  userId,
  identityKey: b64uBytes(32),
  keyAgreementKeys: z.array(signedKaKey),
});
/** The type of {@link userKeys}. */
export type UserKeys = z.infer<typeof userKeys>;

/** `POST /me/keys/ka`: publish a new signed key-agreement key (rotation). */
export const publishKaKeyRequest = signedKaKey.refine((k) => k.notAfter > k.notBefore, {
  message: 'notAfter must be later than notBefore',
  path: ['notAfter'],
});
/** The type of {@link publishKaKeyRequest}. */
export type PublishKaKeyRequest = z.infer<typeof publishKaKeyRequest>;

// ---------------------------------------------------------------------------------------------
// Conversations

/**
 * `POST /conversations`. `entries` is the start of the signed membership log, all signed by the
 * caller: `create` (which names the conversation id) and then, typically, one `add` per member.
 * A direct conversation has exactly `create` and one `add`, and no title.
 */
export const createConversationRequest = z.strictObject({
  kind: conversationKind,
  title: z.string().trim().min(1).max(MAX_TITLE_LENGTH).optional(),
  entries: z
    .array(signedMembershipEntry)
    .min(1)
    .max(MAX_GROUP_MEMBERS + 1),
});
/** The type of {@link createConversationRequest}. */
export type CreateConversationRequest = z.infer<typeof createConversationRequest>;

/** A current member of a conversation and whether they are an admin. */
export const conversationMember = z.object({ userId, admin: z.boolean() });

/** A conversation as its members see it. */
export const conversationSummary = z.object({
  id: conversationId,
  kind: conversationKind,
  /** Group title (plaintext metadata); `null` for direct conversations. */
  title: z.string().nullable(),
  createdBy: userId,
  createdAt: timestamp,
  /** Current members, by user id (the signed log is the source of truth). */
  members: z.array(conversationMember),
  /** `seq` of the newest event of the log. */
  lastSeq: z.number().int().min(0),
  /** Membership-log `seq` of the newest entry (the next entry must carry this + 1). */
  memberLogSeq: seq,
  /** The epoch new messages should use, with how many messages it carried so far. */
  currentEpoch: z.object({ epochId, messageCount: z.number().int().min(0) }).nullable(),
  /**
   * The caller's unread messages, computed by the server (`GET /conversations` and
   * `GET /conversations/:id`): messages of others after the caller's read cursor, counting
   * only `UNREAD_CTYPES` and leaving out deleted ones.
   */
  unreadCount: z.number().int().min(0).optional(),
  /** The caller's read cursor (`seq` of the last event they read). */
  readSeq: z.number().int().min(0).optional(),
});
/** The type of {@link conversationSummary}. */
export type ConversationSummary = z.infer<typeof conversationSummary>;

/** Answer of `GET /conversations`. */
export const conversationList = z.object({
  conversations: z.array(conversationSummary),
  /** The sum of `unreadCount` over the list. */
  unreadTotal: z.number().int().min(0).optional(),
});
/** The type of {@link conversationList}. */
export type ConversationList = z.infer<typeof conversationList>;

/** Path parameter of the `/conversations/:id` routes. */
export const conversationIdParam = z.object({ id: conversationId });
/** Path parameter of `GET /conversations/direct/:userId`. */
export const directPeerParam = z.object({ userId });

/** `GET /conversations/:id/members?after=&limit=`: membership entries with `entry.seq > after`. */
export const memberEntriesQuery = z.object({
  after: z.coerce.number().int().min(-1).default(-1),
  limit: z.coerce.number().int().min(1).max(1000).default(1000),
});

/** A stored membership entry with its place in the conversation log. */
export const memberLogItem = signedMembershipEntry.extend({
  logSeq: z.number().int().min(1),
  ts: timestamp,
});
/** Answer of `GET /conversations/:id/members`: signed entries, oldest first. */
export const memberEntryList = z.object({ entries: z.array(memberLogItem), hasMore: z.boolean() });
/** The type of {@link memberEntryList}. */
export type MemberEntryList = z.infer<typeof memberEntryList>;

/**
 * `POST /conversations/:id/members`: append one signed entry. Compare-and-set: `entry.seq` must
 * be the current `memberLogSeq` + 1, otherwise the answer is 409 `conflict`.
 */
export const appendMemberEntryRequest = signedMembershipEntry;

/**
 * `POST /conversations/:id/epochs`: a new epoch with one envelope per recipient.
 * Compare-and-set: `expectedPrevEpochId` must be the current epoch (and equal
 * `epoch.record.prevEpochId`), and the record must be sealed to the current membership
 * (`memberLogSeq`); a lost race is 409 `conflict`.
 */
export const createEpochRequest = z.strictObject({
  epoch: signedEpochRecord,
  envelopes: z.array(epochEnvelope).min(1).max(MAX_GROUP_MEMBERS),
  expectedPrevEpochId: epochId.nullable(),
});
/** The type of {@link createEpochRequest}. */
export type CreateEpochRequest = z.infer<typeof createEpochRequest>;

/** A stored epoch with its place in the log and how many messages it carried. */
export const epochInfo = signedEpochRecord.extend({
  seq: z.number().int().min(1),
  ts: timestamp,
  messageCount: z.number().int().min(0),
});
/** Answer of `GET /conversations/:id/epochs`. */
export const epochList = z.object({ epochs: z.array(epochInfo) });
/** The type of {@link epochList}. */
export type EpochList = z.infer<typeof epochList>;

/** Query of `GET /conversations/:id/envelopes`. */
export const envelopesQuery = z.object({ epochId: epochId.optional() });
/** An epoch envelope as the server returns it to its recipient. */
export const storedEnvelope = epochEnvelope.extend({ epochId });
/** Only ever the caller's own envelopes. */
export const envelopeList = z.object({ envelopes: z.array(storedEnvelope) });
/** The type of {@link envelopeList}. */
export type EnvelopeList = z.infer<typeof envelopeList>;

/** Largest page of history. */
export const MAX_HISTORY_PAGE = 200;

/**
 * `GET /conversations/:id/events`: with `after`, the events following it (oldest first); with
 * only `before` (or nothing: the newest), the `limit` events preceding it. Both: the range
 * between them from the `after` side. Pages are always in ascending `seq`.
 */
export const eventsQuery = z.object({
  after: z.coerce.number().int().min(0).optional(),
  before: z.coerce.number().int().min(1).optional(),
  limit: z.coerce.number().int().min(1).max(MAX_HISTORY_PAGE).default(50),
});
/** The type of {@link eventsQuery}. */
export type EventsQuery = z.infer<typeof eventsQuery>;

/**
 * Where a conversation's log is complete: every event from this `seq` to the head is held.
 * Below it the server's retention policy may have deleted messages (membership entries and
 * epochs are always kept), so holes in `seq` below it are expected, not gaps to heal.
 */
export const historyStart = z.number().int().min(1);

/**
 * A page of the log; `hasMore` says whether more events exist in the direction paged;
 * `historyStart` lets a client accept holes left by retention.
 */
export const eventPage = z.object({
  events: z.array(logEvent),
  hasMore: z.boolean(),
  historyStart: historyStart.optional(),
});
/** The type of {@link eventPage}. */
export type EventPage = z.infer<typeof eventPage>;
