import type { ChatError } from './errors.js';
import type { KdfWorkerOption } from './auth/kdf-runner.js';
import type { Timers } from './auth/timers.js';
import type { Conversation } from './conversations/conversation.js';
import type { Attachment } from './files/attachment.js';
import type { DecryptFailureReason } from './crypto/decrypt-result.js';
import type { CryptoProvider } from './crypto/provider.js';
import type { ErrorCode } from './protocol/errors.js';
import type { PresenceInfo, ReceiptEvent, TypingEvent } from './protocol/realtime.js';
import type { LocalStore } from './store/local-store.js';
import type { BackoffOptions } from './transport/backoff.js';
import type { ConnectionState } from './transport/connection.js';
import type { SocketFactory } from './transport/socket-factory.js';

/** The signed-in user, as `client.me` returns it. */
export interface CurrentUser {
  /** Stable user id (16 random bytes, base64url). */
  readonly id: string;
  /** Lower-case username. */
  readonly username: string;
  /** Name to show; the username when none was chosen. */
  readonly displayName: string;
}

/**
 * Payload of the `session` event: `'signed-in'` after register, login or resume;
 * `'signed-out'` after logout, logout everywhere, revoking the current session or deleting
 * the account; `'expired'` when the server ended the session (revoked elsewhere, password
 * changed on another device, refresh token reused or expired).
 */
export type SessionState = 'signed-in' | 'signed-out' | 'expired';

/**
 * Where a message is: `pending` (in the outbox, not yet acknowledged), `sent` (stored by the
 * server, with its `seq`), `failed` (refused for good; `conversation.retry(id)` tries again),
 * `undecryptable` (received but could not be verified or decrypted; `reason` says why).
 * `delivered` and `read` come with receipts.
 */
export type MessageStatus = 'pending' | 'sent' | 'failed' | 'undecryptable';

/** A message of a conversation, decrypted. Immutable: a change produces a new object. */
export interface Message {
  /**
   * The message id (`header.msgId`). An own message that has not been encrypted yet (queued
   * while offline) carries its `clientMsgId` here until it is.
   */
  readonly id: string;
  /** The outbox id of a message sent from this client, else `null`. Stable from creation on. */
  readonly clientMsgId: string | null;
  readonly conversationId: string;
  /** The sender's user id. */
  readonly sender: string;
  /** The text; empty for an undecryptable message. */
  readonly text: string;
  /**
   * Files attached (name, type, size, and the key and hash from inside the encrypted
   * message); `attachment.download()` fetches, decrypts and verifies one.
   */
  readonly attachments: readonly Attachment[];
  /** Server time of storage in epoch ms; for a message not yet stored, when it was written. */
  readonly ts: number;
  /** Position in the conversation's log; `null` until the server stored it. */
  readonly seq: number | null;
  readonly status: MessageStatus;
  /** Why an `undecryptable` message could not be read. */
  readonly reason?: DecryptFailureReason;
  /** Why a `failed` message was refused. */
  readonly error?: ErrorCode;
}

/**
 * Payload of `identity-changed`: a contact's identity key is not the one pinned for them.
 * Nothing is sealed to the new key until `client.acceptIdentity(userId)`.
 */
export interface IdentityChange {
  readonly userId: string;
  /** The user's name, when the client knows it. */
  readonly username: string | null;
  /** The pinned key (base64url). */
  readonly previousKey: string;
  /** The key now presented (base64url). */
  readonly newKey: string;
  /** Whether the old key had been verified by comparing safety numbers. */
  readonly previouslyVerified: boolean;
  /** Where the new key was seen: the key directory, or a signed membership log. */
  readonly source: 'directory' | 'membership';
}

/** Events of a `ChatClient`, by name → payload. */
export interface ChatClientEvents {
  session: SessionState;
  /** Progress of the password derivation (Argon2id), from 0 to 1. */
  'kdf-progress': number;
  /** A background failure nobody awaited (a refresh that will be retried, a listener bug). */
  error: ChatError;
  /** The realtime connection's state. */
  connection: ConnectionState;
  /** A message appeared in a conversation (received, or written here and queued). */
  message: Message;
  /** A message changed: sent, failed, or replaced by its stored version. */
  'message-updated': Message;
  /** A conversation appeared (created, or the user was added) or its members or title changed. */
  conversation: Conversation;
  /** A contact's identity key changed; see {@link IdentityChange}. */
  'identity-changed': IdentityChange;
  /** Someone who shares a conversation with you went online, away or offline. */
  presence: PresenceInfo;
  /** Someone started or stopped typing in one of your conversations. */
  typing: TypingEvent;
  /** A member's delivery or read cursor moved (read ones only if both sides share them). */
  receipt: ReceiptEvent;
  /** Your unread count in a conversation changed; `total` is over all your conversations. */
  unread: UnreadChange;
}

/** Payload of `unread`. */
export interface UnreadChange {
  readonly conversationId: string;
  /** Unread messages in the conversation (the server's count). */
  readonly count: number;
  /** Unread messages over all the user's conversations. */
  readonly total: number;
}

/** Presence options of `new ChatClient(...)`. */
export interface PresenceOptions {
  /**
   * Appear offline (with no last-seen time) to everyone. Unset keeps the account's setting
   * (stored on the server, shared by all devices); `client.setPrivacy()` changes it later.
   */
  hidden?: boolean;
  /** Report `away` while the page is hidden (browsers only). Default `true`. */
  autoAway?: boolean;
}

/** Argon2id cost for new accounts and password changes. Each defaults as documented. */
export interface KdfOptions {
  /** Memory in KiB. Default 65 536 (64 MiB); floor 19 456. */
  m?: number;
  /** Iterations. Default 3; floor 2. */
  t?: number;
  /** Parallelism. Default 1. */
  p?: number;
}

/** Options of `new ChatClient(...)`. */
export interface ChatClientOptions {
  /** Origin of the Parley server, e.g. `https://chat.example.com`. Required. */
  serverUrl: string;
  /**
   * Where the session (and later the outbox and caches) persist. Default: IndexedDB in
   * browsers, memory in Node (pass `new FileStore(dir)` to persist there). One store per
   * signed-in client: two clients sharing one store share one session.
   */
  storage?: LocalStore;
  /** The `fetch` to use. Default: the global `fetch`. */
  fetch?: typeof fetch;
  /** Clock in epoch milliseconds. Default `Date.now`. */
  now?: () => number;
  /** Timer functions for token refresh. Default: the host's `setTimeout`/`clearTimeout`. */
  timers?: Timers;
  /** The crypto backend. Default: WebCrypto where it passes a self-test, otherwise noble. */
  crypto?: CryptoProvider;
  /** Argon2id cost for new accounts and password changes. Default m=65536, t=3, p=1. */
  kdf?: KdfOptions;
  /** Where Argon2id runs: see `KdfWorkerOption`. Default `'auto'` (a Web Worker in browsers). */
  kdfWorker?: KdfWorkerOption;
  /**
   * Keep the session (refresh token and account key) in `storage` so `resume()` works after a
   * reload without the password. Default `true`. See `StoredSession` for the trade-off.
   */
  persistSession?: boolean;
  /**
   * Open the realtime socket as soon as the user is signed in. With `false` nothing is sent or
   * received live until `client.connect()` (conversations still load over REST, and sends wait
   * in the outbox). Default `true`.
   */
  autoConnect?: boolean;
  /** Opens the realtime socket. Default: socket.io-client's `io`. */
  socketFactory?: SocketFactory;
  /** Reconnect backoff of the realtime socket. Default 500 ms doubling to 30 s, with jitter. */
  reconnect?: BackoffOptions;
  /** How long to wait for the server to acknowledge a socket event. Default 15 000 ms. */
  ackTimeoutMs?: number;
  /** Presence: hide it, automatic away. See {@link PresenceOptions}. */
  presence?: PresenceOptions;
  /**
   * Share read receipts (and see others'). `false` turns them off for the account: the
   * user sends none and sees none. Unset keeps the account's setting (default on).
   */
  readReceipts?: boolean;
  /**
   * Decrypted messages kept per conversation in `storage` (encrypted at rest), so a reload
   * shows recent history at once. Default 200; 0 keeps none.
   */
  cachedMessages?: number;
  /**
   * Index decrypted messages for `client.search()`, in memory (about 1.4 KB per message) and
   * in `storage` (encrypted). `false` (e.g. for a bot that reads a stream of messages) indexes
   * nothing, deletes an index left from before, and makes `search()` fail with `unavailable`.
   * Default `true`.
   */
  search?: boolean;
}

/** Arguments of `conversations.create()`. */
export interface CreateConversationInput {
  /** Group title, 1–128 characters. Titles are metadata the server can read. */
  title: string;
  /** Members besides yourself, by username or user id. */
  members: readonly string[];
  /** Signed into the conversation at creation; each defaults as documented. */
  settings?: ConversationOptions;
}

/** Rotation settings fixed when a conversation is created. */
export interface ConversationOptions {
  /** Start a new epoch key after this many messages. Default 1000. */
  rotateAfterMsgs?: number;
  /** Start a new epoch key once the current one is this old, in ms. Default 7 days. */
  rotateAfterMs?: number;
}

/** Reports Argon2id progress (0…1) for one call. */
export type ProgressCallback = (fraction: number) => void;

/** Arguments of `register()`. */
export interface RegisterInput {
  /** 3–32 characters: a-z, 0-9, `_`, `.`, `-`; trimmed and lower-cased first. */
  username: string;
  password: string;
  /** 1–64 characters; the server shows the username when absent. */
  displayName?: string;
  onProgress?: ProgressCallback;
}

/** Arguments of `login()`. */
export interface LoginInput {
  username: string;
  password: string;
  onProgress?: ProgressCallback;
}

/** Arguments of `changePassword()`. */
export interface ChangePasswordInput {
  currentPassword: string;
  newPassword: string;
  /** Covers both derivations (current, then new): 0…0.5, then 0.5…1. */
  onProgress?: ProgressCallback;
}

/** Arguments of `deleteAccount()`. */
export interface DeleteAccountInput {
  password: string;
  onProgress?: ProgressCallback;
}
