import { z } from 'zod';
import { conversationId, logEvent, messageId, wireMessage } from './conversations.js';
import type { LogEvent } from './conversations.js';
import { ERROR_CODES } from './errors.js';

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
export type AckError = z.infer<typeof ackError>;

const failure = z.object({ ok: z.literal(false), error: ackError });
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
});
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
export type SendAck = z.infer<typeof sendAck>;

/** Where the client is in one conversation's log. */
export const syncCursor = z.strictObject({
  conversationId,
  afterSeq: z.number().int().min(0),
});
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
export type SyncRequest = z.infer<typeof syncRequest>;

/** One conversation's part of a `sync` answer. */
export const syncConversation = z.object({
  conversationId,
  /** Events after the cursor, ascending, contiguous. */
  events: z.array(logEvent),
  /** More events follow the last one: sync again from its `seq`. */
  hasMore: z.boolean(),
  /** The newest `seq` of the log at the time of the answer. */
  lastSeq: z.number().int().min(0),
});
export type SyncConversation = z.infer<typeof syncConversation>;

export const syncAck = z.discriminatedUnion('ok', [
  z.object({
    ok: z.literal(true),
    conversations: z.array(syncConversation),
    /** Cursor conversations the caller is not (or no longer) a member of: drop them. */
    gone: z.array(conversationId),
  }),
  failure,
]);
export type SyncAck = z.infer<typeof syncAck>;

/**
 * `auth:refresh`: hand the socket a fresh access token of the same session before the current
 * one expires; otherwise the server ends the connection at expiry with `session:ended`.
 */
export const authRefreshRequest = z.strictObject({ token: z.string().min(1).max(4096) });
export type AuthRefreshRequest = z.infer<typeof authRefreshRequest>;

export const authRefreshAck = z.discriminatedUnion('ok', [
  z.object({ ok: z.literal(true), expiresAt: z.number().int() }),
  failure,
]);
export type AuthRefreshAck = z.infer<typeof authRefreshAck>;

/** Why the server ended a connection on purpose (sent just before it disconnects). */
export const SESSION_END_REASONS = ['token_expired', 'session_revoked'] as const;
export const sessionEnded = z.object({ reason: z.enum(SESSION_END_REASONS) });
export type SessionEnded = z.infer<typeof sessionEnded>;

/** What the handshake's `auth` must hold. */
export interface HandshakeAuth {
  token: string;
}

/** Events a client sends. Every one takes an acknowledgement callback. */
export interface ClientToServerEvents {
  send: (request: SendRequest, ack: (response: SendAck) => void) => void;
  sync: (request: SyncRequest, ack: (response: SyncAck) => void) => void;
  'auth:refresh': (request: AuthRefreshRequest, ack: (response: AuthRefreshAck) => void) => void;
}

/** Events the server sends. */
export interface ServerToClientEvents {
  /**
   * A new event of a conversation the user is a member of, after it was stored. Events of one
   * conversation arrive in `seq` order per connection, but a client must still detect gaps
   * (`seq > lastSeq + 1`, e.g. after a reconnect) and fill them with `sync`.
   */
  event: (event: LogEvent) => void;
  /**
   * The session ended (logout, password change, revocation) or its token expired; the server
   * disconnects right after. Do not reconnect with the same token.
   */
  'session:ended': (info: SessionEnded) => void;
}

/** The names of {@link ClientToServerEvents}, for validation of incoming events. */
export const CLIENT_EVENT_NAMES = ['send', 'sync', 'auth:refresh'] as const;
