import { io } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChatClient } from '../src/client.js';
import type { ConnectionState } from '../src/transport/connection.js';
import type { SocketFactory } from '../src/transport/socket-factory.js';
import { eventually, registerUser, texts, waitForMessages } from './conversation-helpers.js';
import { startServer } from './test-server.js';
import type { RunningServer } from './test-server.js';

let server: RunningServer;
const clients: ChatClient[] = [];

beforeAll(async () => {
  // Access tokens live 2 s and the hub checks expiry every 100 ms, so a few seconds cover
  // several token lifetimes.
  server = await startServer({ accessTokenTtlSec: 2, realtime: { tokenCheckMs: 100 } });
});
afterAll(async () => {
  for (const client of clients) client.close();
  await server.close();
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('realtime authentication against the real server', () => {
  it('hands the socket fresh tokens, so a long connection is never cut for expiry', async () => {
    const alice = await registerUser(server, 'alice');
    const bob = await registerUser(server, 'bob');
    clients.push(alice.client, bob.client);
    const states: ConnectionState[] = [];
    alice.client.on('connection', (state) => states.push(state));
    await sleep(5000);
    expect(states).toEqual([]);
    const dm = await bob.client.conversations.openDirect(alice.id);
    await dm.send('still connected');
    const view = await alice.client.conversations.openDirect(bob.id);
    await waitForMessages(view, 1);
    expect(texts(view)).toEqual(['still connected']);
    expect(alice.errors).toEqual([]);
  });

  it('after the server ends the socket for an expired token, refreshes and reconnects', async () => {
    // The token hand-over never reaches the server: it ends the session at expiry.
    const deaf: SocketFactory = (url, options) => {
      const socket = io(url, options);
      const emit = socket.emit.bind(socket) as (...args: unknown[]) => unknown;
      (socket as unknown as { emit: (...args: unknown[]) => unknown }).emit = (...args) =>
        args[0] === 'auth:refresh' ? socket : emit(...args);
      return socket;
    };
    const alice = await registerUser(server, 'alice', {
      socketFactory: deaf,
      ackTimeoutMs: 300,
      reconnect: { baseMs: 50, maxMs: 200 },
    });
    clients.push(alice.client);
    const states: ConnectionState[] = [];
    alice.client.on('connection', (state) => states.push(state));
    await eventually(
      () => states.includes('connecting') && alice.client.connection === 'online',
      'a reconnect',
      8000,
    );
    expect(states.slice(0, 3)).toEqual(['offline', 'connecting', 'online']);
  });
});
