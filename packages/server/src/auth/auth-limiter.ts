import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import type { RateLimiterAbstract } from 'rate-limiter-flexible';
import { ApiError } from '../http/api-error.js';
import type { LimitRule, RateLimits } from './rate-limits.js';

/** The counters the auth limiter keeps; also the `limiter` label of the rate-limit metric. */
export type LimiterName = Exclude<keyof RateLimits, 'knownIpTtlSec'> | 'knownIp';

/**
 * Builds one counter. The default keeps counters in process memory; with several nodes pass
 * one backed by Redis, e.g.
 * `(name, rule) => new RateLimiterRedis({ storeClient, keyPrefix: `parley:${name}`, points: rule.points, duration: rule.durationSec })`.
 */
export type LimiterFactory = (name: LimiterName, rule: LimitRule) => RateLimiterAbstract;

/** In-process counters (`RateLimiterMemory`): right for a single node. */
export const memoryLimiterFactory: LimiterFactory = (name, rule) =>
  new RateLimiterMemory({ keyPrefix: name, points: rule.points, duration: rule.durationSec });

/** Options of {@link createAuthLimiter}. */
export interface AuthLimiterOptions {
  /** The `rateLimits` setting. */
  limits: RateLimits;
  /** Where counters live. Default {@link memoryLimiterFactory}. */
  factory?: LimiterFactory;
  /** Called with the limiter's name each time a request is refused (for metrics). */
  onLimited?: (limiter: LimiterName) => void;
}

/** A credential check in progress; report a success so the failure counters reset. */
export interface CredentialAttempt {
  succeeded(): Promise<void>;
}

/** The auth endpoints' rate limits. Each method throws `ApiError('rate_limited')` when over. */
export interface AuthLimiter {
  /** `prelogin`: per IP and per username+IP. */
  prelogin(username: string, ip: string): Promise<void>;
  /** `register`: per IP and per requested username. */
  register(username: string, ip: string): Promise<void>;
  /** `refresh`, before the token is looked up: per IP. */
  refreshByIp(ip: string): Promise<void>;
  /** `refresh`, once the token named its account: per user. */
  refreshByUser(userId: string): Promise<void>;
  /**
   * Charges one failure in advance for a credential check (login, password change, account
   * deletion) and returns the attempt; a success refunds it. Charging first makes parallel
   * guesses count: checking afterwards would let a burst all pass before any failure lands.
   */
  beginCredentialCheck(username: string, ip: string): Promise<CredentialAttempt>;
}

/**
 * Creates the auth rate limiter. The scheme, built so that an attacker can neither guess at
 * speed nor lock a real user out (ASVS 6.3.1):
 *
 * - `loginIp` counts every credential check from an IP: it bounds the Argon2 CPU one client
 *   can make the server spend.
 * - `loginFailIp` counts failures from an IP across all usernames: credential stuffing.
 * - `loginFailUserIp` counts consecutive failures for one username from one IP, and is reset
 *   by a success from there. This is the limit a brute-forcing attacker meets (10 per 15 min by
 *   default); it never affects the real user on another IP.
 * - `loginFailUser` counts failures for a username from anywhere, much higher (100 per hour),
 *   against guessing spread over many IPs. To keep even a botnet from locking the owner out
 *   this way, an IP that logged in to the account successfully in the last `knownIpTtlSec`
 *   (14 days) is exempt from it. A real user on a new IP during such an attack does have to
 *   wait; that is the remaining trade-off.
 * - `prelogin` has no global per-username limit for the same reason: flooding a name from
 *   elsewhere must not stop its owner from fetching their KDF parameters.
 *
 * Usernames must be normalised by the caller so that case variants share counters.
 */
export function createAuthLimiter(options: AuthLimiterOptions): AuthLimiter {
  const { limits, factory = memoryLimiterFactory, onLimited } = options;
  const make = (name: LimiterName) =>
    factory(name, name === 'knownIp' ? knownRule(limits) : limits[name]);
  const limiters = new Map<LimiterName, RateLimiterAbstract>();
  const get = (name: LimiterName): RateLimiterAbstract => {
    let limiter = limiters.get(name);
    if (!limiter) {
      limiter = make(name);
      limiters.set(name, limiter);
    }
    return limiter;
  };

  const take = async (name: LimiterName, key: string): Promise<void> => {
    try {
      await get(name).consume(key);
    } catch (error) {
      // A RateLimiterRes means "over the limit"; anything else is a store failure (Redis down),
      // which propagates: failing closed is safer than waving guesses through.
      if (!(error instanceof RateLimiterRes)) throw error;
      onLimited?.(name);
      throw new ApiError('rate_limited', 'Too many attempts; try again later', {
        retryAfterMs: error.msBeforeNext,
      });
    }
  };

  return {
    async prelogin(username, ip) {
      await take('preloginIp', ip);
      await take('preloginUserIp', pair(ip, username));
    },
    async register(username, ip) {
      await take('registerIp', ip);
      await take('registerUser', username);
    },
    async refreshByIp(ip) {
      await take('refreshIp', ip);
    },
    async refreshByUser(userId) {
      await take('refreshUser', userId);
    },
    async beginCredentialCheck(username, ip) {
      const userIp = pair(ip, username);
      await take('loginIp', ip);
      await take('loginFailIp', ip);
      await take('loginFailUserIp', userIp);
      const known = (await get('knownIp').get(userIp)) !== null;
      if (!known) await take('loginFailUser', username);
      return {
        async succeeded() {
          await Promise.all([
            get('loginFailUserIp').delete(userIp),
            get('loginFailUser').delete(username),
            get('loginFailIp').reward(ip),
            get('knownIp').set(userIp, 1, limits.knownIpTtlSec),
          ]);
        },
      };
    },
  };
}

function knownRule(limits: RateLimits): LimitRule {
  return { points: 1, durationSec: limits.knownIpTtlSec };
}

// IPs contain no "/", so the pair is unambiguous whatever the username holds.
function pair(ip: string, username: string): string {
  return `${ip}/${username}`;
}
