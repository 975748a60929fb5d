import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChatClient } from '../src/client.js';
import { ChatError } from '../src/errors.js';
import { newClient, startServer, uniqueUsername } from './test-server.js';
import type { RunningServer } from './test-server.js';

let server: RunningServer;
const clients: ChatClient[] = [];

beforeAll(async () => {
  server = await startServer({
    rateLimits: { loginFailUserIp: { points: 2, durationSec: 300 } },
  });
});
afterAll(async () => {
  for (const client of clients) client.close();
  await server.close();
});

describe('rate limits seen from the client', () => {
  it('turns password guessing into rate_limited with a retry delay', async () => {
    const username = uniqueUsername('target');
    const owner = newClient(server);
    clients.push(owner);
    await owner.register({ username, password: 'the real one' });

    const codes: string[] = [];
    let limited: ChatError | undefined;
    for (let attempt = 0; attempt < 5 && !limited; attempt++) {
      const guesser = newClient(server);
      clients.push(guesser);
      try {
        await guesser.login({ username, password: `guess ${attempt}` });
        codes.push('ok');
      } catch (error) {
        if (!(error instanceof ChatError)) throw error;
        codes.push(error.code);
        if (error.code === 'rate_limited') limited = error;
      }
    }
    expect(codes.slice(0, 2)).toEqual(['unauthorized', 'unauthorized']);
    expect(limited?.status).toBe(429);
    expect(limited?.retryAfterMs).toBeGreaterThan(0);
    expect(limited?.retryAfterMs).toBeLessThanOrEqual(300_000);
  });
});
