import { wrapAccountKey } from '../crypto/account.js';
import { equalBytes, toB64u, zeroize } from '../crypto/encoding.js';
import { newKdfParams } from '../crypto/kdf.js';
import type { CryptoProvider } from '../crypto/provider.js';
import { ChatError } from '../errors.js';
import { accountKeys } from '../protocol/auth.js';
import type { RestClient } from '../rest/rest-client.js';
import type { ProgressCallback } from '../types.js';
import { deriveSecrets, unwrapWithKek } from './account-keys.js';
import type { KdfCost, UnlockedAccount } from './account-keys.js';
import type { KdfRunner } from './kdf-runner.js';

/** What the password operations need from the signed-in client. */
export interface PasswordContext {
  rest: RestClient;
  provider: CryptoProvider;
  runKdf: KdfRunner;
  account: UnlockedAccount;
}

/**
 * Checks a password locally and returns its `authKey`: derives the keys with the account's
 * current KDF parameters (fetched fresh, since another device may have changed the password)
 * and requires the KEK to unwrap the very account key this client holds. A wrong password
 * therefore fails here, without sending a guess to the server.
 *
 * @returns `authKey` (32 bytes); the caller zeroes it.
 * @throws ChatError `unauthorized` for a wrong password; `conflict` if the account key was
 *   replaced elsewhere (the account was reset).
 */
export async function verifyPassword(
  ctx: PasswordContext,
  password: string,
  onProgress: ProgressCallback,
): Promise<Uint8Array> {
  const { provider, account } = ctx;
  const keys = await ctx.rest.request('GET', '/me/keys', { schema: accountKeys });
  const secrets = await deriveSecrets(provider, ctx.runKdf, password, keys.kdf, onProgress);
  try {
    const accountKey = await unwrapWithKek(provider, secrets.kek, account.userId, keys);
    const same = equalBytes(accountKey, account.accountKey);
    zeroize(accountKey);
    if (!same)
      throw new ChatError('conflict', 'The account keys were reset elsewhere; sign in again');
    return secrets.authKey;
  } catch (error) {
    zeroize(secrets.authKey);
    throw error;
  } finally {
    zeroize(secrets.kek);
  }
}

/** Input of {@link changePassword}. */
export interface PasswordChange {
  currentPassword: string;
  newPassword: string;
  /** Argon2id cost of the new parameters (the salt is fresh). */
  cost: KdfCost;
  /** Progress of the first derivation (current password), then of the second (new one). */
  progress: [ProgressCallback, ProgressCallback];
}

/**
 * Changes the password (crypto.md §7.4 step 4): verifies the current one locally, derives new
 * keys under fresh KDF parameters and re-wraps the same account key; the bundle and history
 * are untouched. `POST /auth/password` applies it atomically and ends the other sessions.
 *
 * @throws ChatError `unauthorized` for a wrong current password, `conflict` when the password
 *   was changed concurrently elsewhere.
 */
export async function changePassword(ctx: PasswordContext, change: PasswordChange): Promise<void> {
  const { provider, account } = ctx;
  const currentAuthKey = await verifyPassword(ctx, change.currentPassword, change.progress[0]);
  const newKdf = newKdfParams(provider, change.cost);
  let next: { authKey: Uint8Array; kek: Uint8Array } | undefined;
  try {
    next = await deriveSecrets(
      provider,
      ctx.runKdf,
      change.newPassword,
      newKdf,
      change.progress[1],
    );
    const wrapped = await wrapAccountKey(provider, next.kek, account.accountKey, {
      userId: account.userId,
      kdf: newKdf,
    });
    await ctx.rest.request('POST', '/auth/password', {
      checksCredentials: true,
      body: {
        currentAuthKey: toB64u(currentAuthKey),
        newKdf,
        newAuthKey: toB64u(next.authKey),
        newWrappedAccountKey: toB64u(wrapped),
      },
    });
  } finally {
    zeroize(currentAuthKey, next?.authKey, next?.kek);
  }
}

/**
 * Deletes the account after verifying the password locally (`DELETE /account`).
 *
 * @throws ChatError `unauthorized` for a wrong password.
 */
export async function deleteAccount(
  ctx: PasswordContext,
  password: string,
  onProgress: ProgressCallback,
): Promise<void> {
  const authKey = await verifyPassword(ctx, password, onProgress);
  try {
    await ctx.rest.request('DELETE', '/account', {
      checksCredentials: true,
      body: { authKey: toB64u(authKey) },
    });
  } finally {
    zeroize(authKey);
  }
}
