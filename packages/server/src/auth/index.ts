/**
 * Accounts and sessions: the cs1 zero-knowledge login, JWT access tokens, rotating refresh
 * tokens and the auth rate limits.
 */
export { registerAuthRoutes } from './routes.js';
export type { AuthRoutesOptions } from './routes.js';
export { createAuthenticator, verifyAccessToken } from './authenticator.js';
export { onSessionsRevoked } from './session-events.js';
export type { SessionsRevokedListener } from './session-events.js';
export { DEFAULT_RATE_LIMITS, rateLimitsSchema } from './rate-limits.js';
export type { LimitRule, RateLimits } from './rate-limits.js';
export { createAuthLimiter, memoryLimiterFactory } from './auth-limiter.js';
export type {
  AuthLimiter,
  AuthLimiterOptions,
  LimiterFactory,
  LimiterName,
} from './auth-limiter.js';
