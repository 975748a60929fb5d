import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server } from 'socket.io';
import type { Socket as ServerSocket } from 'socket.io';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ChatError } from '../errors.js';
import { sendAck } from '../protocol/realtime.js';
import { Connection } from './connection.js';
import type { ConnectionState, ConnectionTokens } from './connection.js';

/**
 * A real Socket.io server with a scripted handshake, standing in for the Parley server's
 * realtime hub so the connection's reactions (refresh, backoff, session end) can be observed.
 */
interface Hub {
  url: string;
  io: Server;
  /** Tokens seen by the handshake, in order. */
  handshakes: string[];
  /** Tokens handed over through `auth:refresh`. */
  refreshed: string[];
  /** What the handshake answers for a token (`null` accepts). */
  refuse: (token: string) => string | null;
  sockets(): ServerSocket[];
  close(): Promise<void>;
}

async function startHub(): Promise<Hub> {
  const http = createServer();
  const io = new Server(http);
  const hub: Hub = {
    url: '',
    io,
    handshakes: [],
    refreshed: [],
    refuse: () => null,
    sockets: () => [...io.sockets.sockets.values()],
    close: () => new Promise((resolve) => void io.close(() => resolve())),
  };
  io.use((socket, next) => {
    const token = String((socket.handshake.auth as { token?: unknown }).token);
    hub.handshakes.push(token);
    const code = hub.refuse(token);
    if (code === null) return next();
    const error = new Error(code) as Error & { data: unknown };
    error.data = { code, message: code };
    next(error);
  });
  io.on('connection', (socket) => {
    socket.on('auth:refresh', (request: { token: string }, ack: (r: unknown) => void) => {
      hub.refreshed.push(request.token);
      ack({ ok: true, expiresAt: Date.now() + 60_000 });
    });
    socket.on('send', (_request: unknown, ack: (r: unknown) => void) => {
      ack({ ok: true, id: 'AAAAAAAAAAAAAAAAAAAAAA', seq: 1, ts: 1 });
    });
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  hub.url = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
  return hub;
}

/** Tokens numbered by refresh: `t1`, `t2` …; `fail` makes refresh reject like an ended session. */
function fakeTokens(expiresInMs = 600_000): ConnectionTokens & { n: number; fail: boolean } {
  const tokens = {
    n: 1,
    fail: false,
    expiry: Date.now() + expiresInMs,
    accessToken: async () => `t${tokens.n}`,
    refresh: async () => {
      if (tokens.fail) throw new ChatError('unauthorized', 'ended', { status: 401 });
      tokens.n++;
      tokens.expiry = Date.now() + expiresInMs;
      return `t${tokens.n}`;
    },
    expiresAt: () => tokens.expiry,
  };
  return tokens;
}

function until(check: () => boolean, timeoutMs = 5000): Promise<void> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const poll = () => {
      if (check()) resolve();
      else if (Date.now() - started > timeoutMs) reject(new Error('condition not reached'));
      else setTimeout(poll, 5);
    };
    poll();
  });
}

let hub: Hub;
let connection: Connection | undefined;

beforeEach(async () => {
  hub = await startHub();
});
afterEach(async () => {
  connection?.stop();
  connection = undefined;
  await hub.close();
});

function connect(tokens: ConnectionTokens, extra: { refreshMarginMs?: number } = {}) {
  const states: ConnectionState[] = [];
  let onlineCount = 0;
  connection = new Connection({
    serverUrl: hub.url,
    tokens,
    backoff: { baseMs: 20, maxMs: 100 },
    ackTimeoutMs: 1000,
    onStateChange: (state) => states.push(state),
    onOnline: () => onlineCount++,
    ...extra,
  });
  connection.start();
  return { states, online: () => onlineCount, connection };
}

describe('Connection', () => {
  it('connects with the access token and reports connecting, then online', async () => {
    const { states, connection: c } = connect(fakeTokens());
    await until(() => c.state === 'online');
    expect(states).toEqual(['connecting', 'online']);
    expect(hub.handshakes).toEqual(['t1']);
  });

  it('refreshes an expired token before reconnecting', async () => {
    hub.refuse = (token) => (token === 't1' ? 'token_expired' : null);
    const { connection: c } = connect(fakeTokens());
    await until(() => c.state === 'online');
    expect(hub.handshakes).toEqual(['t1', 't2']);
  });

  it('reconnects with backoff after the server drops the connection', async () => {
    const { connection: c, online, states } = connect(fakeTokens());
    await until(() => c.state === 'online');
    for (const socket of hub.sockets()) socket.conn.close();
    await until(() => online() === 2);
    expect(states).toEqual(['connecting', 'online', 'offline', 'connecting', 'online']);
  });

  it('keeps retrying while the server refuses with "unavailable"', async () => {
    let refusals = 3;
    hub.refuse = () => (refusals-- > 0 ? 'unavailable' : null);
    const { connection: c } = connect(fakeTokens());
    await until(() => c.state === 'online');
    expect(hub.handshakes).toHaveLength(4);
  });

  it('stops for good when the session has ended (refresh answers 401)', async () => {
    hub.refuse = () => 'unauthorized';
    const tokens = fakeTokens();
    tokens.fail = true;
    const { connection: c } = connect(tokens);
    await until(() => hub.handshakes.length === 1);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(c.state).toBe('offline');
    expect(hub.handshakes).toHaveLength(1);
  });

  it('after session:ended for expiry, refreshes and comes back', async () => {
    const { connection: c, online } = connect(fakeTokens());
    await until(() => c.state === 'online');
    for (const socket of hub.sockets()) {
      socket.emit('session:ended', { reason: 'token_expired' });
      socket.disconnect(true);
    }
    await until(() => online() === 2);
    expect(hub.handshakes).toEqual(['t1', 't2']);
  });

  it('hands the socket a fresh token before the current one expires', async () => {
    const tokens = fakeTokens(400);
    const { connection: c } = connect(tokens, { refreshMarginMs: 300 });
    await until(() => c.state === 'online');
    await until(() => hub.refreshed.length >= 1);
    expect(hub.refreshed[0]).toBe('t2');
    expect(hub.handshakes).toEqual(['t1']);
  });

  it('resolves requests with the validated acknowledgement', async () => {
    const { connection: c } = connect(fakeTokens());
    await until(() => c.state === 'online');
    const ack = await c.request(
      'send',
      { conversationId: 'x', clientMsgId: 'y', message: {} } as never,
      sendAck,
    );
    expect(ack).toEqual({ ok: true, id: 'AAAAAAAAAAAAAAAAAAAAAA', seq: 1, ts: 1 });
  });

  it('fails requests in flight with network_error when the connection drops', async () => {
    const { connection: c } = connect(fakeTokens());
    await until(() => c.state === 'online');
    for (const socket of hub.sockets()) socket.removeAllListeners('send');
    const pending = c.request('send', {} as never, sendAck);
    c.dropConnection();
    await expect(pending).rejects.toMatchObject({ code: 'network_error' });
    await expect(c.request('send', {} as never, sendAck)).rejects.toMatchObject({
      code: 'network_error',
    });
  });

  it('does not reconnect after stop()', async () => {
    const { connection: c, states } = connect(fakeTokens());
    await until(() => c.state === 'online');
    c.stop();
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(states.at(-1)).toBe('offline');
    expect(hub.handshakes).toHaveLength(1);
  });
});
