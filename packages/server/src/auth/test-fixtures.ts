import type { AuthResponse } from '@parley/sdk/protocol';
import { expect } from 'vitest';
import type { TestServer } from '../../test/helpers.js';
import { newAccount } from '../../test/wire-builders.js';
import type { TestAccount } from '../../test/wire-builders.js';

export { newAccount };
export type { TestAccount };

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
