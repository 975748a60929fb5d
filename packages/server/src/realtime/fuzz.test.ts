import fc from 'fast-check';
import {
  ERROR_CODES,
  ackError,
  authRefreshRequest,
  sendRequest,
  syncRequest,
} from '@parley/sdk/protocol';
import type { ZodType } from 'zod';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer } from '../../test/helpers.js';
import type { TestServer } from '../../test/helpers.js';
import {
  RELAXED_LIMITS,
  b64u,
  call,
  connect,
  connected,
  createGroup,
  entry,
  epochRequest,
  newUser,
  online,
  send,
  sleep,
  startEpoch,
  wire,
} from '../conversations/test-fixtures.js';
import type { ChatSocket, ChatUser, TestConversation } from '../conversations/test-fixtures.js';

/**
 * Malformed, mutated, binary and oversized input for every socket event and every
 * conversation route: the answer is always a typed error (never `internal`, never a 500), and
 * the server and the connection survive.
 */

type Json = unknown;
const DELETE = Symbol('delete');

/** Every path into a JSON value (objects and arrays), the root included. */
function paths(value: Json, prefix: (string | number)[] = []): (string | number)[][] {
  const out = [prefix];
  if (Array.isArray(value)) value.forEach((v, i) => out.push(...paths(v, [...prefix, i])));
  else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) out.push(...paths(v, [...prefix, k]));
  }
  return out;
}

/** A copy of `value` with the node at `path` replaced (or deleted). */
function mutate(value: Json, path: (string | number)[], replacement: Json | typeof DELETE): Json {
  if (path.length === 0) return replacement === DELETE ? undefined : replacement;
  const [head, ...rest] = path as [string | number, ...(string | number)[]];
  // Arrays only take index keys here (an extra key such as "length" would break the array).
  if (Array.isArray(value) && !/^\d+$/.test(String(head))) return value;
  const copy = (Array.isArray(value) ? [...value] : { ...(value as object) }) as Record<
    string | number,
    Json
  >;
  if (rest.length === 0 && replacement === DELETE) delete copy[head];
  else copy[head] = mutate(copy[head], rest, replacement);
  return copy;
}

/** Valid-looking payloads with one node replaced by junk, deleted, or an extra key added. */
function mutations(valid: Json): fc.Arbitrary<Json> {
  const all = paths(valid);
  const junk = fc.oneof(
    fc.jsonValue({ maxDepth: 2 }),
    fc.string({ maxLength: 80 }),
    fc.constantFrom('', '|', 'A'.repeat(23), -1, 1e300, null, [], {}),
  );
  return fc.oneof(
    fc
      .tuple(fc.nat(all.length - 1), fc.oneof(junk, fc.constant(DELETE)))
      .map(([i, r]) => mutate(valid, all[i] ?? [], r)),
    fc
      .tuple(fc.nat(all.length - 1), fc.string({ minLength: 1, maxLength: 8 }), junk)
      .map(([i, key, v]) => {
        const path = all[i] ?? [];
        return mutate(valid, [...path, key], v);
      }),
  );
}

/** Anything a client could put in a payload: JSON, mutations of a valid one, or bytes. */
function payloads(valid: Json): fc.Arbitrary<Json> {
  return fc.oneof(
    { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
    { weight: 5, arbitrary: mutations(valid) },
    { weight: 1, arbitrary: fc.uint8Array({ maxLength: 64 }).map((b) => Buffer.from(b)) },
  );
}

const KNOWN_CODES = new Set<string>(ERROR_CODES);

let t: TestServer;
let alice: ChatUser;
let conv: TestConversation;
let socket: ChatSocket;

beforeAll(async () => {
  t = await startTestServer(RELAXED_LIMITS);
  alice = await newUser(t);
  const bob = await newUser(t);
  conv = await createGroup(t, alice, [bob]);
  await startEpoch(t, alice, conv, [alice, bob]);
  socket = await online(t, alice);
});
afterAll(async () => {
  socket.close();
  await t.close();
});

describe('socket events', () => {
  const events: Array<[string, ZodType, () => Json]> = [
    [
      'send',
      sendRequest,
      () => ({ conversationId: conv.id, clientMsgId: 'c1', message: wire(conv, alice) }),
    ],
    [
      'sync',
      syncRequest,
      () => ({ cursors: [{ conversationId: conv.id, afterSeq: 0 }], limit: 5 }),
    ],
    ['auth:refresh', authRefreshRequest, () => ({ token: alice.token })],
  ];

  it.each(events)(
    '%s answers malformed payloads with a typed error',
    async (name, schema, valid) => {
      await fc.assert(
        fc.asyncProperty(payloads(valid()), async (payload) => {
          const emit = socket.timeout(5000).emitWithAck as (
            ev: string,
            p: Json,
          ) => Promise<unknown>;
          const ack = (await emit.call(socket, name, payload)) as { ok: boolean; error?: unknown };
          if (schema.safeParse(payload).success) return;
          expect(ack.ok).toBe(false);
          const error = ackError.parse(ack.error);
          expect(KNOWN_CODES.has(error.code)).toBe(true);
          expect(error.code).not.toBe('internal');
        }),
        { numRuns: 60 },
      );
      expect(socket.connected).toBe(true);
    },
  );

  it.each(events)(
    '%s refuses a payload over 64 KiB with payload_too_large',
    async (name, _schema, valid) => {
      const payload = { ...(valid() as object), padding: 'x'.repeat(70 * 1024) };
      const emit = socket.timeout(5000).emitWithAck as (ev: string, p: Json) => Promise<unknown>;
      const ack = (await emit.call(socket, name, payload)) as {
        ok: boolean;
        error: { code: string };
      };
      expect(ack).toMatchObject({ ok: false, error: { code: 'payload_too_large' } });
    },
  );

  it('refuses extra arguments, answers unknown events, and ignores events without an ack', async () => {
    const raw = socket as unknown as {
      emitWithAck(
        ev: string,
        ...args: unknown[]
      ): Promise<{ ok: boolean; error: { code: string } }>;
      emit(ev: string, ...args: unknown[]): void;
    };
    const extra = await raw.emitWithAck('sync', { cursors: [] }, 'extra');
    expect(extra.error.code).toBe('invalid_input');
    const unknown = await raw.emitWithAck('delete-everything', {});
    expect(unknown.error.code).toBe('not_found');
    const message = wire(conv, alice);
    raw.emit('send', { conversationId: conv.id, clientMsgId: 'no-ack', message });
    raw.emit('sync');
    await sleep(50);
    expect(socket.connected).toBe(true);
    const history = await call(t, alice, `/conversations/${conv.id}/events?limit=200`);
    const ids = ((await history.json()) as { events: { id?: string }[] }).events.map((e) => e.id);
    expect(ids).not.toContain(message.header.msgId);
  });

  it('drops a connection whose frame exceeds the transport cap, and only that one', async () => {
    const victim = await online(t, alice);
    const closed = new Promise<string>((resolve) => victim.once('disconnect', resolve));
    victim.emit('sync', { cursors: [], padding: 'x'.repeat(200 * 1024) } as never, () => undefined);
    expect(await closed).toBe('transport close');
    expect((await send(socket, conv, alice)).ok).toBe(true);
  });
});

describe('REST routes', () => {
  const statusIsTyped = async (res: Response, sent?: unknown) => {
    const text = await res.text();
    const context = `${res.status} ${text.slice(0, 300)} for ${JSON.stringify(sent)?.slice(0, 300)}`;
    expect(res.status, context).not.toBe(500);
    if (res.status >= 400) {
      const body = JSON.parse(text) as { error: { code: string } };
      expect(KNOWN_CODES.has(body.error.code), context).toBe(true);
      expect(body.error.code, context).not.toBe('internal');
    }
  };

  const bodies: Array<[string, () => Json]> = [
    [
      '/conversations',
      () => ({ kind: 'group', title: 't', entries: [entry(b64u(16), 0, 'create', alice, alice)] }),
    ],
    [`/conversations/:id/members`, () => entry(conv.id, 99, 'leave', alice, alice)],
    [
      `/conversations/:id/epochs`,
      () => ({ ...epochRequest({ ...conv, epochId: b64u(16) }, alice, [alice]) }),
    ],
    [
      '/me/keys/ka',
      () => ({ kaId: b64u(16), pub: b64u(32), notBefore: 1, notAfter: 2, sig: b64u(64) }),
    ],
  ];

  it.each(bodies)('POST %s answers malformed bodies with a typed 4xx', async (path, valid) => {
    await fc.assert(
      fc.asyncProperty(mutations(valid()), async (body) => {
        const res = await call(t, alice, path.replace(':id', conv.id), 'POST', body ?? null);
        await statusIsTyped(res, body);
      }),
      { numRuns: 40 },
    );
  });

  it('answers arbitrary ids and query strings on the GET routes with a typed 4xx', async () => {
    const get = ['', '/members', '/epochs', '/envelopes', '/events'];
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...get),
        fc.oneof(fc.constant(conv.id), fc.string({ maxLength: 40 })),
        fc.dictionary(
          fc.constantFrom('after', 'before', 'limit', 'epochId', 'prefix'),
          fc.string({ maxLength: 12 }),
        ),
        async (suffix, id, query) => {
          const qs = new URLSearchParams(query).toString();
          const res = await call(
            t,
            alice,
            `/conversations/${encodeURIComponent(id)}${suffix}?${qs}`,
          );
          await statusIsTyped(res);
        },
      ),
      { numRuns: 60 },
    );
    await fc.assert(
      fc.asyncProperty(
        fc.string({ maxLength: 40 }),
        fc.string({ maxLength: 8 }),
        async (prefix, limit) => {
          const qs = new URLSearchParams({ prefix, limit }).toString();
          await statusIsTyped(await call(t, alice, `/users?${qs}`));
          await statusIsTyped(
            await call(t, alice, `/users/by-username/${encodeURIComponent(prefix || 'x')}`),
          );
          await statusIsTyped(
            await call(t, alice, `/users/${encodeURIComponent(prefix || 'x')}/keys`),
          );
        },
      ),
      { numRuns: 30 },
    );
  });
});

describe('rate limits', () => {
  let limited: TestServer;
  beforeAll(async () => {
    limited = await startTestServer({
      ...RELAXED_LIMITS,
      realtime: {
        send: { points: 3, durationSec: 60 },
        sync: { points: 2, durationSec: 60 },
        drainMs: 0,
      },
    });
  });
  afterAll(async () => {
    await limited.close();
  });

  it('limits events per user with rate_limited and a retry delay', async () => {
    const user = await newUser(limited);
    const other = await newUser(limited);
    const room = await createGroup(limited, user, [other]);
    await startEpoch(limited, user, room, [user, other]);
    const s = await connected(connect(limited, user));
    const acks = [];
    for (let i = 0; i < 4; i++) acks.push(await send(s, room, user));
    expect(acks.map((a) => a.ok)).toEqual([true, true, true, false]);
    const refused = acks[3];
    expect(refused?.ok === false && refused.error).toMatchObject({ code: 'rate_limited' });
    expect(refused?.ok === false && refused.error.retryAfterMs).toBeGreaterThan(0);
    const s2 = await connected(connect(limited, other));
    expect((await send(s2, room, other)).ok).toBe(true);
    s.close();
    s2.close();
  });
});
