import { describe, expect, it, vi } from 'vitest';
import { SESSION_KEY } from '../src/auth/stored-session.js';
import type { StoredSession } from '../src/auth/stored-session.js';
import type { ChatClient } from '../src/client.js';
import { MemoryStore } from '../src/store/memory-store.js';
import { ManualClock } from './manual-clock.js';
import { sessionEvents, uniqueUsername, useTestServer } from './test-server.js';

const MINUTE = 60_000;

const suite = useTestServer({ autoConnect: false });
const client = (options: Parameters<typeof suite.client>[0] = {}): ChatClient =>
  suite.client(options);

async function storedSession(store: MemoryStore): Promise<StoredSession> {
  return (await store.get(SESSION_KEY)) as StoredSession;
}

async function postRefresh(refreshToken: string): Promise<number> {
  const response = await fetch(`${suite.server.url}/api/v1/auth/refresh`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ refreshToken }),
  });
  await response.body?.cancel();
  return response.status;
}

describe('session refresh against the real server', () => {
  it('rotates the refresh token automatically shortly before the access token expires', async () => {
    const clock = new ManualClock();
    const store = new MemoryStore();
    const c = client({ storage: store, now: clock.now, timers: clock });
    await c.register({ username: uniqueUsername('rot'), password: 'pw' });
    const first = await storedSession(store);
    expect(clock.pendingCount).toBe(1);

    clock.advance(13 * MINUTE);
    expect((await storedSession(store)).refreshToken).toBe(first.refreshToken);

    clock.advance(1 * MINUTE + 5_000);
    await vi.waitFor(async () => {
      expect((await storedSession(store)).refreshToken).not.toBe(first.refreshToken);
    });
    const second = await storedSession(store);
    expect(second.sessionId).toBe(first.sessionId);
    expect(second.accountKey).toBe(first.accountKey);
    await vi.waitFor(() => expect(clock.pendingCount).toBe(1));
    // The new tokens work, and the old refresh token is dead.
    expect(await c.sessions()).toHaveLength(1);

    clock.advance(15 * MINUTE);
    await vi.waitFor(async () => {
      expect((await storedSession(store)).refreshToken).not.toBe(second.refreshToken);
    });
  });

  it('treats reuse of a rotated refresh token as theft: the session ends for its holder', async () => {
    const clock = new ManualClock();
    const store = new MemoryStore();
    const c = client({ storage: store, now: clock.now, timers: clock });
    const events = sessionEvents(c);
    await c.register({ username: uniqueUsername('reuse'), password: 'pw' });
    const stolen = (await storedSession(store)).refreshToken;
    clock.advance(14 * MINUTE + 5_000);
    await vi.waitFor(async () => {
      expect((await storedSession(store)).refreshToken).not.toBe(stolen);
    });
    // An attacker replays the old token: refused, and the whole family is revoked.
    expect(await postRefresh(stolen)).toBe(401);
    await expect(c.sessions()).rejects.toMatchObject({ code: 'unauthorized' });
    expect(events).toEqual(['signed-in', 'expired']);
    expect(await store.get(SESSION_KEY)).toBeUndefined();
  });

  it('refreshes and retries once when the server says the access token expired', async () => {
    const c = client();
    await c.register({ username: uniqueUsername('late'), password: 'pw' });
    const refreshes = vi.fn();
    const realFetch = globalThis.fetch;
    const counting = client({
      fetch: (input, init) => {
        if (String(input).endsWith('/auth/refresh')) refreshes();
        return realFetch(input, init);
      },
    });
    await counting.login({ username: c.me?.username ?? '', password: 'pw' });
    // The server's clock moves past the access token's expiry; the client's does not, as
    // after a laptop sleeps with a wrong clock: only the server's answer reveals it.
    suite.server.advanceClock(16 * MINUTE);
    try {
      expect(await counting.sessions()).toHaveLength(2);
      expect(refreshes).toHaveBeenCalledTimes(1);
    } finally {
      suite.server.advanceClock(-16 * MINUTE);
    }
  });

  it('coalesces the refreshes of concurrent requests into one', async () => {
    const refreshes = vi.fn();
    const realFetch = globalThis.fetch;
    const c = client({
      fetch: (input, init) => {
        if (String(input).endsWith('/auth/refresh')) refreshes();
        return realFetch(input, init);
      },
    });
    await c.register({ username: uniqueUsername('many'), password: 'pw' });
    suite.server.advanceClock(16 * MINUTE);
    try {
      const lists = await Promise.all([c.sessions(), c.sessions(), c.sessions(), c.sessions()]);
      expect(lists.map((l) => l.length)).toEqual([1, 1, 1, 1]);
      expect(refreshes).toHaveBeenCalledTimes(1);
    } finally {
      suite.server.advanceClock(-16 * MINUTE);
    }
  });

  it("tells a revoked session's client that its session expired", async () => {
    const username = uniqueUsername('rev');
    const clockB = new ManualClock();
    const a = client();
    await a.register({ username, password: 'pw' });
    const b = client({ now: clockB.now, timers: clockB });
    const eventsB = sessionEvents(b);
    await b.login({ username, password: 'pw' });
    const other = (await a.sessions()).find((s) => !s.current);
    expect(other).toBeDefined();
    await a.revokeSession(other?.id ?? '');
    expect(a.me).not.toBeNull();

    // B only learns at its next refresh: it is scheduled, not requested by the app.
    clockB.advance(14 * MINUTE + 5_000);
    await vi.waitFor(() => expect(eventsB).toEqual(['signed-in', 'expired']));
    expect(b.me).toBeNull();
  });

  it('revoking the current session signs this client out', async () => {
    const c = client();
    const events = sessionEvents(c);
    await c.register({ username: uniqueUsername('self'), password: 'pw' });
    const current = (await c.sessions()).find((s) => s.current);
    await c.revokeSession(current?.id ?? '');
    expect(events).toEqual(['signed-in', 'signed-out']);
    expect(c.me).toBeNull();
  });

  it('logout everywhere ends the sessions of the other devices', async () => {
    const username = uniqueUsername('all');
    const a = client();
    await a.register({ username, password: 'pw' });
    const b = client();
    const eventsB = sessionEvents(b);
    await b.login({ username, password: 'pw' });
    await a.logoutEverywhere();
    expect(a.me).toBeNull();
    await expect(b.sessions()).rejects.toMatchObject({ code: 'unauthorized' });
    expect(eventsB).toEqual(['signed-in', 'expired']);
  });

  it('a stored session whose refresh token was revoked resumes to false with an expired event', async () => {
    const store = new MemoryStore();
    const a = client({ storage: store });
    await a.register({ username: uniqueUsername('gone'), password: 'pw' });
    a.close();
    const { refreshToken } = await storedSession(store);
    expect(await postRefresh(refreshToken)).toBe(200);
    // The stored token is now the rotated-out one: using it revokes the family.
    const again = client({ storage: store });
    const events = sessionEvents(again);
    expect(await again.resume()).toBe(false);
    expect(events).toEqual(['expired']);
  });

  it('keeps the stored session when the server cannot be reached', async () => {
    const store = new MemoryStore();
    const a = client({ storage: store });
    await a.register({ username: uniqueUsername('net'), password: 'pw' });
    a.close();
    const offline = client({
      storage: store,
      fetch: () => Promise.reject(new TypeError('fetch failed')),
    });
    await expect(offline.resume()).rejects.toMatchObject({ code: 'network_error' });
    expect(await store.get(SESSION_KEY)).toBeDefined();
    expect(await client({ storage: store }).resume()).toBe(true);
  });
});
