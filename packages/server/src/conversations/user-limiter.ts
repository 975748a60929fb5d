import { RateLimiterRes } from 'rate-limiter-flexible';
import { memoryCounterFactory } from '../cluster/counters.js';
import type { AppContext } from '../app-context.js';
import { ApiError } from '../http/api-error.js';

/** A per-user limit: `points` calls per `durationSec` seconds. */
export interface UserLimitRule {
  points: number;
  durationSec: number;
}

/** Counts calls per user and says when one is over the limit. */
export interface UserLimiter {
  /** Takes one point; `retryAfterMs` is set when the user is over the limit. */
  take(userId: string): Promise<{ ok: true } | { ok: false; retryAfterMs: number }>;
  /**
   * Takes one point or throws.
   * @throws {ApiError} `rate_limited` with `retryAfterMs`.
   */
  consume(userId: string): Promise<void>;
}

/**
 * A fixed-window limiter per user id (rate-limiter-flexible), counting hits in the
 * `parley_rate_limit_hits_total{limiter=name}` metric. Counters live in process memory, or in
 * Redis when the server runs with `REDIS_URL` (`ctx.cluster`), shared by every node.
 */
export function createUserLimiter(ctx: AppContext, name: string, rule: UserLimitRule): UserLimiter {
  // With REDIS_URL the counters live in Redis, so the limit holds across nodes.
  const limiter = (ctx.cluster?.counters ?? memoryCounterFactory)(name, rule);
  const take: UserLimiter['take'] = async (userId) => {
    try {
      await limiter.consume(userId);
      return { ok: true };
    } catch (error) {
      if (!(error instanceof RateLimiterRes)) throw error;
      ctx.metrics.rateLimitHits.inc({ limiter: name });
      return { ok: false, retryAfterMs: Math.max(1, error.msBeforeNext) };
    }
  };
  return {
    take,
    async consume(userId) {
      const result = await take(userId);
      if (!result.ok) {
        throw new ApiError('rate_limited', 'Too many requests; slow down', {
          retryAfterMs: result.retryAfterMs,
        });
      }
    },
  };
}

const apiLimiters = new WeakMap<AppContext, UserLimiter>();

/** The per-user limiter shared by the conversation, history and directory routes. */
export function apiLimiter(ctx: AppContext): UserLimiter {
  let limiter = apiLimiters.get(ctx);
  if (!limiter) {
    limiter = createUserLimiter(ctx, 'conversations_api', ctx.config.conversations.api);
    apiLimiters.set(ctx, limiter);
  }
  return limiter;
}
