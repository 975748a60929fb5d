import type { LogEvent } from '@parley/sdk/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer } from '../../test/helpers.js';
import type { TestServer } from '../../test/helpers.js';
import { errorOf } from '../auth/test-fixtures.js';
import {
  RELAXED_LIMITS,
  call,
  changeMembers,
  createDirect,
  createGroup,
  entry,
  epochRequest,
  newUser,
  online,
  send,
  sleep,
  startEpoch,
  sync,
  until,
} from '../conversations/test-fixtures.js';
import type { ChatSocket, ChatUser, TestConversation } from '../conversations/test-fixtures.js';

/**
 * Every REST route and socket event that touches a conversation, tried by three kinds of
 * outsider: someone who never was a member, a member who was removed, and one who left. Each
 * must be refused with the same answer as for a conversation that does not exist (no probing).
 */

let t: TestServer;
let admin: ChatUser;
let member: ChatUser;
let conv: TestConversation;
let direct: TestConversation;
const KINDS = ['a non-member', 'a removed member', 'a member who left'] as const;
const outsiders: Partial<Record<(typeof KINDS)[number], ChatUser>> = {};
const sockets: ChatSocket[] = [];

beforeAll(async () => {
  t = await startTestServer(RELAXED_LIMITS);
  [admin, member] = [await newUser(t), await newUser(t)];
  const [never, removed, left] = [await newUser(t), await newUser(t), await newUser(t)];
  Object.assign(outsiders, {
    'a non-member': never,
    'a removed member': removed,
    'a member who left': left,
  });
  conv = await createGroup(t, admin, [member, removed, left]);
  await startEpoch(t, admin, conv, [admin, member, removed, left]);
  await changeMembers(t, admin, conv, 'remove', removed);
  await changeMembers(t, left, conv, 'leave', left);
  await startEpoch(t, admin, conv, [admin, member]);
  direct = await createDirect(t, admin, member);
});
afterAll(async () => {
  sockets.forEach((s) => s.close());
  await t.close();
});

const routes: Array<[string, (who: ChatUser) => Promise<Response>]> = [
  ['GET /conversations/:id', (who) => call(t, who, `/conversations/${conv.id}`)],
  ['GET /conversations/:id/members', (who) => call(t, who, `/conversations/${conv.id}/members`)],
  [
    'POST /conversations/:id/members (leave)',
    (who) =>
      call(
        t,
        who,
        `/conversations/${conv.id}/members`,
        'POST',
        entry(conv.id, conv.memberSeq + 1, 'leave', who, who),
      ),
  ],
  [
    'POST /conversations/:id/members (add)',
    (who) =>
      call(
        t,
        who,
        `/conversations/${conv.id}/members`,
        'POST',
        entry(conv.id, conv.memberSeq + 1, 'add', who, who),
      ),
  ],
  ['GET /conversations/:id/epochs', (who) => call(t, who, `/conversations/${conv.id}/epochs`)],
  [
    'POST /conversations/:id/epochs',
    (who) =>
      call(
        t,
        who,
        `/conversations/${conv.id}/epochs`,
        'POST',
        epochRequest(conv, who, [admin, member]),
      ),
  ],
  [
    'GET /conversations/:id/envelopes',
    (who) => call(t, who, `/conversations/${conv.id}/envelopes`),
  ],
  ['GET /conversations/:id/events', (who) => call(t, who, `/conversations/${conv.id}/events`)],
  [
    'GET /conversations/:id/events?after=',
    (who) => call(t, who, `/conversations/${conv.id}/events?after=0`),
  ],
  ['GET /conversations/direct/:userId', (who) => call(t, who, `/conversations/direct/${admin.id}`)],
];

describe.each(KINDS)('refusing %s', (kind) => {
  const who = () => outsiders[kind] as ChatUser;

  it.each(routes)('%s answers 404 not_found', async (_name, request) => {
    const res = await request(who());
    expect(res.status).toBe(404);
    expect((await errorOf(res)).code).toBe('not_found');
  });

  it('leaves the conversation out of GET /conversations', async () => {
    const res = await call(t, who(), '/conversations');
    const body = (await res.json()) as { conversations: { id: string }[] };
    expect(body.conversations.map((c) => c.id)).not.toContain(conv.id);
  });

  it('refuses send with not_found, lists the cursor as gone in sync, and pushes nothing', async () => {
    const socket = await online(t, who());
    sockets.push(socket);
    const pushed: LogEvent[] = [];
    socket.on('event', (e) => pushed.push(e));
    socket.on('events', (es) => pushed.push(...es));
    const ack = await send(socket, conv, who());
    expect(ack.ok === false && ack.error.code).toBe('not_found');
    const synced = await sync(socket, { cursors: [{ conversationId: conv.id, afterSeq: 0 }] });
    expect(synced.ok && synced.gone).toEqual([conv.id]);
    expect(synced.ok && synced.conversations.map((c) => c.conversationId)).not.toContain(conv.id);

    const memberSocket = await online(t, member);
    sockets.push(memberSocket);
    const got: LogEvent[] = [];
    memberSocket.on('event', (e) => got.push(e));
    expect((await send(memberSocket, conv, member)).ok).toBe(true);
    await until(() => got.length === 1);
    await sleep(30);
    expect(pushed.filter((e) => e.conversationId === conv.id)).toEqual([]);
  });
});

it('refuses a direct conversation to anyone but its pair', async () => {
  const stranger = outsiders['a non-member'] as ChatUser;
  expect((await call(t, stranger, `/conversations/${direct.id}`)).status).toBe(404);
  expect((await call(t, stranger, `/conversations/direct/${member.id}`)).status).toBe(404);
  const socket = await online(t, stranger);
  sockets.push(socket);
  const ack = await send(socket, direct, stranger);
  expect(ack.ok === false && ack.error.code).toBe('not_found');
});
