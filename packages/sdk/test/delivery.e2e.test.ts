import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { io } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clientInternals } from '../src/client.js';
import type { ChatClient } from '../src/client.js';
import { eventPage } from '../src/protocol/conversations.js';
import type { LogEvent } from '../src/protocol/conversations.js';
import { FileStore } from '../src/store/file-store.js';
import { MemoryStore } from '../src/store/memory-store.js';
import type { SocketFactory } from '../src/transport/socket-factory.js';
import type { ConnectionState } from '../src/transport/connection.js';
import {
  eventually,
  online,
  orderedMessages,
  realtimeOf,
  registerUser,
  texts,
  waitForMessages,
} from './conversation-helpers.js';
import { newClient, startServer } from './test-server.js';
import type { RunningServer } from './test-server.js';

let server: RunningServer;
const clients: ChatClient[] = [];
const dirs: string[] = [];

beforeAll(async () => {
  server = await startServer();
});
afterAll(async () => {
  for (const client of clients) client.close();
  await server.close();
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

async function user(prefix: string, options: Parameters<typeof registerUser>[2] = {}) {
  const created = await registerUser(server, prefix, options);
  clients.push(created.client);
  return created;
}

type Listener = (...args: unknown[]) => void;

/**
 * A socket factory whose pushes pass through `intercept` first (with the socket's listeners by
 * event); it returns `true` for a push it swallowed.
 */
function interceptPushes(
  intercept: (event: string, args: unknown[], listeners: ReadonlyMap<string, Listener>) => boolean,
): SocketFactory {
  return (url, options) => {
    const socket = io(url, options);
    const listeners = new Map<string, Listener>();
    const on = socket.on.bind(socket) as (event: string, listener: Listener) => unknown;
    (socket as unknown as { on: typeof on }).on = (event, listener) => {
      listeners.set(event, listener);
      return on(event, (...args: unknown[]) => {
        if (!intercept(event, args, listeners)) listener(...args);
      });
    };
    return socket;
  };
}

/** Every event of a conversation's log, read over REST as `client`. */
async function serverLog(client: ChatClient, id: string): Promise<LogEvent[]> {
  const events: LogEvent[] = [];
  let after = 0;
  for (;;) {
    const page = await clientInternals(client).rest.request(
      'GET',
      `/conversations/${id}/events?after=${after}&limit=200`,
      { schema: eventPage },
    );
    events.push(...page.events);
    if (!page.hasMore || page.events.length === 0) return events;
    after = page.events.at(-1)!.seq;
  }
}

describe('delivery against the real server', () => {
  it('a client offline during 100 messages reconnects and gets all of them in order', async () => {
    const alice = await user('alice');
    const bob = await user('bob');
    const states: ConnectionState[] = [];
    bob.client.on('connection', (state) => states.push(state));
    const dm = await alice.client.conversations.openDirect(bob.id);
    const bobView = await bob.client.conversations.openDirect(alice.id);
    await dm.send('warm-up');
    await waitForMessages(bobView, 1);

    const connection = (await realtimeOf(bob.client)).connection;
    connection.stop();
    const written = Array.from({ length: 100 }, (_, n) => `offline ${n}`);
    for (const text of written) await dm.send(text);
    expect(texts(bobView)).toEqual(['warm-up']);

    // Alice's 101 sends in a few seconds also run into the server's per-user send limit
    // (100 per 10 s): her outbox waits for `retryAfterMs` and goes on, losing nothing.
    connection.start();
    await waitForMessages(bobView, 101);
    expect(texts(bobView)).toEqual(['warm-up', ...written]);
    const seqs = orderedMessages(bobView).map((m) => m.seq);
    expect(seqs).toEqual(orderedMessages(dm).map((m) => m.seq));
    expect(states).toEqual(['offline', 'connecting', 'online']);
    expect(bob.errors).toEqual([]);
  });

  it('a resend after a lost acknowledgement does not duplicate', async () => {
    let dropAfterSend = false;
    let dropped = 0;
    const lossy: SocketFactory = (url, options) => {
      const socket = io(url, options);
      const emit = socket.emit.bind(socket) as (...args: unknown[]) => unknown;
      (socket as unknown as { emit: (...args: unknown[]) => unknown }).emit = (...args) => {
        const result = emit(...args);
        if (args[0] === 'send' && dropAfterSend) {
          dropAfterSend = false;
          dropped++;
          // The packet is flushed, then the transport closes: the server stores the message
          // but its acknowledgement has nowhere to go.
          socket.io.engine.close();
        }
        return result;
      };
      return socket;
    };
    const alice = await user('alice', {
      socketFactory: lossy,
      reconnect: { baseMs: 50, maxMs: 200 },
    });
    const bob = await user('bob');
    const dm = await alice.client.conversations.openDirect(bob.id);
    await dm.send('before');
    dropAfterSend = true;
    const sent = await dm.send('exactly once');
    expect(dropped).toBe(1);
    expect(sent.status).toBe('sent');
    await dm.send('after');

    const log = await serverLog(alice.client, dm.id);
    const stored = log.filter((e) => e.kind === 'message');
    expect(stored).toHaveLength(3);
    expect(stored.filter((e) => e.kind === 'message' && e.id === sent.id)).toHaveLength(1);
    const bobView = await bob.client.conversations.openDirect(alice.id);
    await waitForMessages(bobView, 3);
    expect(texts(bobView)).toEqual(['before', 'exactly once', 'after']);
    expect(texts(dm)).toEqual(['before', 'exactly once', 'after']);
  });

  it('a reloaded client (same FileStore) resends its outbox', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'parley-reload-'));
    dirs.push(dir);
    const alice = await user('alice', { storage: new FileStore(dir) });
    const bob = await user('bob');
    const dm = await alice.client.conversations.openDirect(bob.id);
    await dm.send('sent before the crash');

    // Offline: the messages only reach the outbox, then the "tab" goes away.
    (await realtimeOf(alice.client)).connection.stop();
    const pending = [dm.send('queued 1'), dm.send('queued 2')];
    for (const p of pending) p.catch(() => undefined);
    await eventually(
      () => dm.messages.filter((m) => m.status === 'pending').length === 2,
      'pending',
    );
    alice.client.close();

    const reloaded = newClient(server, { storage: new FileStore(dir) });
    clients.push(reloaded);
    expect(await reloaded.resume()).toBe(true);
    // The cache shows history and the outbox at once, before the network answers.
    const [cached] = await reloaded.conversations.cached();
    expect(cached?.messages.map((m) => [m.text, m.status])).toEqual([
      ['sent before the crash', 'sent'],
      ['queued 1', 'pending'],
      ['queued 2', 'pending'],
    ]);
    await online(reloaded);
    await waitForMessages(cached!, 3);
    const bobView = await bob.client.conversations.openDirect(alice.id);
    await waitForMessages(bobView, 3);
    expect(texts(bobView)).toEqual(['sent before the crash', 'queued 1', 'queued 2']);
    const stored = (await serverLog(reloaded, dm.id)).filter((e) => e.kind === 'message');
    expect(stored).toHaveLength(3);
  });

  it('a reloaded client (same MemoryStore) resends a message whose acknowledgement was lost', async () => {
    const store = new MemoryStore();
    let crashAfterSend = false;
    let crashed: (() => void) | undefined;
    const crashing: SocketFactory = (url, options) => {
      const socket = io(url, options);
      const emit = socket.emit.bind(socket) as (...args: unknown[]) => unknown;
      (socket as unknown as { emit: (...args: unknown[]) => unknown }).emit = (...args) => {
        const result = emit(...args);
        if (args[0] === 'send' && crashAfterSend) {
          crashAfterSend = false;
          socket.io.engine.close();
          crashed?.();
        }
        return result;
      };
      return socket;
    };
    const alice = await user('alice', { storage: store, socketFactory: crashing });
    const bob = await user('bob');
    const dm = await alice.client.conversations.openDirect(bob.id);
    crashAfterSend = true;
    const gone = new Promise<void>((resolve) => {
      crashed = resolve;
    });
    dm.send('in flight').catch(() => undefined);
    await gone;
    alice.client.close();

    const reloaded = newClient(server, { storage: store });
    clients.push(reloaded);
    expect(await reloaded.resume()).toBe(true);
    const bobView = await bob.client.conversations.openDirect(alice.id);
    await waitForMessages(bobView, 1);
    const view = await reloaded.conversations.get(dm.id);
    await eventually(
      () => view.messages.every((m) => m.status === 'sent'),
      'the resend is acknowledged',
    );
    expect(texts(view)).toEqual(['in flight']);
    expect((await serverLog(reloaded, dm.id)).filter((e) => e.kind === 'message')).toHaveLength(1);
  });

  it('a lost push reveals a gap by seq, and sync fills it without a reconnect', async () => {
    let dropNext = false;
    let dropped = 0;
    const leaky = interceptPushes((event) => {
      if (event !== 'event' || !dropNext) return false;
      dropNext = false;
      dropped++;
      return true;
    });
    const alice = await user('alice');
    const bob = await user('bob', { socketFactory: leaky });
    const states: ConnectionState[] = [];
    bob.client.on('connection', (state) => states.push(state));
    const dm = await alice.client.conversations.openDirect(bob.id);
    const bobView = await bob.client.conversations.openDirect(alice.id);
    await dm.send('one');
    await waitForMessages(bobView, 1);
    dropNext = true;
    await dm.send('two (push lost)');
    await dm.send('three');
    await waitForMessages(bobView, 3);
    expect(dropped).toBe(1);
    expect(texts(bobView)).toEqual(['one', 'two (push lost)', 'three']);
    expect(states).toEqual([]);
  });

  it("applies an `events` frame (one group commit's messages) in order", async () => {
    // Bob's socket regroups two pushed events into one `events` frame, as the server sends
    // the messages of one conversation that were committed together.
    let groupNext = 0;
    const held: unknown[] = [];
    let hadEventsListener = false;
    const grouping = interceptPushes((event, args, listeners) => {
      if (event !== 'event' || groupNext === 0) return false;
      held.push(args[0]);
      const onEvents = listeners.get('events');
      hadEventsListener = onEvents !== undefined;
      if (--groupNext === 0) onEvents?.(held.splice(0));
      return true;
    });
    const alice = await user('alice');
    const bob = await user('bob', { socketFactory: grouping });
    const dm = await alice.client.conversations.openDirect(bob.id);
    const bobView = await bob.client.conversations.openDirect(alice.id);
    await dm.send('one');
    await waitForMessages(bobView, 1);
    groupNext = 2;
    await dm.send('two');
    await dm.send('three');
    await waitForMessages(bobView, 3);
    expect(hadEventsListener).toBe(true);
    expect(held).toEqual([]);
    expect(texts(bobView)).toEqual(['one', 'two', 'three']);
  });

  it('logout closes the socket and deletes the outbox and the message cache', async () => {
    const store = new MemoryStore();
    const alice = await user('alice', { storage: store });
    const bob = await user('bob');
    const dm = await alice.client.conversations.openDirect(bob.id);
    await dm.send('cached then purged');
    const keysBefore = [`parley:${alice.id}:cache:${dm.id}:messages`];
    await eventually(
      async () => (await store.get(keysBefore[0]!)) !== undefined,
      'the cache write',
    );
    await alice.client.logout();
    await eventually(() => alice.client.connection === 'offline', 'the socket closes');
    await eventually(async () => (await store.get(keysBefore[0]!)) === undefined, 'the purge');
    expect(await store.get(`parley:${alice.id}:conversations:index`)).toBeUndefined();
    expect(await store.get(`parley:${alice.id}:outbox:items`)).toBeUndefined();
    await expect(alice.client.conversations.list()).rejects.toMatchObject({ code: 'unauthorized' });
  });
});
