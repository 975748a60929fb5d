import { tokenPair } from '../protocol/auth.js';
import type { TokenPair } from '../protocol/auth.js';
import type { RestClient } from '../rest/rest-client.js';
import type { LocalStore } from '../store/local-store.js';
import { withRefreshLock } from './refresh-lock.js';
import { loadSession, saveSession } from './stored-session.js';

/** What {@link rotateTokens} needs. */
export interface RotationContext {
  rest: RestClient;
  store: LocalStore;
  /** Whether sessions are persisted in `store` (and so may be shared with other tabs). */
  persistSession: boolean;
  /** Saving the rotated token failed (the new pair is still returned and usable). */
  onPersistError: (error: unknown) => void;
}

/**
 * Exchanges a refresh token for a new pair (`POST /auth/refresh`) under the cross-tab lock,
 * and saves the rotated token in the stored session before releasing the lock.
 *
 * The token used is the stored one when it belongs to the same session (another tab may have
 * rotated it since `current` was issued), else `current`'s.
 *
 * A failure to save does not fail the rotation: the old token is already dead on the server,
 * and retrying with it would look like token theft and end the session.
 *
 * @throws ChatError from the server: 401 when the session is over.
 */
export function rotateTokens(
  ctx: RotationContext,
  current: Pick<TokenPair, 'refreshToken' | 'sessionId'>,
): Promise<TokenPair> {
  return withRefreshLock(async () => {
    const stored = ctx.persistSession ? await loadSession(ctx.store) : null;
    const sameSession = stored !== null && stored.sessionId === current.sessionId;
    const refreshToken = sameSession ? stored.refreshToken : current.refreshToken;
    const pair = await ctx.rest.request('POST', '/auth/refresh', {
      auth: false,
      body: { refreshToken },
      schema: tokenPair,
    });
    if (sameSession) {
      const next = { ...stored, refreshToken: pair.refreshToken, sessionId: pair.sessionId };
      await saveSession(ctx.store, next).catch(ctx.onPersistError);
    }
    return pair;
  });
}
