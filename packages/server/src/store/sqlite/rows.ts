import type { KdfParams } from '@parley/sdk/protocol';
import type { KaKeyRecord, SessionRecord, UserRecord } from '../store.js';

/** A `users` row as better-sqlite3 returns it. */
export interface UserRow {
  id: string;
  username: string;
  display_name: string;
  kdf_json: string;
  auth_hash: string;
  wrapped_account_key: Buffer;
  enc_bundle: Buffer;
  identity_key: Buffer;
  created_at: number;
  updated_at: number;
}

/** A `ka_keys` row. */
export interface KaKeyRow {
  ka_id: Buffer;
  pub: Buffer;
  not_before: number;
  not_after: number;
  sig: Buffer;
}

/** A `sessions` row. */
export interface SessionRow {
  id: string;
  user_id: string;
  generation: number;
  created_at: number;
  last_used_at: number;
  expires_at: number;
  user_agent: string | null;
}

/**
 * Copies a driver `Buffer` into a plain `Uint8Array`: callers compare and zero bytes, and a
 * Buffer may be a view into a shared pool.
 */
export function bytes(buffer: Buffer): Uint8Array {
  return Uint8Array.from(buffer);
}

/** Maps a `users` row to the store's record. */
export function toUser(row: UserRow): UserRecord {
  return {
    id: row.id,
    username: row.username,
    displayName: row.display_name,
    kdf: JSON.parse(row.kdf_json) as KdfParams,
    authHash: row.auth_hash,
    wrappedAccountKey: bytes(row.wrapped_account_key),
    encBundle: bytes(row.enc_bundle),
    identityKey: bytes(row.identity_key),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/** Maps a `ka_keys` row to the store's record. */
export function toKaKey(row: KaKeyRow): KaKeyRecord {
  return {
    kaId: bytes(row.ka_id),
    pub: bytes(row.pub),
    notBefore: row.not_before,
    notAfter: row.not_after,
    sig: bytes(row.sig),
  };
}

/** Maps a `sessions` row to the store's record. */
export function toSession(row: SessionRow): SessionRecord {
  return {
    id: row.id,
    userId: row.user_id,
    generation: row.generation,
    createdAt: row.created_at,
    lastUsedAt: row.last_used_at,
    expiresAt: row.expires_at,
    userAgent: row.user_agent,
  };
}

/**
 * Serialises KDF parameters with a fixed key order, so the stored text does not depend on how
 * the caller happened to build the object.
 */
export function kdfJson(kdf: KdfParams): string {
  return JSON.stringify({ alg: kdf.alg, m: kdf.m, t: kdf.t, p: kdf.p, salt: kdf.salt });
}
