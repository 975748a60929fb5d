import { RateLimiterMemory, RateLimiterRedis } from 'rate-limiter-flexible';
import type { RateLimiterAbstract } from 'rate-limiter-flexible';
import type { Redis } from 'ioredis';

/** A fixed-window limit: `points` per `durationSec` seconds. */
export interface CounterRule {
  points: number;
  durationSec: number;
}

/**
 * Builds one rate-limit counter by name. The auth limiter's `LimiterFactory` and the per-user
 * limiters both take one, so with `REDIS_URL` every limit is counted in Redis, across nodes.
 */
export type CounterFactory = (name: string, rule: CounterRule) => RateLimiterAbstract;

/** Counters in process memory: right for a single node. */
export const memoryCounterFactory: CounterFactory = (name, rule) =>
  new RateLimiterMemory({ keyPrefix: name, points: rule.points, duration: rule.durationSec });

/**
 * Counters in Redis (`RateLimiterRedis`), shared by every node, so a limit of N per minute
 * holds for the whole cluster. Keys are `parley:rl:<name>:<key>` and expire with their window.
 *
 * When Redis is unreachable a counter does not wait or fail: `rejectIfRedisNotReady` hands the
 * call at once to an in-memory insurance limiter with the same rule, so during an outage each
 * node enforces the limit on its own (a client spread over N nodes gets up to N times the
 * limit for that while) and sends keep working. `client` should be created with
 * `enableOfflineQueue: false`, as rate-limiter-flexible recommends for ioredis.
 */
export function redisCounterFactory(client: Redis, prefix = 'parley:rl:'): CounterFactory {
  return (name, rule) =>
    new RateLimiterRedis({
      storeClient: client,
      keyPrefix: `${prefix}${name}`,
      points: rule.points,
      duration: rule.durationSec,
      rejectIfRedisNotReady: true,
      insuranceLimiter: memoryCounterFactory(name, rule),
    });
}
