import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KDF_DEFAULTS, accountKeys, authResponse, preloginResponse } from '@parley/sdk/protocol';
import { startTestServer } from '../../test/helpers.js';
import type { TestServer } from '../../test/helpers.js';
import { onSessionsRevoked } from './session-events.js';
import { errorOf, login, newAccount, registerAccount, withToken } from './test-fixtures.js';

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer({
    trustProxy: true,
    // Many accounts come from one test IP; the brute-force tests use their own IPs.
    rateLimits: {
      registerIp: { points: 10_000, durationSec: 3600 },
      loginIp: { points: 10_000, durationSec: 60 },
      loginFailIp: { points: 10_000, durationSec: 3600 },
    },
  });
});
afterAll(async () => {
  await t.close();
});

const prelogin = async (username: string) => {
  const res = await t.post('/api/v1/auth/prelogin', { username });
  expect(res.status).toBe(200);
  return preloginResponse.parse(await res.json()).kdf;
};

describe('register', () => {
  it('creates the account, signs in, and hands back exactly the keys it was given', async () => {
    const { account, auth } = await registerAccount(t);
    expect(authResponse.parse(auth)).toEqual(auth);
    const { request } = account;
    expect(auth.user).toEqual({
      id: request.id,
      username: request.username,
      displayName: 'Test User',
    });
    expect(auth.keys).toEqual({
      kdf: request.kdf,
      wrappedAccountKey: request.wrappedAccountKey,
      encBundle: request.encBundle,
      identityKey: request.identityKey,
      keyAgreementKeys: [request.keyAgreementKey],
    });
    const me = await t.fetch('/api/v1/me', withToken(auth.accessToken));
    expect(await me.json()).toEqual(auth.user);
    const keys = await t.fetch('/api/v1/me/keys', withToken(auth.accessToken));
    expect(accountKeys.parse(await keys.json())).toEqual(auth.keys);
    expect(t.audit).toContainEqual(
      expect.objectContaining({ event: 'register', userId: request.id }),
    );
  });

  it('answers 409 username_taken for a taken name and 409 conflict for a taken id', async () => {
    const { account } = await registerAccount(t);
    const sameName = newAccount(account.request.username);
    const res1 = await t.post('/api/v1/auth/register', sameName.request);
    expect(res1.status).toBe(409);
    expect((await errorOf(res1)).code).toBe('username_taken');
    const sameId = newAccount();
    sameId.request.id = account.request.id;
    const res2 = await t.post('/api/v1/auth/register', sameId.request);
    expect(res2.status).toBe(409);
    expect((await errorOf(res2)).code).toBe('conflict');
  });

  it('answers malformed bodies with 400 invalid_input naming the field', async () => {
    const cases: [string, (r: Record<string, unknown>) => void][] = [
      ['body.authKey', (r) => delete r.authKey],
      ['body.username', (r) => (r.username = 'Not Valid!')],
      ['body.identityKey', (r) => (r.identityKey = 'short')],
      ['body.kdf.m', (r) => (r.kdf = { ...(r.kdf as object), m: 1024 })],
      // Right length and alphabet, but unused low bits set: not canonical base64url.
      ['body.identityKey', (r) => (r.identityKey = `${'A'.repeat(42)}B`)],
      [
        'body.keyAgreementKey.notAfter',
        (r) => ((r.keyAgreementKey as { notAfter: number }).notAfter = 1),
      ],
    ];
    for (const [field, mutate] of cases) {
      const body = structuredClone(newAccount().request) as unknown as Record<string, unknown>;
      mutate(body);
      const res = await t.post('/api/v1/auth/register', body);
      expect(res.status, field).toBe(400);
      expect(await errorOf(res)).toMatchObject({ code: 'invalid_input', field });
    }
  });
});

describe('prelogin', () => {
  it("returns an account's own KDF parameters, whatever the username's case", async () => {
    const { account } = await registerAccount(t);
    expect(await prelogin(account.request.username)).toEqual(account.request.kdf);
    expect(await prelogin(account.request.username.toUpperCase())).toEqual(account.request.kdf);
  });

  it('answers an unknown username with default parameters and a stable, per-name salt', async () => {
    const first = await prelogin('nobody-here');
    expect(first).toMatchObject({ ...KDF_DEFAULTS, salt: expect.stringMatching(/^[\w-]{22}$/) });
    expect(await prelogin('nobody-here')).toEqual(first);
    expect((await prelogin('nobody-else')).salt).not.toBe(first.salt);
  });
});

describe('login', () => {
  it('signs in with the right authKey and returns the keys', async () => {
    const { account, auth } = await registerAccount(t);
    const again = await login(t, account);
    expect(again.user).toEqual(auth.user);
    expect(again.keys).toEqual(auth.keys);
    expect(again.sessionId).not.toBe(auth.sessionId);
  });

  it('gives an unknown user and a wrong key the identical answer', async () => {
    const { account } = await registerAccount(t);
    const wrongKey = await t.post('/api/v1/auth/login', {
      username: account.request.username,
      authKey: newAccount().authKey,
    });
    const unknown = await t.post('/api/v1/auth/login', {
      username: 'nobody-at-all',
      authKey: account.authKey,
    });
    expect(wrongKey.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect(await wrongKey.text()).toBe(await unknown.text());
    const failures = t.audit.filter((e) => e.event === 'login.failure');
    expect(failures.some((e) => e.userId === account.request.id)).toBe(true);
    expect(JSON.stringify(failures)).not.toContain('nobody-at-all');
  });

  it('does not accept the stored argon2 hash in place of the authKey', async () => {
    const { account } = await registerAccount(t);
    const user = await t.server.context.store.findUserByUsername(account.request.username);
    const phc = user?.authHash ?? '';
    const rawHash = Buffer.from(phc.split('$').at(-1) ?? '', 'base64').toString('base64url');
    expect(rawHash).toHaveLength(43);
    const asKey = await t.post('/api/v1/auth/login', {
      username: account.request.username,
      authKey: rawHash,
    });
    expect(asKey.status).toBe(401);
    const asString = await t.post('/api/v1/auth/login', {
      username: account.request.username,
      authKey: phc,
    });
    expect(asString.status).toBe(400);
  });

  it('throttles brute force on one account with 429s while the owner logs in from another IP', async () => {
    const { account } = await registerAccount(t);
    const guess = () =>
      t.post(
        '/api/v1/auth/login',
        { username: account.request.username, authKey: newAccount().authKey },
        { 'x-forwarded-for': '203.0.113.66' },
      );
    const statuses: number[] = [];
    for (let i = 0; i < 12; i++) statuses.push((await guess()).status);
    expect(statuses.slice(0, 10)).toEqual(Array(10).fill(401));
    expect(statuses.slice(10)).toEqual([429, 429]);
    const limited = await guess();
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await errorOf(limited)).code).toBe('rate_limited');
    // Even the right key from the attacker's IP waits ...
    const rightFromAttacker = await t.post(
      '/api/v1/auth/login',
      { username: account.request.username, authKey: account.authKey },
      { 'x-forwarded-for': '203.0.113.66' },
    );
    expect(rightFromAttacker.status).toBe(429);
    // ... but the owner elsewhere is not locked out.
    await login(t, account, '198.51.100.7');
    const metrics = await (await t.fetch('/metrics')).text();
    expect(metrics).toMatch(/parley_rate_limit_hits_total\{limiter="loginFailUserIp"\} [1-9]/);
    expect(metrics).toMatch(/parley_auth_failures_total\{reason="bad_credentials"\} [1-9]/);
  });
});

describe('password change', () => {
  it('requires the current authKey', async () => {
    const { auth } = await registerAccount(t);
    const body = { ...passwordChange(), currentAuthKey: newAccount().authKey };
    const res = await t.fetch('/api/v1/auth/password', withToken(auth.accessToken, 'POST', body));
    expect(res.status).toBe(401);
  });

  it('replaces the login material, keeps this session and ends every other one', async () => {
    const { account, auth } = await registerAccount(t);
    const other = await login(t, account);
    const revoked: unknown[] = [];
    const off = onSessionsRevoked(t.server.context, (userId, ids) => revoked.push([userId, ids]));
    const change = passwordChange(account.authKey);
    const res = await t.fetch('/api/v1/auth/password', withToken(auth.accessToken, 'POST', change));
    off();
    expect(res.status).toBe(204);
    expect(revoked).toEqual([[account.request.id, [other.sessionId]]]);

    const oldKey = await t.post('/api/v1/auth/login', {
      username: account.request.username,
      authKey: account.authKey,
    });
    expect(oldKey.status).toBe(401);
    const fresh = await login(t, { ...account, authKey: change.newAuthKey });
    expect(fresh.keys.kdf).toEqual(change.newKdf);
    expect(fresh.keys.wrappedAccountKey).toBe(change.newWrappedAccountKey);
    expect(fresh.keys.encBundle).toBe(account.request.encBundle);
    expect(await prelogin(account.request.username)).toEqual(change.newKdf);

    expect((await t.fetch('/api/v1/me', withToken(other.accessToken))).status).toBe(401);
    const otherRefresh = await t.post('/api/v1/auth/refresh', { refreshToken: other.refreshToken });
    expect(otherRefresh.status).toBe(401);
    expect((await t.fetch('/api/v1/me', withToken(auth.accessToken))).status).toBe(200);
    expect(t.audit).toContainEqual(
      expect.objectContaining({ event: 'password.changed', userId: account.request.id }),
    );
  });
});

describe('account deletion and bundle', () => {
  it('deletes the account only with the right authKey, ending every session', async () => {
    const { account, auth } = await registerAccount(t);
    const wrong = await t.fetch(
      '/api/v1/account',
      withToken(auth.accessToken, 'DELETE', { authKey: newAccount().authKey }),
    );
    expect(wrong.status).toBe(401);
    const res = await t.fetch(
      '/api/v1/account',
      withToken(auth.accessToken, 'DELETE', { authKey: account.authKey }),
    );
    expect(res.status).toBe(204);
    expect((await t.fetch('/api/v1/me', withToken(auth.accessToken))).status).toBe(401);
    const relogin = await t.post('/api/v1/auth/login', {
      username: account.request.username,
      authKey: account.authKey,
    });
    expect(relogin.status).toBe(401);
    expect((await prelogin(account.request.username)).salt).not.toBe(account.request.kdf.salt);
  });

  it('replaces the encrypted bundle', async () => {
    const { auth } = await registerAccount(t);
    const encBundle = newAccount().request.encBundle;
    const res = await t.fetch(
      '/api/v1/me/keys/bundle',
      withToken(auth.accessToken, 'PUT', { encBundle }),
    );
    expect(res.status).toBe(204);
    const keys = accountKeys.parse(
      await (await t.fetch('/api/v1/me/keys', withToken(auth.accessToken))).json(),
    );
    expect(keys.encBundle).toBe(encBundle);
  });

  it('refuses the account routes without a token', async () => {
    for (const [path, method] of [
      ['/api/v1/me', 'GET'],
      ['/api/v1/me/keys', 'GET'],
      ['/api/v1/auth/sessions', 'GET'],
    ]) {
      const res = await t.fetch(path ?? '', { method });
      expect(res.status).toBe(401);
      expect((await errorOf(res)).code).toBe('unauthorized');
    }
  });
});

function passwordChange(currentAuthKey = newAccount().authKey) {
  const next = newAccount();
  return {
    currentAuthKey,
    newKdf: { ...next.request.kdf, m: 131_072 },
    newAuthKey: next.authKey,
    newWrappedAccountKey: next.request.wrappedAccountKey,
  };
}

describe('hash upgrades', () => {
  it('rehashes an authKey with raised server parameters when it is next presented', async () => {
    const first = await registerAccount(t);
    const second = await registerAccount(t);
    // Same data folder, so same accounts and signing key; only the hash parameters are raised.
    const stronger = await startTestServer({
      dataDir: t.dataDir,
      authHash: { memoryKiB: 19_456, timeCost: 3 },
    });
    const hashOf = async (id: string) =>
      (await stronger.server.context.store.findUserById(id))?.authHash;
    try {
      await login(stronger, first.account);
      expect(await hashOf(first.account.request.id)).toMatch(
        /^\$argon2id\$v=19\$m=19456,p=1,t=3\$/,
      );
      // A password change that triggers the upgrade itself must not trip over its own rehash.
      const change = passwordChange(second.account.authKey);
      const init = withToken(second.auth.accessToken, 'POST', change);
      const res = await stronger.fetch('/api/v1/auth/password', init);
      expect(res.status).toBe(204);
      await login(stronger, { ...second.account, authKey: change.newAuthKey });
    } finally {
      await stronger.close();
    }
  });
});
