import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sessionList, tokenPair } from '@parley/sdk/protocol';
import type { TokenPair } from '@parley/sdk/protocol';
import { startTestServer } from '../../test/helpers.js';
import type { TestServer } from '../../test/helpers.js';
import { onSessionsRevoked } from './session-events.js';
import { errorOf, login, registerAccount, withToken } from './test-fixtures.js';

let t: TestServer;
let clock = Date.now();
beforeAll(async () => {
  t = await startTestServer({
    now: () => clock,
    rateLimits: {
      registerIp: { points: 10_000, durationSec: 3600 },
      loginIp: { points: 10_000, durationSec: 60 },
      refreshIp: { points: 10_000, durationSec: 60 },
    },
  });
});
afterAll(async () => {
  await t.close();
});

async function refresh(refreshToken: string): Promise<Response> {
  return t.post('/api/v1/auth/refresh', { refreshToken });
}

async function refreshOk(refreshToken: string): Promise<TokenPair> {
  const res = await refresh(refreshToken);
  expect(res.status).toBe(200);
  return tokenPair.parse(await res.json());
}

const me = (token: string) => t.fetch('/api/v1/me', withToken(token));

describe('refresh', () => {
  it('rotates on every use: a new pair for the same session, and the new access token works', async () => {
    const { auth } = await registerAccount(t);
    clock += 1000;
    const next = await refreshOk(auth.refreshToken);
    expect(next.sessionId).toBe(auth.sessionId);
    expect(next.refreshToken).not.toBe(auth.refreshToken);
    expect(next.accessToken).not.toBe(auth.accessToken);
    expect((await me(next.accessToken)).status).toBe(200);
    const third = await refreshOk(next.refreshToken);
    expect((await me(third.accessToken)).status).toBe(200);
  });

  it('revokes the whole family when a rotated token is presented again, and audits it', async () => {
    const { account, auth } = await registerAccount(t);
    const revoked: unknown[] = [];
    const off = onSessionsRevoked(t.server.context, (userId, ids) => revoked.push([userId, ids]));
    const legit = await refreshOk(auth.refreshToken);
    // The thief replays the stolen, already rotated token:
    const replay = await refresh(auth.refreshToken);
    off();
    expect(replay.status).toBe(401);
    expect((await errorOf(replay)).code).toBe('unauthorized');
    // Everything of that family is dead, including the legitimate holder's newer tokens.
    expect((await refresh(legit.refreshToken)).status).toBe(401);
    expect((await me(legit.accessToken)).status).toBe(401);
    expect(revoked).toEqual([[account.request.id, [auth.sessionId]]]);
    expect(t.audit).toContainEqual(
      expect.objectContaining({
        event: 'refresh.reuse_detected',
        userId: account.request.id,
        sessionId: auth.sessionId,
      }),
    );
  });

  it('does not touch other sessions of the user when one family is revoked for reuse', async () => {
    const { account, auth } = await registerAccount(t);
    const other = await login(t, account);
    await refreshOk(auth.refreshToken);
    await refresh(auth.refreshToken);
    expect((await me(other.accessToken)).status).toBe(200);
  });

  it('refuses an expired refresh token', async () => {
    const { auth } = await registerAccount(t);
    clock = auth.refreshTokenExpiresAt + 1;
    try {
      expect((await refresh(auth.refreshToken)).status).toBe(401);
    } finally {
      clock = Date.now();
    }
  });

  it('refuses unknown and malformed refresh tokens', async () => {
    expect((await refresh('x'.repeat(43))).status).toBe(401);
    const empty = await t.post('/api/v1/auth/refresh', { refreshToken: '' });
    expect(empty.status).toBe(400);
    expect(await errorOf(empty)).toMatchObject({
      code: 'invalid_input',
      field: 'body.refreshToken',
    });
  });
});

describe('logout and sessions', () => {
  it('logout ends the current session only', async () => {
    const { account, auth } = await registerAccount(t);
    const other = await login(t, account);
    const res = await t.fetch('/api/v1/auth/logout', withToken(auth.accessToken, 'POST'));
    expect(res.status).toBe(204);
    expect((await me(auth.accessToken)).status).toBe(401);
    expect((await refresh(auth.refreshToken)).status).toBe(401);
    expect((await me(other.accessToken)).status).toBe(200);
  });

  it('logout-all ends every session of the user', async () => {
    const { account, auth } = await registerAccount(t);
    const other = await login(t, account);
    const bystander = await registerAccount(t);
    const res = await t.fetch('/api/v1/auth/logout-all', withToken(auth.accessToken, 'POST'));
    expect(res.status).toBe(204);
    expect((await me(auth.accessToken)).status).toBe(401);
    expect((await me(other.accessToken)).status).toBe(401);
    expect((await me(bystander.auth.accessToken)).status).toBe(200);
  });

  it('lists the sessions and marks the current one', async () => {
    const { account, auth } = await registerAccount(t);
    const other = await login(t, account);
    const res = await t.fetch('/api/v1/auth/sessions', withToken(auth.accessToken));
    const { sessions } = sessionList.parse(await res.json());
    expect(sessions.map((s) => [s.id, s.current]).sort()).toEqual(
      [
        [auth.sessionId, true],
        [other.sessionId, false],
      ].sort(),
    );
  });

  it('revokes one of your own sessions', async () => {
    const { account, auth } = await registerAccount(t);
    const other = await login(t, account);
    const res = await t.fetch(
      `/api/v1/auth/sessions/${other.sessionId}`,
      withToken(auth.accessToken, 'DELETE'),
    );
    expect(res.status).toBe(204);
    expect((await me(other.accessToken)).status).toBe(401);
    expect((await me(auth.accessToken)).status).toBe(200);
  });

  it("answers 404 for another user's session and leaves it alive", async () => {
    const alice = await registerAccount(t);
    const bob = await registerAccount(t);
    const res = await t.fetch(
      `/api/v1/auth/sessions/${bob.auth.sessionId}`,
      withToken(alice.auth.accessToken, 'DELETE'),
    );
    expect(res.status).toBe(404);
    expect((await errorOf(res)).code).toBe('not_found');
    expect((await me(bob.auth.accessToken)).status).toBe(200);
  });
});
