import { assertBytes, fromB64u, toB64u } from './encoding.js';
import { CryptoError } from './errors.js';

/**
 * What the local user knows about one contact's identity key. Plain JSON-compatible data (keys
 * as base64url strings) so the store serialises inside the encrypted key bundle and follows the
 * user to every browser.
 */
export interface TrustEntry {
  /** The pinned Ed25519 identity public key, base64url. */
  identityKey: string;
  /** When this key was first seen (epoch ms). */
  firstSeen: number;
  /** True once the user compared safety numbers for this key. */
  verified: boolean;
  /** Keys pinned before this one, oldest first (kept so the UI can show the history). */
  previous?: Array<{
    identityKey: string;
    firstSeen: number;
    replacedAt: number;
    verified: boolean;
  }>;
}

/** The trust store: user id → pinned identity key. */
export interface TrustStoreData {
  v: 1;
  entries: Record<string, TrustEntry>;
}

/** Result of {@link checkIdentity}. */
export interface IdentityCheck {
  /**
   * `'new'`: first sight, now pinned. `'trusted'`: matches the pin. `'changed'`: differs from the
   * pin; nothing may be sealed to the new key until {@link acceptIdentity}.
   */
  status: 'new' | 'trusted' | 'changed';
  /** The store after the check (a new object when a key was pinned; never mutated in place). */
  store: TrustStoreData;
  /** The current pin (for `'changed'`, the old key the user had trusted). */
  entry: TrustEntry;
}

/** An empty trust store. */
export function createTrustStore(): TrustStoreData {
  return { v: 1, entries: {} };
}

/**
 * Trust on first use: pins an unknown user's identity key, confirms a known one, and reports a
 * changed one without trusting it.
 *
 * @param store - The current store (not modified).
 * @param userId - Whose key this is.
 * @param identityKey - The 32-byte Ed25519 key the directory returned.
 * @param now - Clock (epoch ms), recorded as `firstSeen` of a new pin.
 */
export function checkIdentity(
  store: TrustStoreData,
  userId: string,
  identityKey: Uint8Array,
  now: number,
): IdentityCheck {
  const key = encodeKey(identityKey);
  const entry = getEntry(store, userId);
  if (entry === undefined) {
    const pinned: TrustEntry = { identityKey: key, firstSeen: now, verified: false };
    return { status: 'new', store: withEntry(store, userId, pinned), entry: pinned };
  }
  return { status: entry.identityKey === key ? 'trusted' : 'changed', store, entry };
}

/**
 * Accepts a changed identity key: it becomes the pin, unverified, and the old one moves to
 * `previous`. The caller must only do this on an explicit user action (and, when the old key was
 * `verified`, after showing that a verified contact's key changed).
 *
 * @returns The new store.
 */
export function acceptIdentity(
  store: TrustStoreData,
  userId: string,
  identityKey: Uint8Array,
  now: number,
): TrustStoreData {
  const key = encodeKey(identityKey);
  const old = getEntry(store, userId);
  if (old?.identityKey === key) return store;
  const previous = old
    ? [
        ...(old.previous ?? []),
        {
          identityKey: old.identityKey,
          firstSeen: old.firstSeen,
          replacedAt: now,
          verified: old.verified,
        },
      ]
    : undefined;
  const entry: TrustEntry = { identityKey: key, firstSeen: now, verified: false };
  if (previous !== undefined) entry.previous = previous;
  return withEntry(store, userId, entry);
}

/**
 * Marks the pinned key as verified (the user compared safety numbers).
 *
 * @param identityKey - The key the safety number was computed from; must equal the pin, so a
 *   key that changed between display and confirmation is never marked verified.
 * @throws CryptoError `identity_untrusted` if it does not match the pin (or nothing is pinned).
 */
export function markVerified(
  store: TrustStoreData,
  userId: string,
  identityKey: Uint8Array,
): TrustStoreData {
  const entry = getEntry(store, userId);
  if (entry === undefined || entry.identityKey !== encodeKey(identityKey)) {
    throw new CryptoError('identity_untrusted', 'key to verify is not the pinned key');
  }
  if (entry.verified) return store;
  return withEntry(store, userId, { ...entry, verified: true });
}

/**
 * True only if `identityKey` is the pinned key of `userId`: the gate before sealing anything to
 * that user.
 */
export function isTrusted(store: TrustStoreData, userId: string, identityKey: Uint8Array): boolean {
  return getEntry(store, userId)?.identityKey === encodeKey(identityKey);
}

/** The pinned identity key of `userId`, or undefined. */
export function pinnedIdentityKey(store: TrustStoreData, userId: string): Uint8Array | undefined {
  const entry = getEntry(store, userId);
  return entry === undefined ? undefined : fromB64u(entry.identityKey);
}

/**
 * Validates untrusted data (e.g. a decrypted bundle) as a trust store.
 *
 * @throws CryptoError `invalid_input` if the shape is wrong.
 */
export function parseTrustStore(value: unknown): TrustStoreData {
  if (!isRecord(value) || value.v !== 1 || !isRecord(value.entries)) {
    throw new CryptoError('invalid_input', 'malformed trust store');
  }
  const entries: Record<string, TrustEntry> = Object.create(null) as Record<string, TrustEntry>;
  for (const [userId, raw] of Object.entries(value.entries)) {
    entries[userId] = parseEntry(raw);
  }
  return { v: 1, entries };
}

function parseEntry(raw: unknown): TrustEntry {
  if (
    !isRecord(raw) ||
    !isKey(raw.identityKey) ||
    !Number.isSafeInteger(raw.firstSeen) ||
    typeof raw.verified !== 'boolean'
  ) {
    throw new CryptoError('invalid_input', 'malformed trust entry');
  }
  const entry: TrustEntry = {
    identityKey: raw.identityKey,
    firstSeen: raw.firstSeen as number,
    verified: raw.verified,
  };
  if (raw.previous !== undefined) {
    if (!Array.isArray(raw.previous))
      throw new CryptoError('invalid_input', 'malformed trust entry');
    entry.previous = raw.previous.map((p: unknown) => {
      if (
        !isRecord(p) ||
        !isKey(p.identityKey) ||
        !Number.isSafeInteger(p.firstSeen) ||
        !Number.isSafeInteger(p.replacedAt) ||
        typeof p.verified !== 'boolean'
      ) {
        throw new CryptoError('invalid_input', 'malformed trust history');
      }
      return {
        identityKey: p.identityKey,
        firstSeen: p.firstSeen as number,
        replacedAt: p.replacedAt as number,
        verified: p.verified,
      };
    });
  }
  return entry;
}

function getEntry(store: TrustStoreData, userId: string): TrustEntry | undefined {
  // Own properties only: a user id such as "__proto__" must not reach Object.prototype.
  return Object.hasOwn(store.entries, userId) ? store.entries[userId] : undefined;
}

function withEntry(store: TrustStoreData, userId: string, entry: TrustEntry): TrustStoreData {
  const entries = Object.assign(Object.create(null) as Record<string, TrustEntry>, store.entries);
  entries[userId] = entry;
  return { v: 1, entries };
}

function encodeKey(identityKey: Uint8Array): string {
  assertBytes(identityKey, 'identityKey', 32);
  return toB64u(identityKey);
}

function isKey(value: unknown): value is string {
  if (typeof value !== 'string') return false;
  try {
    return fromB64u(value).length === 32;
  } catch {
    return false;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
