import type { TokenPair } from '@parley/sdk/protocol';
import type { AppContext } from '../app-context.js';
import type { SessionRecord } from '../store/store.js';
import { authState } from './auth-state.js';
import { issueRefreshToken, newSessionId } from './refresh-token.js';

/**
 * Starts a session (a new refresh-token family) for a user who just proved their key, and
 * returns its first token pair.
 */
export async function startSession(
  ctx: AppContext,
  userId: string,
  userAgent: string | null,
): Promise<TokenPair> {
  const now = ctx.now();
  const refresh = issueRefreshToken();
  const session: SessionRecord = {
    id: newSessionId(),
    userId,
    generation: 0,
    createdAt: now,
    lastUsedAt: now,
    expiresAt: refreshExpiry(ctx, now),
    userAgent,
  };
  await ctx.store.createSession({ ...session, tokenHash: refresh.hash });
  return tokenPair(ctx, session, refresh.token, now);
}

/** The expiry of a refresh token issued at `now`: it slides with every rotation. */
export function refreshExpiry(ctx: AppContext, now: number): number {
  return now + ctx.config.refreshTokenTtlSec * 1000;
}

/** Signs an access token for the session and pairs it with the refresh token. */
export async function tokenPair(
  ctx: AppContext,
  session: SessionRecord,
  refreshToken: string,
  now: number,
): Promise<TokenPair> {
  const tokens = await authState(ctx).tokens();
  const access = await tokens.sign({ userId: session.userId, sessionId: session.id }, now);
  return {
    accessToken: access.token,
    accessTokenExpiresAt: access.expiresAt,
    refreshToken,
    refreshTokenExpiresAt: session.expiresAt,
    sessionId: session.id,
  };
}
