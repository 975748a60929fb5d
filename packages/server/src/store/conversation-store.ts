import type { UserRecord } from './store.js';

/**
 * The conversations half of the {@link Store}: the key directory search, conversations and
 * their members, and the one ordered log per conversation (DESIGN §4) holding messages,
 * membership entries and epochs.
 *
 * Invariants every implementation keeps, each inside the transaction that writes:
 * - every event of a conversation gets the next `seq` (1, 2, 3 … no gaps), and `(conv, seq)`
 *   is unique;
 * - a message is stored at most once per `(sender, clientMsgId)`;
 * - a message is stored only if its sender is a member and its epoch belongs to the
 *   conversation and is not older than the latest removal or departure;
 * - membership entries and epochs are compare-and-set on the state their caller checked.
 *
 * Signed objects are stored as the JSON text the API layer produced from the validated request
 * (`data`) plus the raw signature bytes; clients re-canonicalise before verifying.
 */
export interface ConversationStore {
  /** Users whose username starts with `prefix` (already lower-case), alphabetical. */
  searchUsers(prefix: string, limit: number): Promise<UserRecord[]>;

  /**
   * Creates a conversation with the first entries of its membership log, each becoming an
   * event (`seq` 1, 2 …), atomically.
   * @returns The stored events, in order.
   * @throws {StoreConflictError} `conversation_id` when the id is taken, `direct_pair` when the
   *   pair already has a direct conversation.
   */
  createConversation(conversation: NewConversation): Promise<StoredEvent[]>;
  /** The conversation with its current members, or `undefined`. */
  findConversation(id: string): Promise<ConversationRecord | undefined>;
  /** The direct conversation of a pair (see {@link directPairKey}), or `undefined`. */
  findDirectConversation(pair: string): Promise<ConversationRecord | undefined>;
  /** The conversations `userId` is a member of, most recently active first. */
  listConversations(userId: string): Promise<ConversationRecord[]>;
  /**
   * Id and newest `seq` of each conversation `userId` is a member of, most recently active
   * first: what joining rooms and `sync` need, without loading members.
   */
  listConversationHeads(userId: string): Promise<ConversationHead[]>;

  /**
   * Appends one membership entry if the log's head is still `expectedMemberSeq`, applying its
   * change to the member set. The caller checked the membership rules against that head.
   */
  appendMemberEntry(append: MemberAppend): Promise<MemberAppendResult>;
  /**
   * Stores a new epoch with its envelopes if the current epoch is still `prevEpochId` and the
   * membership head is still `expectedMemberSeq`; it becomes the current epoch.
   */
  appendEpoch(epoch: NewEpoch): Promise<EpochAppendResult>;
  /**
   * Stores a batch of messages in one transaction (group commit), each checked on its own.
   * @returns One result per input, in the same order.
   */
  appendMessages(batch: readonly NewMessage[]): Promise<MessageAppendResult[]>;

  /** A page of the log; see {@link EventRange}. */
  listEvents(convId: string, range: EventRange): Promise<EventPageRecord>;
  /** Membership events with entry seq greater than `afterMemberSeq`, ascending. */
  listMemberEntries(
    convId: string,
    afterMemberSeq: number,
    limit: number,
  ): Promise<EventPageRecord>;
  /** Every epoch of the conversation, oldest first. */
  listEpochs(convId: string): Promise<EpochInfoRecord[]>;
  /** The envelopes sealed to `recipient` in the conversation (of one epoch if given). */
  listEnvelopes(convId: string, recipient: string, epochId?: string): Promise<EnvelopeRecord[]>;
}

/** The kinds of conversation. */
export type ConversationKindName = 'direct' | 'group';

/** The kinds of log event. */
export type EventKind = 'message' | 'member' | 'epoch';

/** The key that makes direct conversations unique per pair: both ids, sorted. */
export function directPairKey(a: string, b: string): string {
  return a < b ? `${a}:${b}` : `${b}:${a}`;
}

/** A conversation's id and the `seq` of its newest event. */
export interface ConversationHead {
  id: string;
  lastSeq: number;
}

/** A current member of a conversation. */
export interface MemberRecord {
  userId: string;
  /** The identity key the membership log pinned for the member. */
  identityKey: Uint8Array;
  admin: boolean;
  /** Log `seq` of the entry that made them a member. */
  joinedSeq: number;
}

/** A conversation and its current state. */
export interface ConversationRecord {
  id: string;
  kind: ConversationKindName;
  title: string | null;
  /** {@link directPairKey} of a direct conversation, else `null`. */
  directPair: string | null;
  createdBy: string;
  createdAt: number;
  /** `seq` of the newest event. */
  lastSeq: number;
  /** Server time of the newest event. */
  lastEventAt: number;
  /** Membership-log `seq` (entry.seq) of the newest entry. */
  memberSeq: number;
  /** Membership-log `seq` of the newest `remove` or `leave`, or -1. */
  lastDepartureSeq: number;
  currentEpochId: string | null;
  /** Messages stored in the current epoch. */
  currentEpochMessages: number;
  /** Sorted by user id. */
  members: MemberRecord[];
}

/** One stored event of a conversation's log. */
export interface StoredEvent {
  convId: string;
  seq: number;
  kind: EventKind;
  sender: string;
  /** Server time of storage. */
  ts: number;
  /** JSON text: the message header, the membership entry or the epoch record. */
  data: string;
  sig: Uint8Array;
  /** The message box (messages only). */
  box: Uint8Array | null;
  /** The message id (messages only). */
  msgId: string | null;
}

/** How a membership entry changes the member set. */
export type MemberChange =
  | { op: 'create' | 'add'; userId: string; identityKey: Uint8Array }
  | { op: 'remove' | 'leave' | 'promote' | 'demote'; userId: string };

/** A membership entry to store. */
export interface NewMemberEntry {
  /** entry.seq. */
  memberSeq: number;
  /** The actor. */
  sender: string;
  data: string;
  sig: Uint8Array;
  change: MemberChange;
}

/** Input of {@link ConversationStore.createConversation}. */
export interface NewConversation {
  id: string;
  kind: ConversationKindName;
  title: string | null;
  directPair: string | null;
  createdBy: string;
  now: number;
  /** `create` first, then the rest, with contiguous member seqs from 0. */
  entries: NewMemberEntry[];
}

/** Input of {@link ConversationStore.appendMemberEntry}. */
export interface MemberAppend {
  convId: string;
  /** The head the caller checked the rules against; the entry's seq is this + 1. */
  expectedMemberSeq: number;
  entry: NewMemberEntry;
  now: number;
}

export type MemberAppendResult =
  | { status: 'appended'; event: StoredEvent }
  | { status: 'conflict'; memberSeq: number }
  | { status: 'not_found' };

/** One envelope of a new epoch. */
export interface NewEnvelope {
  recipient: string;
  kaId: Uint8Array;
  enc: Uint8Array;
  ct: Uint8Array;
}

/** Input of {@link ConversationStore.appendEpoch}. */
export interface NewEpoch {
  convId: string;
  epochId: string;
  /** Compare-and-set: the epoch that must still be current (`null` for the first). */
  prevEpochId: string | null;
  /** Compare-and-set: the membership head the record is sealed to. */
  expectedMemberSeq: number;
  creator: string;
  data: string;
  sig: Uint8Array;
  envelopes: NewEnvelope[];
  now: number;
}

export type EpochAppendResult =
  | { status: 'appended'; event: StoredEvent }
  | { status: 'conflict'; currentEpochId: string | null; memberSeq: number }
  | { status: 'not_found' };

/** A message to store (one item of a group commit). */
export interface NewMessage {
  convId: string;
  sender: string;
  clientMsgId: string;
  msgId: string;
  epochId: string;
  /** The header as JSON text. */
  data: string;
  box: Uint8Array;
  sig: Uint8Array;
  now: number;
  /**
   * Whether the message counts as unread for the other members (the API layer sets it for
   * `UNREAD_CTYPES`). Default `false`. See `ReceiptStore` (receipt-store.ts).
   */
  countsAsUnread?: boolean;
  /**
   * The msgId of a message this one deletes (a plaintext hint of a `delete`). If it names a
   * counting message of this conversation whose sender is this sender (or this sender is an
   * admin), that message stops counting as unread; otherwise the hint is ignored.
   */
  redacts?: string;
}

/** The event a stored message became, from the request and what the store assigned. */
export function storedMessage(m: NewMessage, seq: number, ts: number): StoredEvent {
  return {
    convId: m.convId,
    seq,
    kind: 'message',
    sender: m.sender,
    ts,
    data: m.data,
    sig: m.sig,
    box: m.box,
    msgId: m.msgId,
  };
}

/** Why a message was not stored. */
export type MessageRejection =
  /** The sender is not a member (never was, or was removed, or left). */
  | 'not_member'
  /** The epoch does not exist in this conversation. */
  | 'unknown_epoch'
  /** The epoch was created before the latest removal or departure. */
  | 'stale_epoch'
  /** Another stored message of the conversation has this msgId. */
  | 'msg_id_taken'
  /** The sender used this clientMsgId for a message of another conversation. */
  | 'client_msg_id_reused';

export type MessageAppendResult =
  | { status: 'stored'; event: StoredEvent }
  /** Already stored under this (sender, clientMsgId): the original acknowledgement. */
  | { status: 'duplicate'; msgId: string; seq: number; ts: number }
  | { status: 'rejected'; reason: MessageRejection };

/**
 * A page request. With `after`: ascending from `after + 1` (stopping before `before` if
 * given). Otherwise the `limit` events right before `before` (or the newest), still returned
 * in ascending order.
 */
export interface EventRange {
  after?: number;
  before?: number;
  limit: number;
}

/** A page of events, ascending; `hasMore` is about the direction paged. */
export interface EventPageRecord {
  events: StoredEvent[];
  hasMore: boolean;
}

/** A stored epoch. */
export interface EpochInfoRecord {
  epochId: string;
  /** Log `seq` of its event. */
  seq: number;
  ts: number;
  creator: string;
  memberLogSeq: number;
  messageCount: number;
  /** The record as JSON text. */
  data: string;
  sig: Uint8Array;
}

/** An epoch key sealed to one member. */
export interface EnvelopeRecord {
  epochId: string;
  recipient: string;
  kaId: Uint8Array;
  enc: Uint8Array;
  ct: Uint8Array;
}
