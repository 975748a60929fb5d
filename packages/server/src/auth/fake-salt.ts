import { createHmac } from 'node:crypto';

/** Label that keeps this HMAC's outputs apart from any other use of the same key. */
const LABEL = 'parley/prelogin-fake-salt/v1\0';

/**
 * The salt `prelogin` answers for a username that has no account: HMAC-SHA256(key, username)
 * truncated to 16 bytes (research/crypto.md §4.5). It is deterministic, so asking twice gives
 * the same answer, as it would for a real account; and it needs the server's secret key, so
 * nobody can predict it to tell fake from real.
 *
 * @param key - The server secret (`prelogin-salt`, at least 32 bytes).
 * @param username - The normalised username.
 * @returns 16 bytes as unpadded base64url.
 */
export function fakeSalt(key: Uint8Array, username: string): string {
  return createHmac('sha256', key)
    .update(LABEL + username, 'utf8')
    .digest()
    .subarray(0, 16)
    .toString('base64url');
}
