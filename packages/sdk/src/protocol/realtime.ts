import * as z from 'zod';
import { conversationId, historyStart, logEvent, messageId, wireMessage } from './conversations.js';
import type { LogEvent } from './conversations.js';
import { ERROR_CODES } from './errors.js';
import { userId } from './auth.js';
import { MAX_FILES_PER_MESSAGE, fileId } from './files.js';

/**
 * The Socket.io contract (DESIGN §4): event maps that type both ends, and the zod schemas the
 * server validates every incoming event with.
 *
 * Connect with `io(serverUrl, { auth: { token: accessToken }, transports: ['websocket',
 * 'polling'] })`. A refused handshake raises `connect_error` whose `message` is one of
 * {@link CONNECT_ERROR_CODES} (also in `err.data.code`). Every client event takes an
 * acknowledgement callback and is answered exactly once with `{ ok: true, … }` or
 * `{ ok: false, error }`; an event sent without one is ignored.
 */

/** Largest accepted event payload, in bytes of JSON (per event, on top of the transport cap). */
export const MAX_EVENT_BYTES = 64 * 1024;

/** Most cursors one `sync` request may carry. */
export const MAX_SYNC_CURSORS = 500;

/** Default and largest number of events per conversation in one `sync` answer. */
export const SYNC_PAGE = { default: 100, max: 500 } as const;

/** Why a handshake was refused: the `message` (and `data.code`) of `connect_error`. */
export const CONNECT_ERROR_CODES = [
  /** No token, a malformed or forged token, or a session that has ended. */
  'unauthorized',
  /** A valid token past its expiry: refresh it and reconnect. */
  'token_expired',
  /** Too many connections for this user (or the server is full). */
  'rate_limited',
  /** The server is shutting down: reconnect with backoff. */
  'unavailable',
] as const;
/** One of {@link CONNECT_ERROR_CODES}. */
export type ConnectErrorCode = (typeof CONNECT_ERROR_CODES)[number];

/** `connect_error`'s `data`. */
export interface ConnectErrorData {
  code: ConnectErrorCode;
  message: string;
}

/** The error half of every acknowledgement. */
export const ackError = z.object({
  code: z.enum(ERROR_CODES),
  message: z.string(),
  /** For `invalid_input`: the dotted path of the first failing field. */
  field: z.string().optional(),
  /** For `rate_limited`: when to try again. */
  retryAfterMs: z.number().int().min(0).optional(),
});
/** The type of {@link ackError}. */
export type AckError = z.infer<typeof ackError>;

const failure = z.object({ ok: z.literal(false), error: ackError });
/** The failure half of every acknowledgement: `{ ok: false, error }`. */
export type AckFailure = z.infer<typeof failure>;

/**
 * Client ids of outgoing events: any 1–64 character token, e.g. a UUIDv7. The server is
 * idempotent on (sender, clientMsgId): a retry gets the original acknowledgement.
 */
export const clientMsgId = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9_-]+$/, 'must be 1-64 characters of A-Z, a-z, 0-9, "_" or "-"');

/** `send`: store an encrypted message event in a conversation's log. */
export const sendRequest = z.strictObject({
  conversationId,
  clientMsgId,
  message: wireMessage,
  /**
   * Uploaded files this message carries (their keys are inside the ciphertext): the server
   * lets the conversation's members download them from now on. Each must have been uploaded
   * by the sender for this conversation and not be referenced by another message.
   */
  fileIds: z.array(fileId).max(MAX_FILES_PER_MESSAGE).optional(),
  /**
   * Only with `header.ctype: 'delete'`: the id of the message it deletes, in plaintext, so the
   * server can take it out of unread counts. Optional; a hint that does not name a countable
   * message of the sender (any message for an admin) is ignored. See {@link UNREAD_CTYPES}.
   */
  redacts: messageId.optional(),
});
/** The type of {@link sendRequest}. */
export type SendRequest = z.infer<typeof sendRequest>;

/** Acknowledgement of `send`, given only once the event is durably stored. */
export const sendAck = z.discriminatedUnion('ok', [
  z.object({
    ok: z.literal(true),
    /** The stored message id (`header.msgId` of the first stored copy). */
    id: messageId,
    seq: z.number().int().min(1),
    /** Server time of storage, ms since the epoch. */
    ts: z.number().int().min(0),
  }),
  failure,
]);
/** The type of {@link sendAck}. */
export type SendAck = z.infer<typeof sendAck>;

/** Where the client is in one conversation's log. */
export const syncCursor = z.strictObject({
  conversationId,
  afterSeq: z.number().int().min(0),
});
/** The type of {@link syncCursor}. */
export type SyncCursor = z.infer<typeof syncCursor>;

/**
 * `sync`: the events after each cursor. Conversations of the caller without a cursor are
 * answered from the start (that is how a client learns it was added somewhere), unless
 * `onlyListed` is set (for clients with more than {@link MAX_SYNC_CURSORS} conversations, which
 * sync in slices). Conversations with nothing new are left out of the answer.
 */
export const syncRequest = z.strictObject({
  cursors: z.array(syncCursor).max(MAX_SYNC_CURSORS),
  /** Events per conversation; default 100, at most 500. */
  limit: z.number().int().min(1).max(SYNC_PAGE.max).optional(),
  onlyListed: z.boolean().optional(),
});
/** The type of {@link syncRequest}. */
export type SyncRequest = z.infer<typeof syncRequest>;

/** One conversation's part of a `sync` answer. */
export const syncConversation = z.object({
  conversationId,
  /** Events after the cursor, ascending, contiguous (but for holes below `historyStart`). */
  events: z.array(logEvent),
  /** More events follow the last one: sync again from its `seq`. */
  hasMore: z.boolean(),
  /** The newest `seq` of the log at the time of the answer. */
  lastSeq: z.number().int().min(0),
  /** Every event from here to `lastSeq` is held; below it retention may have left holes. */
  historyStart: historyStart.optional(),
});
/** The type of {@link syncConversation}. */
export type SyncConversation = z.infer<typeof syncConversation>;

/** Acknowledgement of `sync`. */
export const syncAck = z.discriminatedUnion('ok', [
  z.object({
    ok: z.literal(true),
    conversations: z.array(syncConversation),
    /** Cursor conversations the caller is not (or no longer) a member of: drop them. */
    gone: z.array(conversationId),
  }),
  failure,
]);
/** The type of {@link syncAck}. */
export type SyncAck = z.infer<typeof syncAck>;

/**
 * `auth:refresh`: hand the socket a fresh access token of the same session before the current
 * one expires; otherwise the server ends the connection at expiry with `session:ended`.
 */
export const authRefreshRequest = z.strictObject({ token: z.string().min(1).max(4096) });
/** The type of {@link authRefreshRequest}. */
export type AuthRefreshRequest = z.infer<typeof authRefreshRequest>;

/** Acknowledgement of `auth:refresh`. */
export const authRefreshAck = z.discriminatedUnion('ok', [
  z.object({ ok: z.literal(true), expiresAt: z.number().int() }),
  failure,
]);
/** The type of {@link authRefreshAck}. */
export type AuthRefreshAck = z.infer<typeof authRefreshAck>;

/** Why the server ended a connection on purpose (sent just before it disconnects). */
export const SESSION_END_REASONS = ['token_expired', 'session_revoked'] as const;
/** Payload of the `session:ended` push. */
export const sessionEnded = z.object({ reason: z.enum(SESSION_END_REASONS) });
/** The type of {@link sessionEnded}. */
export type SessionEnded = z.infer<typeof sessionEnded>;

/** What the handshake's `auth` must hold. */
export interface HandshakeAuth {
  token: string;
}

/** Events a client sends. Every one takes an acknowledgement callback. */
export interface ClientToServerEvents {
  /** Store an encrypted message; idempotent on (sender, `clientMsgId`). */
  send: (request: SendRequest, ack: (response: SendAck) => void) => void;
  /** Fetch the events after each cursor. */
  sync: (request: SyncRequest, ack: (response: SyncAck) => void) => void;
  /** Hand the socket a fresh access token of the same session. */
  'auth:refresh': (request: AuthRefreshRequest, ack: (response: AuthRefreshAck) => void) => void;
}

/** The most events one `events` frame carries. */
export const MAX_EVENTS_PER_FRAME = 100;

/** The payload of `events`: several events of one conversation, in `seq` order. */
export const logEventRun = z
  .array(logEvent)
  .min(2)
  .max(MAX_EVENTS_PER_FRAME)
  .refine(
    (run) =>
      run.every(
        (e, i) =>
          i === 0 || (e.conversationId === run[0]!.conversationId && e.seq > run[i - 1]!.seq),
      ),
    'must be events of one conversation in seq order',
  );

/** Events the server sends. */
export interface ServerToClientEvents {
  /**
   * A new event of a conversation the user is a member of, after it was stored. Events of one
   * conversation arrive in `seq` order per connection, but a client must still detect gaps
   * (`seq > lastSeq + 1`, e.g. after a reconnect) and fill them with `sync`.
   */
  event: (event: LogEvent) => void;
  /**
   * Several new events of one conversation, in `seq` order (2 to {@link MAX_EVENTS_PER_FRAME}),
   * sent instead of as many `event`s when one group commit stored them together: a busy
   * conversation costs each member one frame per commit, not one per message.
   */
  events: (events: LogEvent[]) => void;
  /**
   * The session ended (logout, password change, revocation) or its token expired; the server
   * disconnects right after. Do not reconnect with the same token.
   */
  'session:ended': (info: SessionEnded) => void;
}

/** The names of {@link ClientToServerEvents}, for validation of incoming events. */
export const CLIENT_EVENT_NAMES = [
  'send',
  'sync',
  'auth:refresh',
  'presence:set',
  'presence:query',
  'typing',
  'receipt',
  'receipts:list',
  'settings',
] as const;

// ---------------------------------------------------------------------------------------------
// Presence, typing, receipts and unread counts (DESIGN §8). Ephemeral state (presence, typing)
// is never stored; receipts are cursors in the log's terms (`seq`), stored per member.

/** What a user's presence can be. Several tabs or devices of one user make one presence. */
export const PRESENCE_STATES = ['online', 'away', 'offline'] as const;
/** `'online'`, `'away'` or `'offline'`. */
export type PresenceState = (typeof PRESENCE_STATES)[number];

/**
 * Message content types (`header.ctype`) that count as unread. Edits, reactions and deletions
 * change other messages and never count; membership entries and epochs are not messages.
 */
export const UNREAD_CTYPES = ['text', 'attachment'] as const;

/** Most user ids one `presence:query` may ask about. */
export const MAX_PRESENCE_QUERY = 1000;

const okOnly = z.object({ ok: z.literal(true) });

/** `presence:set`: this connection is `online` (active) or `away` (idle). */
export const presenceSetRequest = z.strictObject({ state: z.enum(['online', 'away']) });
/** The type of {@link presenceSetRequest}. */
export type PresenceSetRequest = z.infer<typeof presenceSetRequest>;
/** Acknowledgement of `presence:set`. */
export const presenceSetAck = z.discriminatedUnion('ok', [okOnly, failure]);
/** The type of {@link presenceSetAck}. */
export type PresenceSetAck = z.infer<typeof presenceSetAck>;

/** One user's presence as others see it. */
export const presenceInfo = z.object({
  userId,
  state: z.enum(PRESENCE_STATES),
  /** When the user was last connected (ms since the epoch), for `offline`; else `null`. */
  lastSeenAt: z.number().int().min(0).nullable(),
});
/** A user's presence: `{ userId, state, lastSeenAt }`. */
export type PresenceInfo = z.infer<typeof presenceInfo>;

/**
 * `presence:query`: the presence of users who share a conversation with the caller. Anyone
 * else (strangers, unknown ids) is left out of the answer, exactly like a user who hides.
 */
export const presenceQueryRequest = z.strictObject({
  userIds: z.array(userId).max(MAX_PRESENCE_QUERY),
});
/** The type of {@link presenceQueryRequest}. */
export type PresenceQueryRequest = z.infer<typeof presenceQueryRequest>;
/** Acknowledgement of `presence:query`. */
export const presenceQueryAck = z.discriminatedUnion('ok', [
  z.object({ ok: z.literal(true), presence: z.array(presenceInfo) }),
  failure,
]);
/** The type of {@link presenceQueryAck}. */
export type PresenceQueryAck = z.infer<typeof presenceQueryAck>;

/**
 * `typing`: the caller started (`true`) or stopped (`false`) typing in a conversation. The
 * server forwards it to the other members and ends it by itself a few seconds after the last
 * `true` (clients refresh it while typing, at most every couple of seconds). Never stored.
 */
export const typingRequest = z.strictObject({ conversationId, typing: z.boolean() });
/** The type of {@link typingRequest}. */
export type TypingRequest = z.infer<typeof typingRequest>;
/** Acknowledgement of `typing`. */
export const typingAck = z.discriminatedUnion('ok', [okOnly, failure]);
/** The type of {@link typingAck}. */
export type TypingAck = z.infer<typeof typingAck>;

/** The two receipt cursors: `delivered` (a device stored the events) and `read`. */
export const RECEIPT_TYPES = ['delivered', 'read'] as const;
/** `'delivered'` or `'read'`. */
export type ReceiptType = (typeof RECEIPT_TYPES)[number];

/**
 * `receipt`: move the caller's `delivered` or `read` cursor in a conversation up to `seq`
 * (clamped to the log's head). Cursors only move forward: a lower `seq` changes nothing. A
 * `read` receipt also moves `delivered`.
 */
export const receiptRequest = z.strictObject({
  conversationId,
  type: z.enum(RECEIPT_TYPES),
  seq: z.number().int().min(0),
});
/** The type of {@link receiptRequest}. */
export type ReceiptRequest = z.infer<typeof receiptRequest>;
/** Acknowledgement of `receipt`: the caller's cursors and unread count after it. */
export const receiptAck = z.discriminatedUnion('ok', [
  z.object({
    ok: z.literal(true),
    /** The caller's cursors after the call. */
    readSeq: z.number().int().min(0),
    deliveredSeq: z.number().int().min(0),
    /** The caller's unread count in the conversation after the call. */
    unread: z.number().int().min(0),
    /** The log's head the count was computed at. */
    lastSeq: z.number().int().min(0),
  }),
  failure,
]);
/** The type of {@link receiptAck}. */
export type ReceiptAck = z.infer<typeof receiptAck>;

/** One member's cursors. `readSeq` is `null` when either side turned read receipts off. */
export const memberReceipt = z.object({
  userId,
  deliveredSeq: z.number().int().min(0),
  readSeq: z.number().int().min(0).nullable(),
});
/** One member's cursors in a conversation; `readSeq` is `null` when they do not share read receipts. */
export type MemberReceipt = z.infer<typeof memberReceipt>;

/** `receipts:list`: every member's cursors in one conversation (members only). */
export const receiptsListRequest = z.strictObject({ conversationId });
/** The type of {@link receiptsListRequest}. */
export type ReceiptsListRequest = z.infer<typeof receiptsListRequest>;
/** Acknowledgement of `receipts:list`. */
export const receiptsListAck = z.discriminatedUnion('ok', [
  z.object({ ok: z.literal(true), receipts: z.array(memberReceipt) }),
  failure,
]);
/** The type of {@link receiptsListAck}. */
export type ReceiptsListAck = z.infer<typeof receiptsListAck>;

/** The caller's realtime privacy settings; stored on the server, shared by all devices. */
export const realtimeSettings = z.object({
  /** Appear offline to everyone (and never reveal last seen). Default `false`. */
  hidePresence: z.boolean(),
  /** Send and see read receipts (Zulip's rule: off means neither). Default `true`. */
  readReceipts: z.boolean(),
});
/** The account's privacy settings for presence and read receipts. */
export type RealtimeSettings = z.infer<typeof realtimeSettings>;

/** `settings`: change some settings (an empty object just reads them). */
export const settingsRequest = z.strictObject({
  hidePresence: z.boolean().optional(),
  readReceipts: z.boolean().optional(),
});
/** The type of {@link settingsRequest}. */
export type SettingsRequest = z.infer<typeof settingsRequest>;
/** Acknowledgement of `settings`: the settings now in force. */
export const settingsAck = z.discriminatedUnion('ok', [
  z.object({ ok: z.literal(true), settings: realtimeSettings }),
  failure,
]);
/** The type of {@link settingsAck}. */
export type SettingsAck = z.infer<typeof settingsAck>;

/** Push `typing`: another member is (or stopped) typing. */
export const typingEvent = z.object({ conversationId, userId, typing: z.boolean() });
/** Payload of the `typing` push: `{ conversationId, userId, typing }`. */
export type TypingEvent = z.infer<typeof typingEvent>;

/** Push `receipt`: a member's cursor moved (read receipts only reach those who share them). */
export const receiptEvent = z.object({
  conversationId,
  userId,
  type: z.enum(RECEIPT_TYPES),
  seq: z.number().int().min(0),
});
/** Payload of the `receipt` push: `{ conversationId, userId, type, seq }`. */
export type ReceiptEvent = z.infer<typeof receiptEvent>;

/**
 * Push `unread`: the user's unread count in one conversation, computed by the server. It is a
 * function of the log's head and the user's read cursor, both of which only grow: a client
 * keeps the push with the largest `lastSeq` and `readSeq` and ignores older ones.
 */
export const unreadEvent = z.object({
  conversationId,
  count: z.number().int().min(0),
  readSeq: z.number().int().min(0),
  lastSeq: z.number().int().min(0),
});
/** The type of {@link unreadEvent}. */
export type UnreadEvent = z.infer<typeof unreadEvent>;

/** Client events of presence, typing, receipts and settings (merged into the map above). */
export interface ClientToServerEvents {
  /** This connection is active (`online`) or idle (`away`). */
  'presence:set': (request: PresenceSetRequest, ack: (response: PresenceSetAck) => void) => void;
  /** The presence of users who share a conversation with the caller. */
  'presence:query': (
    request: PresenceQueryRequest,
    ack: (response: PresenceQueryAck) => void,
  ) => void;
  /** The caller started or stopped typing. */
  typing: (request: TypingRequest, ack: (response: TypingAck) => void) => void;
  /** Move the caller's delivered or read cursor forward. */
  receipt: (request: ReceiptRequest, ack: (response: ReceiptAck) => void) => void;
  /** Every member's cursors in a conversation. */
  'receipts:list': (request: ReceiptsListRequest, ack: (response: ReceiptsListAck) => void) => void;
  /** Change (or, with `{}`, read) the caller's presence and receipt settings. */
  settings: (request: SettingsRequest, ack: (response: SettingsAck) => void) => void;
}

/** Server pushes of presence, typing, receipts, unread counts and settings. */
export interface ServerToClientEvents {
  /** A user who shares a conversation with you changed presence. */
  presence: (info: PresenceInfo) => void;
  /** Another member started or stopped typing. */
  typing: (event: TypingEvent) => void;
  /** A member's delivery or read cursor moved. */
  receipt: (event: ReceiptEvent) => void;
  /** Your unread count in a conversation may have changed. */
  unread: (event: UnreadEvent) => void;
  /** Your settings changed (from another tab or device). */
  settings: (settings: RealtimeSettings) => void;
}
