import type { KdfParams } from '@parley/sdk/protocol';
import type { ConversationStore } from './conversation-store.js';
import type { ReceiptStore } from './receipt-store.js';
import type { FileStore } from './file-store.js';
import type { RetentionStore } from './retention-store.js';

/**
 * The server's persistence boundary. Every method is async so that a networked database
 * (PostgreSQL) can implement the same interface as the embedded SQLite store, and both run the
 * shared contract suite in `contract.ts`.
 *
 * What may be stored is fixed by DESIGN §6: usernames, KDF parameters, argon2id(authKey) as a
 * PHC string, the wrapped account key, the encrypted key bundle, public keys and *hashes* of
 * refresh tokens. Never the authKey, a raw refresh token or any private key in the clear.
 *
 * Times are epoch milliseconds and are always passed in by the caller (the server's clock is
 * injectable), so a store never reads the wall clock itself.
 */
export interface Store extends ConversationStore, FileStore, ReceiptStore, RetentionStore {
  /**
   * True when `appendMessages` commits on the event loop, fsync included (SQLite without its
   * writer thread): the send pipeline then spaces its group commits so that a slow disk cannot
   * take the whole loop. Unset for stores whose commits wait elsewhere.
   */
  readonly commitsOnEventLoop?: boolean;
  /**
   * Creates a user together with their first key-agreement key, atomically.
   * @throws {StoreConflictError} `user_id` when the id is taken, `username` when the name is.
   */
  createUser(user: NewUser): Promise<void>;
  /** The user with this id, or `undefined`. */
  findUserById(id: string): Promise<UserRecord | undefined>;
  /** The user with this (already normalised) username, or `undefined`. */
  findUserByUsername(username: string): Promise<UserRecord | undefined>;
  /**
   * Replaces the password material (KDF parameters, auth hash, wrapped account key) and deletes
   * every session of the user except `keepSessionId`, in one transaction. It is a
   * compare-and-set on `expectedAuthHash`, so two concurrent changes that both verified the
   * old key cannot both win.
   * @returns The ids of the deleted sessions, or `undefined` when the user is gone or the hash
   *   no longer matches.
   */
  replacePasswordMaterial(
    userId: string,
    update: PasswordMaterialUpdate,
  ): Promise<string[] | undefined>;
  /**
   * Replaces only the auth hash (a rehash with stronger parameters after a successful login),
   * compare-and-set on `expectedAuthHash`.
   * @returns Whether the row was updated.
   */
  updateAuthHash(
    userId: string,
    expectedAuthHash: string,
    authHash: string,
    now: number,
  ): Promise<boolean>;
  /** Replaces the encrypted key bundle. @returns Whether the user exists. */
  updateBundle(userId: string, encBundle: Uint8Array, now: number): Promise<boolean>;
  /** Deletes the user with their keys and sessions. @returns Whether the user existed. */
  deleteUser(userId: string): Promise<boolean>;

  /**
   * Adds a key-agreement public key.
   * @throws {StoreConflictError} `ka_key` when the user already has a key with this id.
   */
  addKaKey(userId: string, key: KaKeyRecord): Promise<void>;
  /** The user's key-agreement keys, oldest `notBefore` first. */
  listKaKeys(userId: string): Promise<KaKeyRecord[]>;

  /** Creates a session (a refresh-token family) with its first refresh-token hash. */
  createSession(session: NewSession): Promise<void>;
  /** The session with this id, or `undefined` (revoked sessions are deleted). */
  findSession(id: string): Promise<SessionRecord | undefined>;
  /**
   * The session that issued this refresh-token hash, at any generation, or `undefined`. A
   * read-only peek (to rate-limit per account before rotating); only
   * {@link Store.rotateRefreshToken} decides whether the token is still current.
   */
  findSessionByRefreshToken(tokenHash: Uint8Array): Promise<SessionRecord | undefined>;
  /**
   * Atomically exchanges a refresh-token hash for the next one in its family.
   *
   * - the current token of a live session: stores `newTokenHash` as the next generation and
   *   slides `expiresAt` → `rotated`;
   * - an earlier generation of a live family (a stolen or replayed token): deletes the whole
   *   family → `reuse_detected`;
   * - the current token of an expired session: deletes it → `expired`;
   * - anything else → `not_found`.
   */
  rotateRefreshToken(rotation: RefreshRotation): Promise<RotateResult>;
  /** The user's sessions, most recently used first. */
  listSessions(userId: string): Promise<SessionRecord[]>;
  /** Records activity on a session (`lastUsedAt`). */
  touchSession(id: string, now: number): Promise<void>;
  /**
   * Deletes one session, only if it belongs to `userId` (so nobody can revoke another user's).
   * @returns Whether a session was deleted.
   */
  revokeSession(userId: string, sessionId: string): Promise<boolean>;
  /** Deletes every session of the user. @returns The deleted ids. */
  revokeAllSessions(userId: string): Promise<string[]>;
  /** Deletes every session of the user but `keepSessionId`. @returns The deleted ids. */
  revokeOtherSessions(userId: string, keepSessionId: string): Promise<string[]>;
  /** Deletes sessions whose refresh token expired before `now`. @returns How many. */
  purgeExpiredSessions(now: number): Promise<number>;

  /**
   * Returns the named server secret, creating it from `size` random bytes on first use. Safe
   * under concurrency (several processes on one database): the first writer wins and everyone
   * reads the same value.
   */
  getOrCreateSecret(name: string, size: number): Promise<Uint8Array>;

  /** Releases the database. Idempotent. */
  close(): Promise<void>;
}

/** A stored account. Binary fields are raw bytes; the API layer does base64url. */
export interface UserRecord {
  /** Client-chosen, 16 random bytes as unpadded base64url. */
  id: string;
  username: string;
  displayName: string;
  kdf: KdfParams;
  /** argon2id(authKey) as a PHC string. */
  authHash: string;
  wrappedAccountKey: Uint8Array;
  encBundle: Uint8Array;
  /** Ed25519 identity public key. */
  identityKey: Uint8Array;
  createdAt: number;
  updatedAt: number;
}

/** A key-agreement (X25519) public key with its identity-key signature. */
export interface KaKeyRecord {
  kaId: Uint8Array;
  pub: Uint8Array;
  notBefore: number;
  notAfter: number;
  sig: Uint8Array;
}

/** Input of {@link Store.createUser}. */
export interface NewUser extends Omit<UserRecord, 'updatedAt'> {
  firstKaKey: KaKeyRecord;
}

/** Input of {@link Store.replacePasswordMaterial}. */
export interface PasswordMaterialUpdate {
  expectedAuthHash: string;
  kdf: KdfParams;
  authHash: string;
  wrappedAccountKey: Uint8Array;
  /** The session that made the change; every other session is deleted. */
  keepSessionId: string;
  now: number;
}

/** A session: one refresh-token family, i.e. one signed-in client. */
export interface SessionRecord {
  id: string;
  userId: string;
  /** Rotations so far; the current refresh token has this generation. */
  generation: number;
  createdAt: number;
  lastUsedAt: number;
  /** When the current refresh token stops working. */
  expiresAt: number;
  userAgent: string | null;
}

/** Input of {@link Store.createSession}. */
export interface NewSession {
  id: string;
  userId: string;
  /** SHA-256 of the first refresh token. */
  tokenHash: Uint8Array;
  createdAt: number;
  expiresAt: number;
  userAgent: string | null;
}

/** Input of {@link Store.rotateRefreshToken}. */
export interface RefreshRotation {
  tokenHash: Uint8Array;
  newTokenHash: Uint8Array;
  now: number;
  /** Expiry of the new refresh token. */
  expiresAt: number;
}

/** Outcome of {@link Store.rotateRefreshToken}; `session` is the state after the call. */
export type RotateResult =
  | { status: 'rotated'; session: SessionRecord }
  | { status: 'reuse_detected'; session: SessionRecord }
  | { status: 'expired'; session: SessionRecord }
  | { status: 'not_found' };
