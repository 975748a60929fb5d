import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { ConversationSummary, LogEvent, SendAck, SyncAck } from '@parley/sdk/protocol';
import { logEvent, logEventRun, sendAck, syncAck } from '@parley/sdk/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer } from '../../test/helpers.js';
import type { TestServer } from '../../test/helpers.js';
import {
  RELAXED_LIMITS,
  b64u,
  call,
  callOk,
  changeMembers,
  createGroup,
  newUser,
  online,
  send,
  sleep,
  startEpoch,
  sync,
  until,
  wire,
} from '../conversations/test-fixtures.js';
import type { ChatSocket, ChatUser, TestConversation } from '../conversations/test-fixtures.js';
import { DATABASE_FILE } from '../store/sqlite/open-database.js';

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer({
    ...RELAXED_LIMITS,
    conversations: { ...RELAXED_LIMITS.conversations, pageMaxBytes: 65_536 },
  });
});
afterAll(async () => {
  await t.close();
});

const sockets: ChatSocket[] = [];
afterAll(() => sockets.forEach((s) => s.close()));

/** A connected user recording every event pushed to them, and the frames they came in. */
interface Client {
  user: ChatUser;
  socket: ChatSocket;
  events: LogEvent[];
  frames: { event: number; events: number };
}

async function client(user?: ChatUser): Promise<Client> {
  const u = user ?? (await newUser(t));
  const socket = await online(t, u);
  sockets.push(socket);
  const events: LogEvent[] = [];
  const frames = { event: 0, events: 0 };
  socket.on('event', (e) => {
    frames.event++;
    events.push(logEvent.parse(e));
  });
  socket.on('events', (es) => {
    frames.events++;
    events.push(...logEventRun.parse(es));
  });
  return { user: u, socket, events, frames };
}

async function group(owner: Client, others: Client[]): Promise<TestConversation> {
  const conv = await createGroup(
    t,
    owner.user,
    others.map((c) => c.user),
  );
  await startEpoch(t, owner.user, conv, [owner.user, ...others.map((c) => c.user)]);
  return conv;
}

function ok(ack: SendAck): Extract<SendAck, { ok: true }> {
  if (!ack.ok) throw new Error(`send refused: ${ack.error.code} ${ack.error.message}`);
  return sendAck.parse(ack) as Extract<SendAck, { ok: true }>;
}

const messagesIn = (events: LogEvent[], convId: string) =>
  events.filter((e) => e.conversationId === convId && e.kind === 'message');

describe('send', () => {
  it('acknowledges with the message id, seq and time, and pushes the event to every member', async () => {
    const [alice, bob] = [await client(), await client()];
    const conv = await group(alice, [bob]);
    const message = wire(conv, alice.user);
    const ack = ok(
      await alice.socket.emitWithAck('send', {
        conversationId: conv.id,
        clientMsgId: 'm-1',
        message,
      }),
    );
    expect(ack).toMatchObject({ id: message.header.msgId, seq: 4 });
    await until(
      () =>
        messagesIn(bob.events, conv.id).length === 1 &&
        messagesIn(alice.events, conv.id).length === 1,
    );
    expect(messagesIn(bob.events, conv.id)[0]).toEqual({
      conversationId: conv.id,
      seq: 4,
      ts: ack.ts,
      sender: alice.user.id,
      kind: 'message',
      id: message.header.msgId,
      message,
    });
    // The live event is the stored one: history gives the same bytes.
    const page = await callOk<{ events: LogEvent[] }>(
      t,
      bob.user,
      `/conversations/${conv.id}/events`,
    );
    expect(page.events.filter((e) => e.kind === 'message')).toEqual(
      messagesIn(bob.events, conv.id),
    );
  });

  it('acknowledges only once the message is committed to the database', async () => {
    const [alice, bob] = [await client(), await client()];
    const conv = await group(alice, [bob]);
    const reader = new Database(join(t.dataDir, DATABASE_FILE), { readonly: true });
    try {
      const row = reader.prepare('SELECT seq, msg_id FROM events WHERE conv_id = ? AND seq = ?');
      const acks = await Promise.all([1, 2, 3].map(() => send(alice.socket, conv, alice.user)));
      for (const ack of acks.map(ok))
        expect(row.get(conv.id, ack.seq)).toEqual({ seq: ack.seq, msg_id: ack.id });
    } finally {
      reader.close();
    }
  });

  it('answers a retry with the same clientMsgId with the original ack and stores it once', async () => {
    const [alice, bob] = [await client(), await client()];
    const conv = await group(alice, [bob]);
    const first = ok(await send(alice.socket, conv, alice.user, 'retry-me'));
    // A retry may even be re-encrypted (new msgId): it is still the same outgoing message.
    const [again, concurrent] = await Promise.all([
      send(alice.socket, conv, alice.user, 'retry-me'),
      send(alice.socket, conv, alice.user, 'retry-me'),
    ]);
    expect(ok(again)).toEqual(first);
    expect(ok(concurrent)).toEqual(first);
    const page = await callOk<{ events: LogEvent[] }>(
      t,
      bob.user,
      `/conversations/${conv.id}/events`,
    );
    expect(page.events.filter((e) => e.kind === 'message')).toHaveLength(1);
    await sleep(50);
    expect(messagesIn(bob.events, conv.id)).toHaveLength(1);
  });

  it('gives concurrent senders one contiguous order that every member sees', async () => {
    const clients = [await client(), await client(), await client()];
    const [alice, bob, carol] = clients as [Client, Client, Client];
    const conv = await group(alice, [bob, carol]);
    const perSender = 40;
    const acks = await Promise.all(
      clients.flatMap((c) => Array.from({ length: perSender }, () => send(c.socket, conv, c.user))),
    );
    const seqs = acks.map((a) => ok(a).seq).sort((x, y) => x - y);
    const first = 5; // after create, two adds and the epoch
    expect(seqs).toEqual(Array.from({ length: 3 * perSender }, (_, i) => first + i));
    await until(() => clients.every((c) => messagesIn(c.events, conv.id).length === 3 * perSender));
    const views = clients.map((c) =>
      messagesIn(c.events, conv.id).map((e) => `${e.seq}:${e.kind === 'message' && e.id}`),
    );
    expect(views[1]).toEqual(views[0]);
    expect(views[2]).toEqual(views[0]);
    expect(views[0]?.map((v) => Number(v.split(':')[0]))).toEqual(seqs);
    // A group commit's messages of one conversation reach each member as one `events` frame.
    expect(bob.frames.events).toBeGreaterThan(0);
    expect(bob.frames.event + bob.frames.events).toBeLessThan(3 * perSender);
  });

  it('never pushes a conversation event to a non-member', async () => {
    const [alice, bob, eve] = [await client(), await client(), await client()];
    const conv = await group(alice, [bob]);
    ok(await send(alice.socket, conv, alice.user));
    await until(() => messagesIn(bob.events, conv.id).length === 1);
    await sleep(50);
    expect(eve.events).toEqual([]);
  });

  it('refuses a header naming another conversation or sender, and an unknown epoch', async () => {
    const [alice, bob] = [await client(), await client()];
    const conv = await group(alice, [bob]);
    const attempt = (message: ReturnType<typeof wire>) =>
      alice.socket.emitWithAck('send', { conversationId: conv.id, clientMsgId: b64u(8), message });
    const base = wire(conv, alice.user);
    const results = await Promise.all([
      attempt({ ...base, header: { ...base.header, conv: b64u(16) } }),
      attempt({ ...base, header: { ...base.header, sender: bob.user.id } }),
      attempt({ ...base, header: { ...base.header, epochId: b64u(16) } }),
    ]);
    expect(results.map((r) => (r.ok ? 'ok' : [r.error.code, r.error.field]))).toEqual([
      ['invalid_input', 'message.header.conv'],
      ['forbidden', undefined],
      ['invalid_input', 'message.header.epochId'],
    ]);
  });

  it("counts the messages of each epoch for the client's rotation policy", async () => {
    const [alice, bob] = [await client(), await client()];
    const conv = await group(alice, [bob]);
    for (let i = 0; i < 3; i++) ok(await send(alice.socket, conv, alice.user));
    const summary = await callOk<ConversationSummary>(t, bob.user, `/conversations/${conv.id}`);
    expect(summary.currentEpoch).toEqual({ epochId: conv.epochId, messageCount: 3 });
    await startEpoch(t, bob.user, conv, [alice.user, bob.user]);
    ok(await send(alice.socket, conv, alice.user));
    const epochs = await callOk<{ epochs: { messageCount: number }[] }>(
      t,
      alice.user,
      `/conversations/${conv.id}/epochs`,
    );
    expect(epochs.epochs.map((e) => e.messageCount)).toEqual([3, 1]);
  });
});

describe('membership in real time', () => {
  it("joins an added member's open sockets to the conversation at once", async () => {
    const [alice, bob, carol] = [await client(), await client(), await client()];
    const conv = await group(alice, [bob]);
    await changeMembers(t, alice.user, conv, 'add', carol.user);
    await until(() =>
      carol.events.some((e) => e.kind === 'member' && e.entry.entry.target === carol.user.id),
    );
    await startEpoch(t, alice.user, conv, [alice.user, bob.user, carol.user]);
    ok(await send(bob.socket, conv, bob.user));
    await until(() => messagesIn(carol.events, conv.id).length === 1);
  });

  it('delivers the removal to the removed member, then nothing more, and refuses them everywhere', async () => {
    const [alice, bob, carol] = [await client(), await client(), await client()];
    const conv = await group(alice, [bob, carol]);
    const oldEpoch = conv.epochId;
    await changeMembers(t, alice.user, conv, 'remove', carol.user);
    await until(() =>
      carol.events.some((e) => e.kind === 'member' && e.entry.entry.op === 'remove'),
    );

    // The old epoch predates the removal: sends on it are refused until someone rotates.
    const stale = await send(alice.socket, conv, alice.user);
    expect(stale.ok === false && stale.error.code).toBe('conflict');
    await startEpoch(t, alice.user, conv, [alice.user, bob.user]);
    expect(conv.epochId).not.toBe(oldEpoch);
    ok(await send(alice.socket, conv, alice.user));
    await until(() => messagesIn(bob.events, conv.id).length === 1);
    await sleep(50);
    const seen = carol.events.filter((e) => e.conversationId === conv.id);
    const last = seen.at(-1);
    expect(last?.kind === 'member' && last.entry.entry).toMatchObject({
      op: 'remove',
      target: carol.user.id,
    });
    expect(messagesIn(seen, conv.id)).toEqual([]);

    const refused = await send(carol.socket, { ...conv, epochId: oldEpoch }, carol.user);
    expect(refused.ok === false && refused.error.code).toBe('not_found');
    const synced = await sync(carol.socket, {
      cursors: [{ conversationId: conv.id, afterSeq: 0 }],
    });
    expect(synced).toEqual({ ok: true, conversations: [], gone: [conv.id] });
    expect((await call(t, carol.user, `/conversations/${conv.id}/events`)).status).toBe(404);
  });

  it('stops pushing to a member who left', async () => {
    const [alice, bob] = [await client(), await client()];
    const conv = await group(alice, [bob]);
    await changeMembers(t, bob.user, conv, 'leave', bob.user);
    await startEpoch(t, alice.user, conv, [alice.user]);
    ok(await send(alice.socket, conv, alice.user));
    await until(() => messagesIn(alice.events, conv.id).length === 1);
    await sleep(50);
    expect(messagesIn(bob.events, conv.id)).toEqual([]);
  });
});

describe('sync', () => {
  function page(ack: SyncAck, convId: string) {
    const parsed = syncAck.parse(ack);
    if (!parsed.ok) throw new Error(parsed.error.message);
    return parsed.conversations.find((c) => c.conversationId === convId);
  }

  it('pages a conversation from a cursor with hasMore until caught up', async () => {
    const [alice, bob] = [await client(), await client()];
    const conv = await group(alice, [bob]);
    for (let i = 0; i < 25; i++) ok(await send(alice.socket, conv, alice.user));
    let cursor = 3;
    const seen: number[] = [];
    for (let round = 0; round < 10; round++) {
      const part = page(
        await sync(bob.socket, {
          cursors: [{ conversationId: conv.id, afterSeq: cursor }],
          limit: 10,
        }),
        conv.id,
      );
      if (!part) break;
      expect(part.lastSeq).toBe(28);
      seen.push(...part.events.map((e) => e.seq));
      cursor = part.events.at(-1)?.seq ?? cursor;
      if (!part.hasMore) break;
    }
    expect(seen).toEqual(Array.from({ length: 25 }, (_, i) => 4 + i));
    // Caught up: the conversation is left out of the answer.
    expect(
      page(
        await sync(bob.socket, { cursors: [{ conversationId: conv.id, afterSeq: 28 }] }),
        conv.id,
      ),
    ).toBeUndefined();
  });

  it('includes conversations the client has no cursor for from the start, unless onlyListed', async () => {
    const [alice, bob] = [await client(), await client()];
    const known = await group(alice, [bob]);
    const fresh = await group(alice, [bob]);
    const all = await sync(bob.socket, { cursors: [{ conversationId: known.id, afterSeq: 3 }] });
    expect(page(all, known.id)).toBeUndefined();
    expect(page(all, fresh.id)?.events.map((e) => e.seq)).toEqual([1, 2, 3]);
    const listed = await sync(bob.socket, {
      cursors: [{ conversationId: known.id, afterSeq: 0 }],
      onlyListed: true,
    });
    expect(page(listed, fresh.id)).toBeUndefined();
    expect(page(listed, known.id)?.events).toHaveLength(3);
  });

  it('fills the gap of a client that was offline', async () => {
    const [alice, bob] = [await client(), await client()];
    const conv = await group(alice, [bob]);
    ok(await send(alice.socket, conv, alice.user));
    await until(() => messagesIn(bob.events, conv.id).length === 1);
    const cursor = messagesIn(bob.events, conv.id).at(-1)?.seq ?? 0;
    bob.socket.disconnect();
    const missed = [];
    for (let i = 0; i < 12; i++) missed.push(ok(await send(alice.socket, conv, alice.user)));
    const back = await client(bob.user);
    const part = page(
      await sync(back.socket, { cursors: [{ conversationId: conv.id, afterSeq: cursor }] }),
      conv.id,
    );
    expect(part?.events.map((e) => e.kind === 'message' && e.id)).toEqual(missed.map((a) => a.id));
    expect(part?.hasMore).toBe(false);
  });

  it('bounds one answer by bytes and reports hasMore', async () => {
    const [alice, bob] = [await client(), await client()];
    const conv = await group(alice, [bob]);
    const big = () => ({
      conversationId: conv.id,
      clientMsgId: b64u(8),
      message: wire(conv, alice.user, 30_000),
    });
    for (let i = 0; i < 4; i++) ok(await alice.socket.emitWithAck('send', big()));
    const part = page(
      await sync(bob.socket, { cursors: [{ conversationId: conv.id, afterSeq: 3 }] }),
      conv.id,
    );
    expect(part?.events.length).toBeLessThan(4);
    expect(part?.events.length).toBeGreaterThan(0);
    expect(part?.hasMore).toBe(true);
  });
});
