import type { Request } from 'express';
import type { AppContext } from '../app-context.js';
import { ApiError } from '../http/api-error.js';
import type { AuthContext, Authenticator } from '../http/api.js';
import { authState } from './auth-state.js';

/**
 * `lastUsedAt` is written at most this often per session, so authenticated reads do not each
 * cost a database write; the session list is accurate to a minute.
 */
const TOUCH_INTERVAL_MS = 60_000;

/**
 * Verifies an access token and that its session is still alive.
 *
 * The session row is read on every call, with no cache: revoking a session (logout, password
 * change, reuse detection) takes effect on the very next request, on every node, instead of
 * when the 15-minute token expires. It is one primary-key lookup.
 *
 * Used by {@link createAuthenticator} for REST and, with the raw token from the handshake, by
 * the Socket.io middleware.
 *
 * @throws {ApiError} `token_expired` (the client should refresh) or `unauthorized`.
 */
export async function verifyAccessToken(ctx: AppContext, token: string): Promise<AuthContext> {
  const now = ctx.now();
  const tokens = await authState(ctx).tokens();
  let subject: AuthContext;
  try {
    subject = await tokens.verify(token, now);
  } catch (error) {
    const reason =
      error instanceof ApiError && error.code === 'token_expired'
        ? 'token_expired'
        : 'invalid_token';
    ctx.metrics.authFailures.inc({ reason });
    throw error;
  }
  const session = await ctx.store.findSession(subject.sessionId);
  if (!session || session.userId !== subject.userId) {
    ctx.metrics.authFailures.inc({ reason: 'session_revoked' });
    throw new ApiError('unauthorized', 'The session has ended');
  }
  if (now - session.lastUsedAt >= TOUCH_INTERVAL_MS) {
    await ctx.store.touchSession(session.id, now);
  }
  return subject;
}

/**
 * The REST authenticator: takes the access token from `Authorization: Bearer <token>` and
 * verifies it with {@link verifyAccessToken}. Tokens in query strings or cookies are not
 * accepted (they end up in logs and in cross-site requests).
 */
export function createAuthenticator(ctx: AppContext): Authenticator {
  return async (req: Request) => {
    const header = req.get('authorization');
    const match = header ? /^Bearer ([A-Za-z0-9._~+/=-]+)$/i.exec(header) : null;
    if (!match?.[1]) {
      ctx.metrics.authFailures.inc({ reason: 'missing_token' });
      throw new ApiError('unauthorized', 'A bearer access token is required');
    }
    return verifyAccessToken(ctx, match[1]);
  };
}
