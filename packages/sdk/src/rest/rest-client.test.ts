import { createServer as createNetServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as z from 'zod';
import { startServer } from '../../test/test-server.js';
import type { RunningServer } from '../../test/test-server.js';
import { ChatError } from '../errors.js';
import { preloginResponse } from '../protocol/auth.js';
import { RestClient } from './rest-client.js';

let server: RunningServer;

beforeAll(async () => {
  server = await startServer({ rateLimits: { preloginIp: { points: 3, durationSec: 60 } } });
});
afterAll(async () => {
  await server.close();
});

async function closedPortUrl(): Promise<string> {
  const probe = createNetServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const address = probe.address();
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return `http://127.0.0.1:${address.port}`;
}

async function caught(promise: Promise<unknown>): Promise<ChatError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof ChatError) return error;
    throw error;
  }
  throw new Error('expected the call to fail');
}

describe('RestClient', () => {
  it('builds the API base from the server URL, keeping a path prefix', () => {
    expect(new RestClient({ serverUrl: 'https://chat.example.com/' }).baseUrl).toBe(
      'https://chat.example.com/api/v1',
    );
    expect(new RestClient({ serverUrl: 'https://example.com/chat//' }).baseUrl).toBe(
      'https://example.com/chat/api/v1',
    );
  });

  it('rejects a server URL that is not http(s)', () => {
    expect(() => new RestClient({ serverUrl: 'not a url' })).toThrow(TypeError);
    expect(() => new RestClient({ serverUrl: 'file:///etc/passwd' })).toThrow(TypeError);
  });

  it('parses a successful response with its schema', async () => {
    const rest = new RestClient({ serverUrl: server.url });
    const { kdf } = await rest.request('POST', '/auth/prelogin', {
      auth: false,
      body: { username: 'someone' },
      schema: preloginResponse,
    });
    expect(kdf.alg).toBe('argon2id');
  });

  it("maps the server's error body to a ChatError with code, status and field", async () => {
    const rest = new RestClient({ serverUrl: server.url });
    const error = await caught(
      rest.request('POST', '/auth/login', {
        auth: false,
        body: { username: 'x', authKey: 'short' },
      }),
    );
    expect(error).toMatchObject({ code: 'invalid_input', status: 400 });
    expect(error.field).toMatch(/authKey/);
  });

  it('answers an unknown route with not_found', async () => {
    const rest = new RestClient({ serverUrl: server.url });
    expect(await caught(rest.request('GET', '/no/such/route', { auth: false }))).toMatchObject({
      code: 'not_found',
      status: 404,
    });
  });

  it('turns a response of the wrong shape into internal, not a silent wrong value', async () => {
    const rest = new RestClient({ serverUrl: server.url });
    const error = await caught(
      rest.request('POST', '/auth/prelogin', {
        auth: false,
        body: { username: 'someone' },
        schema: z.object({ somethingElse: z.string() }),
      }),
    );
    expect(error.code).toBe('internal');
  });

  it('reads Retry-After from a 429', async () => {
    const rest = new RestClient({ serverUrl: server.url });
    const attempt = () =>
      rest.request('POST', '/auth/prelogin', { auth: false, body: { username: 'limited' } });
    let error: ChatError | undefined;
    for (let i = 0; i < 6 && !error; i++) {
      error = await attempt().then(
        () => undefined,
        (e: unknown) => (e instanceof ChatError ? e : undefined),
      );
    }
    expect(error).toMatchObject({ code: 'rate_limited', status: 429 });
    expect(error?.retryAfterMs).toBeGreaterThan(0);
    expect(error?.retryAfterMs).toBeLessThanOrEqual(60_000);
  });

  it('reports an unreachable server as network_error', async () => {
    const rest = new RestClient({ serverUrl: await closedPortUrl() });
    const error = await caught(rest.request('POST', '/auth/prelogin', { auth: false, body: {} }));
    expect(error.code).toBe('network_error');
    expect(error.cause).toBeDefined();
  });

  it('refuses an authenticated call without a token source, sending nothing', async () => {
    let calls = 0;
    const rest = new RestClient({
      serverUrl: server.url,
      fetch: (input, init) => {
        calls++;
        return fetch(input, init);
      },
    });
    expect(await caught(rest.request('GET', '/me'))).toMatchObject({ code: 'unauthorized' });
    expect(calls).toBe(0);
  });

  it('passes an abort through as the abort, not as a network error', async () => {
    const rest = new RestClient({ serverUrl: server.url });
    const controller = new AbortController();
    controller.abort();
    await expect(
      rest.request('POST', '/auth/prelogin', {
        auth: false,
        body: { username: 'x' },
        signal: controller.signal,
      }),
    ).rejects.toMatchObject({ name: 'AbortError' });
  });
});
