import { createHmac } from 'node:crypto';
import { UnsecuredJWT, base64url } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuthResponse } from '@parley/sdk/protocol';
import { startTestServer } from '../../test/helpers.js';
import type { TestServer } from '../../test/helpers.js';
import { authState } from './auth-state.js';
import { verifyAccessToken } from './authenticator.js';
import { errorOf, registerAccount, withToken } from './test-fixtures.js';

let t: TestServer;
let clock = Date.now();
let auth: AuthResponse;
beforeAll(async () => {
  t = await startTestServer({ now: () => clock });
  auth = (await registerAccount(t)).auth;
});
afterAll(async () => {
  await t.close();
});

const me = (authorization: string) => t.fetch('/api/v1/me', { headers: { authorization } });

async function expectRejected(authorization: string, code = 'unauthorized'): Promise<void> {
  const res = await me(authorization);
  expect(res.status).toBe(401);
  expect((await errorOf(res)).code).toBe(code);
}

describe('REST authentication', () => {
  it('accepts the bearer token it issued', async () => {
    expect((await me(`Bearer ${auth.accessToken}`)).status).toBe(200);
  });

  it('rejects a missing, empty or non-bearer authorization header', async () => {
    expect((await t.fetch('/api/v1/me')).status).toBe(401);
    await expectRejected('Bearer ');
    await expectRejected(`Basic ${auth.accessToken}`);
  });

  it('rejects alg "none"', async () => {
    const now = Math.floor(clock / 1000);
    const unsecured = new UnsecuredJWT({ sid: auth.sessionId })
      .setSubject(auth.user.id)
      .setIssuer('parley')
      .setAudience('parley-api')
      .setIssuedAt(now)
      .setExpirationTime(now + 900)
      .encode();
    await expectRejected(`Bearer ${unsecured}`);
  });

  it('rejects HS256 signed with the server public key (algorithm confusion)', async () => {
    const { publicKey } = await authState(t.server.context).tokens();
    const [, body] = auth.accessToken.split('.');
    const head = base64url.encode(JSON.stringify({ alg: 'HS256', typ: 'at+jwt' }));
    const secret = publicKey.export({ format: 'pem', type: 'spki' });
    const sig = createHmac('sha256', secret).update(`${head}.${body}`).digest('base64url');
    await expectRejected(`Bearer ${head}.${body}.${sig}`);
  });

  it('rejects a tampered payload', async () => {
    const [head, , sig] = auth.accessToken.split('.');
    const other = await registerAccount(t);
    const [, otherBody] = other.auth.accessToken.split('.');
    // A valid signature over one body does not carry over to another.
    await expectRejected(`Bearer ${head}.${otherBody}.${sig}`);
  });

  it('answers token_expired once the access token has expired', async () => {
    const saved = clock;
    clock = auth.accessTokenExpiresAt + 1;
    try {
      await expectRejected(`Bearer ${auth.accessToken}`, 'token_expired');
    } finally {
      clock = saved;
    }
    const metrics = await (await t.fetch('/metrics')).text();
    expect(metrics).toMatch(/parley_auth_failures_total\{reason="token_expired"\} [1-9]/);
  });

  it('rejects a refresh token used as an access token', async () => {
    await expectRejected(`Bearer ${auth.refreshToken}`);
  });

  it('rejects the token of a revoked session at once, long before it expires', async () => {
    const { auth: victim } = await registerAccount(t);
    await t.fetch('/api/v1/auth/logout', withToken(victim.accessToken, 'POST'));
    await expectRejected(`Bearer ${victim.accessToken}`);
  });

  it('verifies raw tokens for the socket handshake the same way', async () => {
    const ctx = t.server.context;
    expect(await verifyAccessToken(ctx, auth.accessToken)).toEqual({
      userId: auth.user.id,
      sessionId: auth.sessionId,
    });
    await expect(verifyAccessToken(ctx, 'garbage')).rejects.toMatchObject({ code: 'unauthorized' });
  });
});

describe('tokens across servers', () => {
  it('rejects a token signed by another server with the same issuer and audience', async () => {
    const other = await startTestServer();
    try {
      const { auth: foreign } = await registerAccount(other);
      await expectRejected(`Bearer ${foreign.accessToken}`);
    } finally {
      await other.close();
    }
  });

  it('rejects a wrong audience or issuer from a server sharing the same signing key', async () => {
    for (const overrides of [{ jwtAudience: 'other-api' }, { jwtIssuer: 'other' }]) {
      // Same data folder means same signing key: only the claim differs.
      const twin = await startTestServer({ ...overrides, dataDir: t.dataDir });
      try {
        const { auth: twinAuth } = await registerAccount(twin);
        await expectRejected(`Bearer ${twinAuth.accessToken}`);
      } finally {
        await twin.close();
      }
    }
  });
});
