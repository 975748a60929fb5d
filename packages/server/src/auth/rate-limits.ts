import { z } from 'zod';

/**
 * Longest window or marker lifetime, in seconds. The in-memory limiter expires keys with
 * `setTimeout`, which fires at once for anything above 2^31 - 1 ms (24.8 days): a longer value
 * would silently disable the limit.
 */
export const MAX_LIMIT_DURATION_SEC = 21 * 24 * 3600;

const duration = z.number().int().positive().max(MAX_LIMIT_DURATION_SEC);

const rule = z.object({
  /** Attempts allowed per window. */
  points: z.number().int().positive(),
  /** Window length in seconds (fixed window, starting at the first attempt). */
  durationSec: duration,
});

/** One limit: `points` attempts per `durationSec` seconds. */
export type LimitRule = z.infer<typeof rule>;

const MINUTE = 60;
const HOUR = 3600;

/**
 * Defaults sized for one self-hosted community server. A shared NAT (an office, a campus)
 * appears as one IP, so the per-IP limits are generous; the per-account ones are what stops
 * guessing, since each guess also costs the attacker a client-side Argon2id run.
 */
export const DEFAULT_RATE_LIMITS = {
  preloginIp: { points: 60, durationSec: MINUTE },
  preloginUserIp: { points: 20, durationSec: MINUTE },
  loginIp: { points: 30, durationSec: MINUTE },
  loginFailIp: { points: 100, durationSec: HOUR },
  loginFailUserIp: { points: 10, durationSec: 15 * MINUTE },
  loginFailUser: { points: 100, durationSec: HOUR },
  knownIpTtlSec: 14 * 24 * HOUR,
  registerIp: { points: 20, durationSec: HOUR },
  registerUser: { points: 5, durationSec: HOUR },
  refreshIp: { points: 120, durationSec: MINUTE },
  refreshUser: { points: 30, durationSec: MINUTE },
} as const satisfies Record<string, LimitRule | number>;

/**
 * The auth rate limits (`rateLimits` in the server configuration). How they combine, and why
 * an attacker cannot use them to lock a real user out, is described on `createAuthLimiter`.
 * Every field has a default, so a partial object overrides only what it names.
 */
export const rateLimitsSchema = z.object({
  /** `POST /auth/prelogin` per client IP. */
  preloginIp: rule.default(DEFAULT_RATE_LIMITS.preloginIp),
  /** `POST /auth/prelogin` per username and IP (no global per-name limit: see the scheme). */
  preloginUserIp: rule.default(DEFAULT_RATE_LIMITS.preloginUserIp),
  /** Every credential check (login, password change, account deletion) per IP: bounds Argon2 CPU. */
  loginIp: rule.default(DEFAULT_RATE_LIMITS.loginIp),
  /** Failed credential checks per IP, across all usernames (credential stuffing). */
  loginFailIp: rule.default(DEFAULT_RATE_LIMITS.loginFailIp),
  /** Failed credential checks per username and IP; reset by a success from that IP. */
  loginFailUserIp: rule.default(DEFAULT_RATE_LIMITS.loginFailUserIp),
  /** Failed credential checks per username from anywhere (distributed guessing); reset on success. */
  loginFailUser: rule.default(DEFAULT_RATE_LIMITS.loginFailUser),
  /** How long an IP that logged in successfully stays exempt from `loginFailUser`, in seconds. */
  knownIpTtlSec: duration.default(DEFAULT_RATE_LIMITS.knownIpTtlSec),
  /** `POST /auth/register` per IP. */
  registerIp: rule.default(DEFAULT_RATE_LIMITS.registerIp),
  /** `POST /auth/register` per requested username. */
  registerUser: rule.default(DEFAULT_RATE_LIMITS.registerUser),
  /** `POST /auth/refresh` per IP. */
  refreshIp: rule.default(DEFAULT_RATE_LIMITS.refreshIp),
  /** `POST /auth/refresh` per account (counted once the token names its user). */
  refreshUser: rule.default(DEFAULT_RATE_LIMITS.refreshUser),
});

/** The auth rate-limit settings. */
export type RateLimits = z.output<typeof rateLimitsSchema>;
