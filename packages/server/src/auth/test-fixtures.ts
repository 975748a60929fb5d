import { randomBytes } from 'node:crypto';
import type { AuthResponse, RegisterRequest } from '@parley/sdk/protocol';
import { expect } from 'vitest';
import type { TestServer } from '../../test/helpers.js';

/**
 * A registration body with random stand-ins for everything the client would derive. The
 * server treats these blobs as opaque (it only checks formats), so random bytes exercise it
 * fully; the authKey is a random 32-byte value because deriving it is the SDK's job.
 */
export interface TestAccount {
  request: RegisterRequest;
  /** The authKey as sent (base64url). */
  authKey: string;
}

const b64u = (n: number): string => randomBytes(n).toString('base64url');

/** A random account; `username` defaults to a fresh unique one. */
export function newAccount(username = `u${randomBytes(5).toString('hex')}`): TestAccount {
  const authKey = b64u(32);
  return {
    authKey,
    request: {
      id: b64u(16),
      username,
      displayName: 'Test User',
      kdf: { alg: 'argon2id', m: 65_536, t: 3, p: 1, salt: b64u(16) },
      authKey,
      wrappedAccountKey: b64u(60),
      encBundle: b64u(2048),
      identityKey: b64u(32),
      keyAgreementKey: {
        kaId: b64u(16),
        pub: b64u(32),
        notBefore: 1_700_000_000_000,
        notAfter: 1_700_000_000_000 + 30 * 86_400_000,
        sig: b64u(64),
      },
    },
  };
}

/** Registers a new random account and returns it with the server's answer. */
export async function registerAccount(
  t: TestServer,
  username?: string,
): Promise<{ account: TestAccount; auth: AuthResponse }> {
  const account = newAccount(username);
  const res = await t.post('/api/v1/auth/register', account.request);
  expect(res.status).toBe(201);
  return { account, auth: (await res.json()) as AuthResponse };
}

/** Logs in and returns the parsed body (expects 200). */
export async function login(
  t: TestServer,
  account: TestAccount,
  ip?: string,
): Promise<AuthResponse> {
  const res = await t.post(
    '/api/v1/auth/login',
    { username: account.request.username, authKey: account.authKey },
    ip ? { 'x-forwarded-for': ip } : {},
  );
  expect(res.status).toBe(200);
  return (await res.json()) as AuthResponse;
}

/** `fetch` options with a bearer token and an optional JSON body. */
export function withToken(token: string, method = 'GET', body?: unknown): RequestInit {
  return {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  };
}

/** Reads an error response's body (`{ error: { code, message, field? } }`). */
export async function errorOf(
  res: Response,
): Promise<{ code: string; message: string; field?: string }> {
  const body = (await res.json()) as { error: { code: string; message: string; field?: string } };
  return body.error;
}
