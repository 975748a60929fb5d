import type { PresenceInfo, TypingEvent } from '@parley/sdk/protocol';
import fc from 'fast-check';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer } from '../../test/helpers.js';
import type { TestServer } from '../../test/helpers.js';
import {
  RELAXED_LIMITS,
  b64u,
  changeMembers,
  createGroup,
  newUser,
  online,
  sleep,
  until,
} from '../conversations/test-fixtures.js';
import type { ChatSocket, ChatUser, TestConversation } from '../conversations/test-fixtures.js';

/**
 * Presence and typing against a real server and real Socket.io clients: who may see what,
 * several tabs as one presence, hiding, typing expiry, and typed errors for bad payloads.
 */

const TYPING_TTL_MS = 150;
let t: TestServer;
let alice: ChatUser;
let bob: ChatUser;
let stranger: ChatUser;
let group: TestConversation;
const open: ChatSocket[] = [];

async function connectAs(user: ChatUser): Promise<ChatSocket> {
  const socket = await online(t, user);
  open.push(socket);
  return socket;
}

/** Collects the pushes of one event name on a socket. */
function collect<T>(socket: ChatSocket, event: 'presence' | 'typing'): T[] {
  const seen: T[] = [];
  socket.on(event, (payload: unknown) => seen.push(payload as T));
  return seen;
}

beforeAll(async () => {
  t = await startTestServer({
    ...RELAXED_LIMITS,
    realtime: {
      ...RELAXED_LIMITS.realtime,
      extras: { points: 100_000, durationSec: 10 },
      typingTtlMs: TYPING_TTL_MS,
    },
  });
  [alice, bob, stranger] = [await newUser(t), await newUser(t), await newUser(t)];
  group = await createGroup(t, alice, [bob]);
});
afterEach(async () => {
  open.splice(0).forEach((s) => s.close());
  await sleep(50);
});
afterAll(async () => {
  await t.close();
});

describe('presence', () => {
  it('reaches people who share a conversation, and never a stranger', async () => {
    const bobSocket = await connectAs(bob);
    const strangerSocket = await connectAs(stranger);
    const toBob = collect<PresenceInfo>(bobSocket, 'presence');
    const toStranger = collect<PresenceInfo>(strangerSocket, 'presence');
    const aliceTab = await connectAs(alice);
    await until(() => toBob.some((p) => p.userId === alice.id && p.state === 'online'));
    aliceTab.close();
    await until(() => toBob.some((p) => p.userId === alice.id && p.state === 'offline'));
    const offline = toBob.at(-1);
    expect(offline?.lastSeenAt).toBeGreaterThan(0);
    await sleep(50);
    expect(toStranger).toEqual([]);
  });

  it('answers a stranger who asks with nothing, and a contact with the state', async () => {
    await connectAs(alice);
    const strangerSocket = await connectAs(stranger);
    const asked = await strangerSocket.emitWithAck('presence:query', {
      userIds: [alice.id, bob.id, b64u(16)],
    });
    expect(asked).toEqual({ ok: true, presence: [] });
    const bobSocket = await connectAs(bob);
    const known = await bobSocket.emitWithAck('presence:query', { userIds: [alice.id] });
    expect(known).toEqual({
      ok: true,
      presence: [{ userId: alice.id, state: 'online', lastSeenAt: null }],
    });
  });

  it('makes several tabs one presence, away only when every tab is idle', async () => {
    const bobSocket = await connectAs(bob);
    const toBob = collect<PresenceInfo>(bobSocket, 'presence');
    const [tab1, tab2] = [await connectAs(alice), await connectAs(alice)];
    await until(() => toBob.length >= 1);
    expect(await tab1.emitWithAck('presence:set', { state: 'away' })).toEqual({ ok: true });
    await sleep(50);
    expect(toBob.map((p) => p.state)).toEqual(['online']);
    await tab2.emitWithAck('presence:set', { state: 'away' });
    await until(() => toBob.length === 2);
    expect(toBob[1]?.state).toBe('away');
    tab2.close();
    await sleep(50);
    expect(toBob).toHaveLength(2);
  });

  it('hides presence: contacts see offline without last seen, and no changes', async () => {
    const bobSocket = await connectAs(bob);
    const toBob = collect<PresenceInfo>(bobSocket, 'presence');
    const aliceTab = await connectAs(alice);
    await until(() => toBob.length === 1);
    toBob.length = 0;
    const hidden = await aliceTab.emitWithAck('settings', { hidePresence: true });
    expect(hidden).toEqual({ ok: true, settings: { hidePresence: true, readReceipts: true } });
    await until(() => toBob.length === 1);
    expect(toBob[0]).toEqual({ userId: alice.id, state: 'offline', lastSeenAt: null });
    await aliceTab.emitWithAck('presence:set', { state: 'away' });
    const second = await connectAs(alice);
    second.close();
    const asked = await bobSocket.emitWithAck('presence:query', { userIds: [alice.id] });
    expect(asked).toEqual({
      ok: true,
      presence: [{ userId: alice.id, state: 'offline', lastSeenAt: null }],
    });
    await aliceTab.emitWithAck('settings', { hidePresence: false });
    await until(() => toBob.length === 2);
    expect(toBob[1]).toMatchObject({ userId: alice.id, state: 'away' });
  });

  it('stops reaching a member once removed', async () => {
    const carol = await newUser(t);
    const dave = await newUser(t);
    const conv = await createGroup(t, carol, [dave]);
    const daveSocket = await connectAs(dave);
    const toDave = collect<PresenceInfo>(daveSocket, 'presence');
    await changeMembers(t, carol, conv, 'remove', dave);
    await sleep(50);
    await connectAs(carol);
    await sleep(100);
    expect(toDave.filter((p) => p.userId === carol.id)).toEqual([]);
    const asked = await daveSocket.emitWithAck('presence:query', { userIds: [carol.id] });
    expect(asked).toEqual({ ok: true, presence: [] });
  });
});

describe('typing', () => {
  it('reaches the other members only, and ends by itself when not refreshed', async () => {
    const bobSocket = await connectAs(bob);
    const strangerSocket = await connectAs(stranger);
    const aliceTab = await connectAs(alice);
    const toBob = collect<TypingEvent>(bobSocket, 'typing');
    const toAlice = collect<TypingEvent>(aliceTab, 'typing');
    const toStranger = collect<TypingEvent>(strangerSocket, 'typing');
    const request = { conversationId: group.id, typing: true };
    expect(await aliceTab.emitWithAck('typing', request)).toEqual({ ok: true });
    await aliceTab.emitWithAck('typing', request);
    await until(() => toBob.length === 1);
    expect(toBob[0]).toEqual({ conversationId: group.id, userId: alice.id, typing: true });
    await until(() => toBob.length === 2, TYPING_TTL_MS * 10);
    expect(toBob[1]?.typing).toBe(false);
    expect(toAlice).toEqual([]);
    expect(toStranger).toEqual([]);
  });

  it('ends when the typist says so or disconnects', async () => {
    const bobSocket = await connectAs(bob);
    const aliceTab = await connectAs(alice);
    const toBob = collect<TypingEvent>(bobSocket, 'typing');
    await aliceTab.emitWithAck('typing', { conversationId: group.id, typing: true });
    await aliceTab.emitWithAck('typing', { conversationId: group.id, typing: false });
    await until(() => toBob.length === 2);
    await aliceTab.emitWithAck('typing', { conversationId: group.id, typing: true });
    aliceTab.close();
    await until(() => toBob.length === 4);
    expect(toBob.map((e) => e.typing)).toEqual([true, false, true, false]);
  });

  it('refuses a non-member like an unknown conversation', async () => {
    const strangerSocket = await connectAs(stranger);
    const answer = await strangerSocket.emitWithAck('typing', {
      conversationId: group.id,
      typing: true,
    });
    expect(answer).toEqual({
      ok: false,
      error: { code: 'not_found', message: 'No such conversation' },
    });
  });
});

describe('malformed payloads', () => {
  it('never crash the server or go unanswered (fuzz)', async () => {
    const socket = await connectAs(alice);
    const emit = socket.timeout(5000) as unknown as {
      emitWithAck(e: string, p: unknown): Promise<{ ok: boolean; error?: { code: string } }>;
    };
    const events = [
      'presence:set',
      'presence:query',
      'typing',
      'receipt',
      'receipts:list',
      'settings',
    ];
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...events), fc.jsonValue({ maxDepth: 3 }), async (e, p) => {
        const answer = await emit.emitWithAck(e, p);
        if (!answer.ok) expect(['invalid_input', 'not_found']).toContain(answer.error?.code);
      }),
      { numRuns: 150 },
    );
    expect(socket.connected).toBe(true);
  });

  it('get typed invalid_input errors', async () => {
    const socket = await connectAs(alice);
    const emit = (event: string, payload: unknown) =>
      (
        socket.timeout(5000) as unknown as {
          emitWithAck(e: string, p: unknown): Promise<{ ok: boolean; error?: { code: string } }>;
        }
      ).emitWithAck(event, payload);
    const cases: Array<[string, unknown]> = [
      ['presence:set', { state: 'offline' }],
      ['presence:query', { userIds: ['nope'] }],
      ['presence:query', { userIds: Array(1001).fill(alice.id) }],
      ['typing', { conversationId: group.id }],
      ['receipt', { conversationId: group.id, type: 'seen', seq: 1 }],
      ['receipt', { conversationId: group.id, type: 'read', seq: -1 }],
      ['receipts:list', {}],
      ['settings', { readReceipts: 'no' }],
      ['settings', null],
    ];
    for (const [event, payload] of cases) {
      const answer = await emit(event, payload);
      expect(answer.ok, event).toBe(false);
      expect(answer.error?.code, `${event} ${JSON.stringify(payload)}`).toBe('invalid_input');
    }
  });
});
