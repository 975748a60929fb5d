import { refreshRequest, sessionIdParam, sessionList, tokenPair } from '@parley/sdk/protocol';
import type { SessionList, TokenPair } from '@parley/sdk/protocol';
import type { AppContext } from '../app-context.js';
import { ApiError } from '../http/api-error.js';
import type { Api } from '../http/api.js';
import { requireCaller } from './caller.js';
import type { AuthLimiter } from './auth-limiter.js';
import { hashRefreshToken, issueRefreshToken } from './refresh-token.js';
import { emitSessionsRevoked } from './session-events.js';
import { refreshExpiry, tokenPair as makeTokenPair } from './session-issuer.js';

/** Registers the session routes: refresh, logout, logout everywhere, list and revoke. */
export function registerSessionRoutes(api: Api, ctx: AppContext, limiter: AuthLimiter): void {
  api.route(
    {
      method: 'post',
      path: '/auth/refresh',
      summary:
        'Exchange a refresh token for a new token pair (the old refresh token stops working)',
      tags: ['auth'],
      auth: false,
      body: refreshRequest,
      response: { status: 200, schema: tokenPair },
      errors: ['unauthorized', 'rate_limited'],
    },
    async ({ body, ip }) => refresh(ctx, limiter, body.refreshToken, ip),
  );

  api.route(
    {
      method: 'post',
      path: '/auth/logout',
      summary: 'End the current session',
      tags: ['auth'],
      auth: true,
      response: { status: 204, description: 'Signed out' },
    },
    async ({ auth, ip }) => {
      const { userId, sessionId } = requireCaller(auth);
      if (await ctx.store.revokeSession(userId, sessionId)) {
        ctx.audit.write({ event: 'session.revoked', userId, ip, sessionId, reason: 'logout' });
        emitSessionsRevoked(ctx, userId, [sessionId]);
      }
    },
  );

  api.route(
    {
      method: 'post',
      path: '/auth/logout-all',
      summary: 'End every session of the account, this one included',
      tags: ['auth'],
      auth: true,
      response: { status: 204, description: 'Signed out everywhere' },
    },
    async ({ auth, ip }) => {
      const { userId } = requireCaller(auth);
      const revoked = await ctx.store.revokeAllSessions(userId);
      ctx.audit.write({ event: 'logout_all', userId, ip, revokedSessions: revoked.length });
      emitSessionsRevoked(ctx, userId, 'all');
    },
  );

  api.route(
    {
      method: 'get',
      path: '/auth/sessions',
      summary: 'List the sessions of the account',
      tags: ['auth'],
      auth: true,
      response: { status: 200, schema: sessionList },
    },
    async ({ auth }): Promise<SessionList> => {
      const { userId, sessionId } = requireCaller(auth);
      const sessions = await ctx.store.listSessions(userId);
      return {
        sessions: sessions.map((s) => ({
          id: s.id,
          createdAt: s.createdAt,
          lastUsedAt: s.lastUsedAt,
          userAgent: s.userAgent,
          current: s.id === sessionId,
        })),
      };
    },
  );

  api.route(
    {
      method: 'delete',
      path: '/auth/sessions/:id',
      summary: 'End one session of the account',
      tags: ['auth'],
      auth: true,
      params: sessionIdParam,
      response: { status: 204, description: 'Ended' },
      errors: ['not_found'],
    },
    async ({ auth, params, ip }) => {
      const { userId } = requireCaller(auth);
      // Scoped to the caller: another user's session id is "not found", never revoked.
      if (!(await ctx.store.revokeSession(userId, params.id))) {
        throw new ApiError('not_found', 'No such session');
      }
      ctx.audit.write({
        event: 'session.revoked',
        userId,
        ip,
        sessionId: params.id,
        reason: 'user',
      });
      emitSessionsRevoked(ctx, userId, [params.id]);
    },
  );
}

/**
 * Rotates a refresh token (RFC 9700 §4.14.2): every use returns a new one and retires the old.
 * An already retired token coming back means two parties hold the family (one of them a
 * thief), so the whole family is revoked and the event is audited. There is deliberately no
 * grace window: the SDK refreshes single-flight, so a legitimate client never replays.
 */
async function refresh(
  ctx: AppContext,
  limiter: AuthLimiter,
  refreshToken: string,
  ip: string,
): Promise<TokenPair> {
  await limiter.refreshByIp(ip);
  const tokenHash = hashRefreshToken(refreshToken);
  const owner = await ctx.store.findSessionByRefreshToken(tokenHash);
  if (owner) await limiter.refreshByUser(owner.userId);
  const now = ctx.now();
  const next = issueRefreshToken();
  const result = await ctx.store.rotateRefreshToken({
    tokenHash,
    newTokenHash: next.hash,
    now,
    expiresAt: refreshExpiry(ctx, now),
  });
  switch (result.status) {
    case 'rotated':
      return makeTokenPair(ctx, result.session, next.token, now);
    case 'reuse_detected': {
      const { userId, id: sessionId } = result.session;
      ctx.metrics.authFailures.inc({ reason: 'refresh_reuse' });
      ctx.audit.write({ event: 'refresh.reuse_detected', userId, ip, sessionId });
      emitSessionsRevoked(ctx, userId, [sessionId]);
      break;
    }
    case 'expired':
      ctx.metrics.authFailures.inc({ reason: 'refresh_expired' });
      break;
    case 'not_found':
      ctx.metrics.authFailures.inc({ reason: 'refresh_invalid' });
      break;
  }
  throw new ApiError('unauthorized', 'Invalid refresh token; sign in again');
}
