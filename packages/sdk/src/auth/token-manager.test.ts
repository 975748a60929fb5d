import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ChatError } from '../errors.js';
import type { TokenPair } from '../protocol/auth.js';
import { TokenManager } from './token-manager.js';
import type { TokenManagerOptions } from './token-manager.js';

const START = Date.UTC(2026, 0, 1);
const MIN = 60_000;

function pair(n: number, issuedAt = Date.now()): TokenPair {
  return {
    accessToken: `access-${n}`,
    accessTokenExpiresAt: issuedAt + 15 * MIN,
    refreshToken: `refresh-${n}`,
    refreshTokenExpiresAt: issuedAt + 30 * 24 * 60 * MIN,
    sessionId: 's1',
  };
}

function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

function setup(overrides: Partial<TokenManagerOptions> = {}) {
  let n = 1;
  const refresh = vi.fn(async (current: TokenPair) => {
    expect(current.refreshToken).toBe(`refresh-${n}`);
    n++;
    return pair(n);
  });
  const onExpired = vi.fn();
  const onRetry = vi.fn();
  const manager = new TokenManager({ refresh, onExpired, onRetry, ...overrides });
  return { manager, refresh, onExpired, onRetry };
}

beforeEach(() => {
  vi.useFakeTimers({ now: START });
});
afterEach(() => {
  vi.useRealTimers();
});

describe('TokenManager', () => {
  it('refreshes one minute before the access token expires, and again after that', async () => {
    const { manager, refresh } = setup();
    manager.set(pair(1));
    await vi.advanceTimersByTimeAsync(14 * MIN - 1);
    expect(refresh).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(1);
    expect(refresh).toHaveBeenCalledTimes(1);
    expect(manager.current?.accessToken).toBe('access-2');
    await vi.advanceTimersByTimeAsync(14 * MIN);
    expect(refresh).toHaveBeenCalledTimes(2);
    expect(await manager.accessToken()).toBe('access-3');
  });

  it('refreshes short-lived tokens at half their lifetime', async () => {
    const short = { ...pair(1), accessTokenExpiresAt: START + 10_000 };
    const { manager, refresh } = setup();
    manager.set(short);
    await vi.advanceTimersByTimeAsync(4_999);
    expect(refresh).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(1);
    expect(refresh).toHaveBeenCalledTimes(1);
  });

  it('returns the current access token without a request while it is fresh', async () => {
    const { manager, refresh } = setup();
    manager.set(pair(1));
    expect(await manager.accessToken()).toBe('access-1');
    expect(refresh).not.toHaveBeenCalled();
  });

  it('refreshes first when the clock says the token has expired (a sleeping tab)', async () => {
    const { manager, refresh } = setup({ timers: { setTimeout: () => 0, clearTimeout: () => {} } });
    manager.set(pair(1));
    vi.setSystemTime(START + 15 * MIN);
    expect(await manager.accessToken()).toBe('access-2');
    expect(refresh).toHaveBeenCalledTimes(1);
  });

  it('coalesces concurrent refreshes into one request', async () => {
    const gate = deferred<TokenPair>();
    const refresh = vi.fn(() => gate.promise);
    const manager = new TokenManager({ refresh, onExpired: vi.fn() });
    manager.set(pair(1));
    vi.setSystemTime(START + 20 * MIN);
    const results = Promise.all([
      manager.accessToken(),
      manager.accessToken(),
      manager.renewAfterRejection('access-1'),
      manager.refresh().then((p) => p.accessToken),
    ]);
    gate.resolve(pair(2));
    expect(await results).toEqual(['access-2', 'access-2', 'access-2', 'access-2']);
    expect(refresh).toHaveBeenCalledTimes(1);
  });

  it('does not refresh again for a rejection of a token that was already replaced', async () => {
    const { manager, refresh } = setup();
    manager.set(pair(1));
    await manager.refresh();
    expect(await manager.renewAfterRejection('access-1')).toBe('access-2');
    expect(refresh).toHaveBeenCalledTimes(1);
    expect(await manager.renewAfterRejection('access-2')).toBe('access-3');
    expect(refresh).toHaveBeenCalledTimes(2);
  });

  it('ends the session when the server rejects the refresh token', async () => {
    const revoked = new ChatError('unauthorized', 'revoked', { status: 401 });
    const onExpired = vi.fn();
    const manager = new TokenManager({ refresh: () => Promise.reject(revoked), onExpired });
    manager.set(pair(1));
    await vi.advanceTimersByTimeAsync(14 * MIN);
    expect(onExpired).toHaveBeenCalledTimes(1);
    expect(onExpired.mock.calls[0]?.[0]).toBe(revoked);
    expect(manager.current).toBeNull();
    await expect(manager.accessToken()).rejects.toMatchObject({ code: 'unauthorized' });
  });

  it('ends the session without a request once the refresh token itself has expired', async () => {
    const { manager, refresh, onExpired } = setup({
      timers: { setTimeout: () => 0, clearTimeout: () => {} },
    });
    manager.set({ ...pair(1), refreshTokenExpiresAt: START + 10 * MIN });
    vi.setSystemTime(START + 16 * MIN);
    await expect(manager.accessToken()).rejects.toMatchObject({ code: 'unauthorized' });
    expect(refresh).not.toHaveBeenCalled();
    expect(onExpired).toHaveBeenCalledTimes(1);
  });

  it('retries a transient failure with backoff, honouring Retry-After', async () => {
    let calls = 0;
    const refresh = vi.fn(async () => {
      calls++;
      if (calls === 1) throw ChatError.network(new TypeError('offline'));
      if (calls === 2) {
        throw new ChatError('rate_limited', 'slow', { status: 429, retryAfterMs: 30_000 });
      }
      return pair(2);
    });
    const onRetry = vi.fn();
    const onExpired = vi.fn();
    const manager = new TokenManager({ refresh, onExpired, onRetry });
    manager.set(pair(1));
    await vi.advanceTimersByTimeAsync(14 * MIN);
    expect(onRetry).toHaveBeenLastCalledWith(
      expect.objectContaining({ code: 'network_error' }),
      2_000,
    );
    await vi.advanceTimersByTimeAsync(2_000);
    expect(onRetry).toHaveBeenLastCalledWith(
      expect.objectContaining({ code: 'rate_limited' }),
      30_000,
    );
    await vi.advanceTimersByTimeAsync(29_999);
    expect(refresh).toHaveBeenCalledTimes(2);
    await vi.advanceTimersByTimeAsync(1);
    expect(refresh).toHaveBeenCalledTimes(3);
    expect(manager.current?.accessToken).toBe('access-2');
    expect(onExpired).not.toHaveBeenCalled();
  });

  it('stops refreshing after clear, and ignores a refresh that lands afterwards', async () => {
    const gate = deferred<TokenPair>();
    const refresh = vi.fn(() => gate.promise);
    const manager = new TokenManager({ refresh, onExpired: vi.fn() });
    manager.set(pair(1));
    const pending = manager.refresh();
    manager.clear();
    gate.resolve(pair(2));
    await expect(pending).rejects.toMatchObject({ code: 'unauthorized' });
    expect(manager.current).toBeNull();
    await vi.advanceTimersByTimeAsync(60 * MIN);
    expect(refresh).toHaveBeenCalledTimes(1);
  });

  it('wraps a non-ChatError failure as internal and keeps the session', async () => {
    const manager = new TokenManager({
      refresh: () => Promise.reject(new Error('bug')),
      onExpired: vi.fn(),
      onRetry: vi.fn(),
    });
    manager.set(pair(1));
    await expect(manager.refresh()).rejects.toMatchObject({ code: 'internal' });
    expect(manager.current?.accessToken).toBe('access-1');
  });

  it('refuses tokens when signed out', async () => {
    const { manager } = setup();
    await expect(manager.accessToken()).rejects.toMatchObject({ code: 'unauthorized' });
    await expect(manager.refresh()).rejects.toBeInstanceOf(ChatError);
  });
});
