/**
 * @parley/sdk — the Parley client: accounts, sessions and (as they land) end-to-end-encrypted
 * conversations, for browsers and Node 20. Exports are listed by name.
 */
export { ChatClient } from './client.js';
export { ChatError } from './errors.js';
export type { ChatErrorOptions } from './errors.js';
export { Emitter } from './emitter.js';
export type { EmitterOptions, Listener } from './emitter.js';
export type {
  ChangePasswordInput,
  ChatClientEvents,
  ChatClientOptions,
  ConversationOptions,
  CreateConversationInput,
  CurrentUser,
  DeleteAccountInput,
  IdentityChange,
  KdfOptions,
  LoginInput,
  Message,
  MessageStatus,
  PresenceOptions,
  ProgressCallback,
  RegisterInput,
  SessionState,
  UnreadChange,
} from './types.js';
export type { DeliveryState, MessageReceipts } from './realtime/delivery-state.js';
export type {
  MemberReceipt,
  PresenceInfo,
  PresenceState,
  RealtimeSettings,
  ReceiptEvent,
  ReceiptType,
  TypingEvent,
} from './protocol/realtime.js';
export { Conversation } from './conversations/conversation.js';
export type { ConversationMember } from './conversations/conversation.js';
export { Conversations } from './conversations/conversations-api.js';
export { Attachment } from './files/attachment.js';
export type { AttachmentData, AttachmentThumbnailData } from './files/attachment.js';
export type { DownloadOptions } from './files/download.js';
export type { FileInput } from './files/file-source.js';
export type { SendFileOptions } from './files/send-file.js';
export type { ThumbnailImage } from './files/thumbnail.js';
export type { UploadProgress } from './files/upload.js';
export { Users } from './directory/users.js';
export type { UserKeysInfo } from './directory/users.js';
export type { TrustStatus } from './directory/trust-manager.js';
export type { BackoffOptions } from './transport/backoff.js';
export type { ConnectionState } from './transport/connection.js';
export type {
  ParleySocket,
  SocketFactory,
  SocketFactoryOptions,
} from './transport/socket-factory.js';
export { LOCAL_STORE_LABEL } from './sync/encrypted-store.js';
export type { SearchOptions, SearchResult } from './search/search-types.js';
export type { KdfWorker, KdfWorkerOption } from './auth/kdf-runner.js';
export type { StoredSession } from './auth/stored-session.js';
export { SESSION_KEY } from './auth/stored-session.js';
export type { Timers } from './auth/timers.js';
export { FileStore } from './store/file-store.js';
export type { FileStoreOptions } from './store/file-store.js';
export { IndexedDbStore } from './store/indexeddb-store.js';
export type { IndexedDbStoreOptions } from './store/indexeddb-store.js';
export type { JsonValue, LocalStore } from './store/local-store.js';
export { MemoryStore } from './store/memory-store.js';
export { ERROR_CODES } from './protocol/index.js';
export type { ConversationKind, ErrorCode, PublicUser, SessionInfo } from './protocol/index.js';
