import * as z from 'zod';
import { b64uBytes, userId } from '../protocol/auth.js';
import type { LocalStore } from '../store/local-store.js';

/** The {@link LocalStore} key of the persisted session. */
export const SESSION_KEY = 'parley:session';

const storedSessionSchema = z.object({
  userId,
  username: z.string().min(1).max(64),
  displayName: z.string().max(64),
  refreshToken: z.string().min(1).max(256),
  accountKey: b64uBytes(32),
  sessionId: z.string().min(1).max(64),
});

/**
 * What `resume()` needs to sign back in without the password.
 *
 * **Trade-off: the account key is at rest.** To unlock the user's keys without asking for the
 * password again, the account key itself (base64url) is stored next to the refresh token. Anyone
 * who can read this store (another program running as the same OS user for a `FileStore`; any
 * script on the page's origin, an XSS, or someone with the unlocked browser for IndexedDB) can
 * decrypt the user's key bundle and so read their whole history, until they log out (which
 * deletes it) or reset their keys. Hosts that cannot accept that set `persistSession: false` and
 * ask for the password on every start. A non-extractable WebCrypto key (crypto.md §7.4) or a
 * store encrypted under a device key are possible hardenings.
 */
export type StoredSession = z.infer<typeof storedSessionSchema>;

/**
 * Reads the persisted session. Anything that is not a well-formed session (an older format,
 * a hand-edited file) is deleted and treated as none, so a bad entry cannot wedge the client.
 *
 * @param store - Where the session lives.
 * @returns The session, or `null`.
 */
export async function loadSession(store: LocalStore): Promise<StoredSession | null> {
  const raw = await store.get(SESSION_KEY);
  if (raw === undefined) return null;
  const parsed = storedSessionSchema.safeParse(raw);
  if (parsed.success) return parsed.data;
  await store.delete(SESSION_KEY);
  return null;
}

/** Persists `session`, replacing any previous one. */
export async function saveSession(store: LocalStore, session: StoredSession): Promise<void> {
  await store.set(SESSION_KEY, { ...storedSessionSchema.parse(session) });
}

/** Deletes the persisted session (sign-out, expiry). */
export async function clearSession(store: LocalStore): Promise<void> {
  await store.delete(SESSION_KEY);
}
