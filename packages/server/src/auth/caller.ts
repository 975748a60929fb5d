import type { AppContext } from '../app-context.js';
import { ApiError } from '../http/api-error.js';
import type { AuthContext } from '../http/api.js';
import type { UserRecord } from '../store/store.js';

/** The caller of an `auth: true` route (the route helper guarantees it is set). */
export function requireCaller(auth: AuthContext | undefined): AuthContext {
  if (!auth) throw new ApiError('unauthorized', 'A bearer access token is required');
  return auth;
}

/**
 * The caller's account. Deleting an account deletes its sessions, so a live token normally
 * implies a live account; the check covers the moment in between.
 * @throws {ApiError} `unauthorized` when the account is gone.
 */
export async function loadCaller(
  ctx: AppContext,
  auth: AuthContext | undefined,
): Promise<UserRecord> {
  const user = await ctx.store.findUserById(requireCaller(auth).userId);
  if (!user) throw sessionEnded();
  return user;
}

/** The error for a token whose session or account no longer exists. */
export function sessionEnded(): ApiError {
  return new ApiError('unauthorized', 'The session has ended');
}
