import { describe, expect, it } from 'vitest';
import { ApiError } from '../http/api-error.js';
import { createAuthLimiter } from './auth-limiter.js';
import type { LimiterName } from './auth-limiter.js';
import { DEFAULT_RATE_LIMITS, rateLimitsSchema } from './rate-limits.js';
import type { RateLimits } from './rate-limits.js';

function limiterWith(overrides: Partial<RateLimits> = {}) {
  const hits: LimiterName[] = [];
  const limiter = createAuthLimiter({
    limits: rateLimitsSchema.parse(overrides),
    onLimited: (name) => hits.push(name),
  });
  return { limiter, hits };
}

async function outcome(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return 'ok';
  } catch (error) {
    if (error instanceof ApiError) return error.code;
    throw error;
  }
}

/** One failed credential check: charged, never refunded. */
const fail = (l: ReturnType<typeof limiterWith>['limiter'], user: string, ip: string) =>
  outcome(l.beginCredentialCheck(user, ip));

describe('auth rate limits', () => {
  it('fills unset settings with the defaults', () => {
    expect(rateLimitsSchema.parse({})).toEqual(DEFAULT_RATE_LIMITS);
    const partial = rateLimitsSchema.parse({ loginFailUserIp: { points: 3, durationSec: 60 } });
    expect(partial.loginFailUserIp).toEqual({ points: 3, durationSec: 60 });
    expect(partial.loginIp).toEqual(DEFAULT_RATE_LIMITS.loginIp);
  });

  it('refuses windows longer than in-memory timers can hold', () => {
    expect(rateLimitsSchema.safeParse({ knownIpTtlSec: 30 * 86_400 }).success).toBe(false);
    const long = { loginFailUser: { points: 1, durationSec: 25 * 86_400 } };
    expect(rateLimitsSchema.safeParse(long).success).toBe(false);
  });

  it('blocks a brute-forced username from the attacking IP only', async () => {
    const { limiter, hits } = limiterWith();
    const results: string[] = [];
    for (let i = 0; i < 11; i++) results.push(await fail(limiter, 'alice', '10.0.0.66'));
    expect(results.slice(0, 10)).toEqual(Array(10).fill('ok'));
    expect(results[10]).toBe('rate_limited');
    expect(hits).toEqual(['loginFailUserIp']);
    // The owner, elsewhere, is unaffected.
    const attempt = await limiter.beginCredentialCheck('alice', '192.0.2.1');
    await attempt.succeeded();
  });

  it('reports how long to wait', async () => {
    const { limiter } = limiterWith({ loginFailUserIp: { points: 1, durationSec: 120 } });
    await fail(limiter, 'alice', '10.0.0.1');
    const error = await limiter.beginCredentialCheck('alice', '10.0.0.1').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    const { retryAfterMs } = error as ApiError;
    expect(retryAfterMs).toBeGreaterThan(100_000);
    expect(retryAfterMs).toBeLessThanOrEqual(120_000);
  });

  it('counts a parallel burst of guesses before any of them is verified', async () => {
    const { limiter } = limiterWith({ loginFailUserIp: { points: 5, durationSec: 60 } });
    const results = await Promise.all(
      Array.from({ length: 12 }, () => fail(limiter, 'alice', '10.0.0.66')),
    );
    expect(results.filter((r) => r === 'ok')).toHaveLength(5);
  });

  it('resets the failure count of a username and IP after a success', async () => {
    const { limiter } = limiterWith({ loginFailUserIp: { points: 3, durationSec: 60 } });
    await fail(limiter, 'alice', '10.0.0.1');
    await fail(limiter, 'alice', '10.0.0.1');
    await (await limiter.beginCredentialCheck('alice', '10.0.0.1')).succeeded();
    for (let i = 0; i < 3; i++) expect(await fail(limiter, 'alice', '10.0.0.1')).toBe('ok');
    expect(await fail(limiter, 'alice', '10.0.0.1')).toBe('rate_limited');
  });

  it('limits guessing spread over many IPs, but not from an IP the owner logged in from', async () => {
    const { limiter, hits } = limiterWith({ loginFailUser: { points: 20, durationSec: 3600 } });
    // The owner logs in once from home: that IP becomes known for this account.
    await (await limiter.beginCredentialCheck('alice', '192.0.2.1')).succeeded();
    // Let timers run: an in-memory key with an over-long lifetime would be dropped right here.
    await new Promise((resolve) => setTimeout(resolve, 20));
    for (let i = 0; i < 20; i++) await fail(limiter, 'alice', `10.0.${i}.1`);
    expect(await fail(limiter, 'alice', '10.0.99.1')).toBe('rate_limited');
    expect(hits).toContain('loginFailUser');
    // Home still works.
    const attempt = await limiter.beginCredentialCheck('alice', '192.0.2.1');
    await attempt.succeeded();
  });

  it('limits credential checks per IP across usernames (stuffing)', async () => {
    const { limiter, hits } = limiterWith({ loginFailIp: { points: 5, durationSec: 3600 } });
    for (let i = 0; i < 5; i++) expect(await fail(limiter, `user${i}`, '10.0.0.66')).toBe('ok');
    expect(await fail(limiter, 'user99', '10.0.0.66')).toBe('rate_limited');
    expect(hits).toEqual(['loginFailIp']);
  });

  it('limits prelogin per IP and per username+IP, with no global per-username lock', async () => {
    const { limiter } = limiterWith({ preloginUserIp: { points: 2, durationSec: 60 } });
    expect(await outcome(limiter.prelogin('alice', '10.0.0.1'))).toBe('ok');
    expect(await outcome(limiter.prelogin('alice', '10.0.0.1'))).toBe('ok');
    expect(await outcome(limiter.prelogin('alice', '10.0.0.1'))).toBe('rate_limited');
    for (let i = 2; i < 30; i++) {
      expect(await outcome(limiter.prelogin('alice', `10.0.0.${i}`))).toBe('ok');
    }
  });

  it('limits register and refresh per IP and per account', async () => {
    const { limiter, hits } = limiterWith({
      registerUser: { points: 1, durationSec: 60 },
      refreshIp: { points: 1, durationSec: 60 },
      refreshUser: { points: 1, durationSec: 60 },
    });
    expect(await outcome(limiter.register('bob', '10.0.0.1'))).toBe('ok');
    expect(await outcome(limiter.register('bob', '10.0.0.2'))).toBe('rate_limited');
    expect(await outcome(limiter.refreshByIp('10.0.0.1'))).toBe('ok');
    expect(await outcome(limiter.refreshByIp('10.0.0.1'))).toBe('rate_limited');
    expect(await outcome(limiter.refreshByUser('u1'))).toBe('ok');
    expect(await outcome(limiter.refreshByUser('u1'))).toBe('rate_limited');
    expect(hits).toEqual(['registerUser', 'refreshIp', 'refreshUser']);
  });
});
