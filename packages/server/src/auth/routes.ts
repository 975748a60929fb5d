import type { AppContext } from '../app-context.js';
import type { Api } from '../http/api.js';
import { registerAccountRoutes } from './account-routes.js';
import { createAuthLimiter } from './auth-limiter.js';
import type { LimiterFactory } from './auth-limiter.js';
import { authState } from './auth-state.js';
import { registerMeRoutes } from './me-routes.js';
import { registerSessionRoutes } from './session-routes.js';

/** Options of {@link registerAuthRoutes}. */
export interface AuthRoutesOptions {
  /**
   * Where rate-limit counters live. Default: process memory (`RateLimiterMemory`). Pass a
   * Redis-backed factory when several nodes serve the same accounts.
   */
  limiterFactory?: LimiterFactory;
}

/**
 * Registers the accounts-and-sessions API under `/api/v1` (cs1 login, research/crypto.md
 * §7.4): `POST /auth/prelogin`, `/auth/register`, `/auth/login`, `/auth/refresh`,
 * `/auth/logout`, `/auth/logout-all`, `/auth/password`, `GET /auth/sessions`,
 * `DELETE /auth/sessions/:id`, `DELETE /account`, `GET /me`, `GET /me/keys` and
 * `PUT /me/keys/bundle`.
 *
 * @example
 * ```ts
 * const api = createApi({ authenticate: createAuthenticator(ctx) });
 * registerAuthRoutes(api, ctx);
 * ```
 */
export function registerAuthRoutes(
  api: Api,
  ctx: AppContext,
  options: AuthRoutesOptions = {},
): void {
  const limiter = createAuthLimiter({
    limits: ctx.config.rateLimits,
    ...(options.limiterFactory ? { factory: options.limiterFactory } : {}),
    onLimited: (limiter) => ctx.metrics.rateLimitHits.inc({ limiter }),
  });
  authState(ctx)
    .hasher.warmUp()
    .catch((err: unknown) => ctx.logger.error({ err }, 'could not prepare the dummy auth hash'));
  registerAccountRoutes(api, ctx, limiter);
  registerSessionRoutes(api, ctx, limiter);
  registerMeRoutes(api, ctx, limiter);
}
