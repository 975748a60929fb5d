import type { AppContext } from '../app-context.js';
import { ApiError } from '../http/api-error.js';
import type { UserRecord } from '../store/store.js';
import type { AuthLimiter } from './auth-limiter.js';
import { authState } from './auth-state.js';
import { decodeB64u } from './encoding.js';

/** What a credential check needs besides the context. */
export interface CredentialCheck {
  limiter: AuthLimiter;
  ip: string;
  /** The authKey as sent (base64url) and its field path for errors. */
  authKey: string;
  field: string;
  /** Audit event name for a failure, e.g. `login.failure`. */
  failureEvent: string;
}

/**
 * Usernames are matched case-insensitively: registration only admits lower case, and the
 * rate-limit counters must not be dodged with `Alice`, `ALICE`, ...
 */
export function normalizeUsername(username: string): string {
  return username.toLowerCase();
}

/** The one answer to a wrong username *or* a wrong key, so neither can be told apart. */
export function badCredentials(): ApiError {
  return new ApiError('unauthorized', 'Wrong username or password');
}

/**
 * Checks a username and authKey (`POST /auth/login`). An unknown username costs the same
 * Argon2 work as a wrong key and gets the same error, so neither the body nor the timing says
 * whether the account exists (ASVS 6.3.8).
 *
 * @throws {ApiError} `rate_limited`, or `unauthorized` for a wrong username or key.
 */
export async function checkLogin(
  ctx: AppContext,
  username: string,
  check: CredentialCheck,
): Promise<UserRecord> {
  const name = normalizeUsername(username);
  const attempt = await check.limiter.beginCredentialCheck(name, check.ip);
  const user = await ctx.store.findUserByUsername(name);
  const verified = await verifyOrFail(ctx, user, check);
  await attempt.succeeded();
  return verified;
}

/**
 * Checks the current authKey of a signed-in user before a password change or an account
 * deletion: a stolen access token alone must not be enough for either. Rate-limited like a
 * login, under the user's name.
 *
 * @returns The user as stored now (its auth hash may have just been upgraded).
 * @throws {ApiError} `rate_limited`, or `unauthorized` for a wrong key.
 */
export async function checkCurrentKey(
  ctx: AppContext,
  user: UserRecord,
  check: CredentialCheck,
): Promise<UserRecord> {
  const attempt = await check.limiter.beginCredentialCheck(user.username, check.ip);
  const verified = await verifyOrFail(ctx, user, check);
  await attempt.succeeded();
  return verified;
}

async function verifyOrFail(
  ctx: AppContext,
  user: UserRecord | undefined,
  check: CredentialCheck,
): Promise<UserRecord> {
  const { hasher } = authState(ctx);
  const key = decodeB64u(check.authKey, check.field);
  let ok: boolean;
  let current = user;
  try {
    ok = user ? await hasher.verify(user.authHash, key) : await hasher.verifyUnknownUser(key);
    if (ok && user && hasher.needsRehash(user.authHash)) {
      // Parameters were raised since this hash was made: upgrade it while the key is at hand.
      const authHash = await hasher.hash(key);
      const now = ctx.now();
      if (await ctx.store.updateAuthHash(user.id, user.authHash, authHash, now)) {
        current = { ...user, authHash, updatedAt: now };
      }
    }
  } finally {
    key.fill(0);
  }
  if (!ok || !current) {
    ctx.metrics.authFailures.inc({ reason: 'bad_credentials' });
    // The attempted username is not logged for unknown accounts: people type passwords there.
    ctx.audit.write({
      event: check.failureEvent,
      ip: check.ip,
      ...(user ? { userId: user.id } : {}),
    });
    throw badCredentials();
  }
  return current;
}

/** argon2id of a base64url authKey from the body; the decoded key is zeroed afterwards. */
export async function hashAuthKey(
  ctx: AppContext,
  authKey: string,
  field: string,
): Promise<string> {
  const key = decodeB64u(authKey, field);
  try {
    return await authState(ctx).hasher.hash(key);
  } finally {
    key.fill(0);
  }
}
