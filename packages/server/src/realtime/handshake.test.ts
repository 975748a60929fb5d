import type {
  AuthRefreshAck,
  ConnectErrorData,
  SessionEnded,
  TokenPair,
} from '@parley/sdk/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { startTestServer } from '../../test/helpers.js';
import type { TestServer } from '../../test/helpers.js';
import { login, withToken } from '../auth/test-fixtures.js';
import {
  RELAXED_LIMITS,
  connect,
  connected,
  createGroup,
  newUser,
  online,
  send,
  startEpoch,
  sleep,
} from '../conversations/test-fixtures.js';
import type { ChatSocket, ChatUser } from '../conversations/test-fixtures.js';

let t: TestServer;
let offset = 0;
const EMBEDDER = 'https://shop.example';

beforeAll(async () => {
  t = await startTestServer({
    ...RELAXED_LIMITS,
    now: () => Date.now() + offset,
    allowedOrigins: [EMBEDDER],
    realtime: { ...RELAXED_LIMITS.realtime, maxConnectionsPerUser: 3, tokenCheckMs: 20 },
  });
});
afterAll(async () => {
  await t.close();
});

const sockets: ChatSocket[] = [];
function track(socket: ChatSocket): ChatSocket {
  sockets.push(socket);
  return socket;
}
afterAll(() => sockets.forEach((s) => s.close()));

async function refusal(socket: ChatSocket): Promise<{ message: string; data?: ConnectErrorData }> {
  track(socket);
  const error = await connected(socket).then(
    () => undefined,
    (err: unknown) => err as { message: string; data?: ConnectErrorData },
  );
  if (!error) throw new Error('the connection was admitted');
  return error;
}

function ended(socket: ChatSocket): Promise<{ info: SessionEnded; reason: string }> {
  return new Promise((resolve) => {
    socket.once('session:ended', (info) => {
      socket.once('disconnect', (reason) => resolve({ info, reason }));
    });
  });
}

describe('handshake', () => {
  it('admits a valid access token', async () => {
    const alice = await newUser(t);
    const socket = track(await online(t, alice));
    expect(socket.connected).toBe(true);
  });

  it('refuses a missing, malformed or forged token as unauthorized', async () => {
    const alice = await newUser(t);
    const [header, payload] = alice.token.split('.');
    const forged = `${header}.${payload}.${Buffer.alloc(64).toString('base64url')}`;
    for (const token of [undefined, '', 'garbage', 42, forged, 'x'.repeat(5000)]) {
      const error = await refusal(connect(t, { token }));
      expect(error.message).toBe('unauthorized');
      expect(error.data?.code).toBe('unauthorized');
    }
  });

  it('refuses the token of a session that ended (logout)', async () => {
    const alice = await newUser(t);
    await t.fetch('/api/v1/auth/logout', withToken(alice.token, 'POST', {}));
    expect((await refusal(connect(t, alice))).message).toBe('unauthorized');
  });

  it('refuses cross-site origins and admits its own and the allowed embedding sites', async () => {
    const alice = await newUser(t);
    const host = new URL(t.url).host;
    const polling = (origin: string) =>
      t.fetch('/socket.io/?EIO=4&transport=polling', { headers: { origin } });
    expect((await polling('https://evil.test')).status).toBe(403);
    expect((await polling(`http://${host}.evil.test`)).status).toBe(403);
    expect((await polling(EMBEDDER)).status).toBe(200);
    expect((await polling(`http://${host}`)).status).toBe(200);

    const websocket = (origin: string) =>
      new Promise<number>((resolve) => {
        const ws = new WebSocket(
          `${t.url.replace('http', 'ws')}/socket.io/?EIO=4&transport=websocket`,
          { origin },
        );
        ws.on('open', () => {
          ws.close();
          resolve(101);
        });
        ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
        ws.on('error', () => resolve(-1));
      });
    // engine.io answers a refused upgrade with 400 and no upgrade.
    expect(await websocket('https://evil.test')).toBe(400);
    expect(await websocket(EMBEDDER)).toBe(101);

    const error = await refusal(
      connect(t, alice, { extraHeaders: { origin: 'https://evil.test' } }),
    );
    expect(error.message).toMatch(/websocket error/);
  });

  it('caps connections per user', async () => {
    const alice = await newUser(t);
    const open = await Promise.all([1, 2, 3].map(() => online(t, alice).then(track)));
    const error = await refusal(connect(t, alice));
    expect(error.message).toBe('rate_limited');
    const bob = await newUser(t);
    track(await online(t, bob));
    open[0]?.close();
    // The server releases the slot when it sees the disconnect.
    let admitted: ChatSocket | undefined;
    for (let i = 0; i < 50 && !admitted; i++) {
      await sleep(20);
      admitted = await online(t, alice).catch(() => undefined);
    }
    expect(admitted?.connected).toBe(true);
    if (admitted) track(admitted);
  });
});

describe('sessions', () => {
  it('closes the sockets of a session at once on logout, and only those', async () => {
    const alice = await newUser(t);
    const other = await login(t, alice.account);
    const first = track(await online(t, alice));
    const second = track(await online(t, { ...alice, token: other.accessToken }));
    const closing = ended(first);
    const res = await t.fetch('/api/v1/auth/logout', withToken(alice.token, 'POST', {}));
    expect(res.status).toBe(204);
    const { info, reason } = await closing;
    expect(info).toEqual({ reason: 'session_revoked' });
    expect(reason).toBe('io server disconnect');
    expect(second.connected).toBe(true);
  });

  it('closes every socket of the user on logout everywhere', async () => {
    const alice = await newUser(t);
    const other = await login(t, alice.account);
    const first = track(await online(t, alice));
    const second = track(await online(t, { ...alice, token: other.accessToken }));
    const both = Promise.all([ended(first), ended(second)]);
    await t.fetch('/api/v1/auth/logout-all', withToken(alice.token, 'POST', {}));
    expect((await both).map((e) => e.info.reason)).toEqual(['session_revoked', 'session_revoked']);
  });

  it('stops delivering to a closed session while the others keep receiving', async () => {
    const alice = await newUser(t);
    const bob = await newUser(t);
    const conv = await createGroup(t, alice, [bob]);
    await startEpoch(t, alice, conv, [alice, bob]);
    const bobSocket = track(await online(t, bob));
    const aliceSocket = track(await online(t, alice));
    const closing = ended(bobSocket);
    await t.fetch('/api/v1/auth/logout', withToken(bob.token, 'POST', {}));
    await closing;
    expect((await send(aliceSocket, conv, alice)).ok).toBe(true);
  });
});

describe('token expiry', () => {
  async function refreshed(user: ChatUser): Promise<TokenPair> {
    const res = await t.post('/api/v1/auth/refresh', { refreshToken: user.refreshToken });
    expect(res.status).toBe(200);
    return (await res.json()) as TokenPair;
  }

  it('extends a live socket with auth:refresh, and refuses another session or a bad token', async () => {
    const alice = await newUser(t);
    const socket = track(await online(t, alice));
    const pair = await refreshed(alice);
    const ack: AuthRefreshAck = await socket.emitWithAck('auth:refresh', {
      token: pair.accessToken,
    });
    expect(ack).toEqual({ ok: true, expiresAt: pair.accessTokenExpiresAt });
    const bad: AuthRefreshAck = await socket.emitWithAck('auth:refresh', { token: 'garbage' });
    expect(bad.ok === false && bad.error.code).toBe('unauthorized');
    const other = await login(t, alice.account);
    const foreign: AuthRefreshAck = await socket.emitWithAck('auth:refresh', {
      token: other.accessToken,
    });
    expect(foreign.ok === false && foreign.error.code).toBe('forbidden');
  });

  it('ends a socket whose token expired, and refuses the expired token at the handshake', async () => {
    const alice = await newUser(t);
    const bob = await newUser(t);
    const aliceSocket = track(await online(t, alice));
    const bobSocket = track(await online(t, bob));
    offset += 60_000;
    const renewed = await refreshed(bob);
    await bobSocket.emitWithAck('auth:refresh', { token: renewed.accessToken });
    const closing = ended(aliceSocket);
    // Past alice's expiry, before bob's renewed one (15 minutes).
    offset = renewed.accessTokenExpiresAt - Date.now() - 2000;
    expect((await closing).info).toEqual({ reason: 'token_expired' });
    await sleep(60);
    expect(bobSocket.connected).toBe(true);
    const error = await refusal(connect(t, alice));
    expect(error.message).toBe('token_expired');
    expect(error.data?.message).toMatch(/refresh/);
  });
});
