import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clientInternals } from '../src/client.js';
import type { ChatClient } from '../src/client.js';
import { epochList, eventPage } from '../src/protocol/conversations.js';
import type { EpochList } from '../src/protocol/conversations.js';
import {
  eventually,
  orderedMessages,
  registerUser,
  texts,
  waitForMessages,
} from './conversation-helpers.js';
import type { TestUser } from './conversation-helpers.js';
import { caught, newClient, startServer } from './test-server.js';
import type { RunningServer } from './test-server.js';

let server: RunningServer;
const clients: ChatClient[] = [];

beforeAll(async () => {
  server = await startServer();
});
afterAll(async () => {
  for (const client of clients) client.close();
  await server.close();
});

async function user(prefix: string, options: Parameters<typeof registerUser>[2] = {}) {
  const created = await registerUser(server, prefix, options);
  clients.push(created.client);
  return created;
}

async function users<const P extends readonly string[]>(
  ...prefixes: P
): Promise<{ -readonly [K in keyof P]: TestUser }> {
  return (await Promise.all(prefixes.map((p) => user(p)))) as {
    -readonly [K in keyof P]: TestUser;
  };
}

function epochsOf(client: ChatClient, id: string): Promise<EpochList> {
  return clientInternals(client).rest.request('GET', `/conversations/${id}/epochs`, {
    schema: epochList,
  });
}

describe('conversations against the real server', () => {
  it('a direct conversation is unique per pair, from both sides', async () => {
    const [alice, bob] = await users('alice', 'bob');
    const fromAlice = await alice.client.conversations.openDirect(bob.username);
    const again = await alice.client.conversations.openDirect(bob.id);
    const fromBob = await bob.client.conversations.openDirect(alice.username);
    expect(again.id).toBe(fromAlice.id);
    expect(fromBob.id).toBe(fromAlice.id);
    expect(fromAlice.kind).toBe('direct');
    expect(fromAlice.members.map((m) => m.userId).sort()).toEqual([alice.id, bob.id].sort());

    const sent = await fromAlice.send('hello bob');
    expect(sent).toMatchObject({ status: 'sent', sender: alice.id, text: 'hello bob' });
    await waitForMessages(fromBob, 1);
    await fromBob.send('hi alice');
    await waitForMessages(fromAlice, 2);
    expect(texts(fromAlice)).toEqual(['hello bob', 'hi alice']);
    await eventually(() => fromBob.messages.length === 2, 'bob sees his own message once');
    expect(texts(fromBob)).toEqual(['hello bob', 'hi alice']);
    // P20: the same 60 digits on both sides.
    const [a, b] = await Promise.all([
      alice.client.safetyNumber(bob.username),
      bob.client.safetyNumber(alice.id),
    ]);
    expect(a).toMatch(/^\d{60}$/);
    expect(b).toBe(a);
    expect([...alice.errors, ...bob.errors]).toEqual([]);
  });

  it('three users in a group exchange messages and all see the same order', async () => {
    const [alice, bob, carol] = await users('alice', 'bob', 'carol');
    const seen: string[] = [];
    bob.client.on('message', (m) => seen.push(m.text));
    const group = await alice.client.conversations.create({
      title: 'Trio',
      members: [bob.username, carol.id],
    });
    expect(group.kind).toBe('group');
    expect(group.title).toBe('Trio');
    expect(group.members.find((m) => m.userId === alice.id)?.admin).toBe(true);
    const views = [
      group,
      ...(await Promise.all([bob, carol].map((u) => u.client.conversations.get(group.id)))),
    ];
    // 201 messages in all, three senders at once.
    const perUser = 67;
    await Promise.all(
      [alice, bob, carol].map(async (u, i) => {
        for (let n = 0; n < perUser; n++) await views[i]!.send(`${u.username}:${n}`);
      }),
    );
    for (const view of views) await waitForMessages(view, perUser * 3);
    const orders = views.map((v) =>
      orderedMessages(v).map((m) => `${m.seq}|${m.sender}|${m.text}`),
    );
    expect(orders[1]).toEqual(orders[0]);
    expect(orders[2]).toEqual(orders[0]);
    expect(orders[0]).toHaveLength(perUser * 3);
    // Each sender's messages keep their writing order.
    for (const u of [alice, bob, carol]) {
      const own = texts(views[0]!).filter((t) => t.startsWith(`${u.username}:`));
      expect(own).toEqual(Array.from({ length: perUser }, (_, n) => `${u.username}:${n}`));
    }
    expect(seen.filter((t) => !t.startsWith(bob.username))).toHaveLength(perUser * 2);
  });

  it('a removed member cannot read what is sent after, and the server stops delivering it', async () => {
    const [alice, bob, carol] = await users('alice', 'bob', 'carol');
    const group = await alice.client.conversations.create({
      title: 'Ops',
      members: [bob.id, carol.id],
    });
    const [bobView, carolView] = await Promise.all(
      [bob, carol].map((u) => u.client.conversations.get(group.id)),
    );
    await group.send('before removal');
    await waitForMessages(carolView!, 1);

    await group.removeMember(carol.username);
    await eventually(() => carolView!.left, 'carol learns she was removed');
    await group.send('after removal');
    await waitForMessages(bobView!, 2);
    expect(texts(bobView!)).toEqual(['before removal', 'after removal']);

    // The epoch of the new message was sealed without Carol.
    const { epochs } = await epochsOf(alice.client, group.id);
    const newest = epochs.at(-1)!;
    expect(newest.record.reason).toBe('member-removed');
    expect(newest.record.recipients.map((r) => r.user).sort()).toEqual([alice.id, bob.id].sort());
    // Carol's client never gets it, and the server refuses her history.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(texts(carolView!)).toEqual(['before removal']);
    const refused = await caught(
      clientInternals(carol.client).rest.request('GET', `/conversations/${group.id}/events`, {
        schema: eventPage,
      }),
    );
    expect(refused.code).toBe('not_found');
    expect(await caught(carolView!.send('let me in'))).toMatchObject({ code: 'forbidden' });
  });

  it('a member who leaves is gone from the group and stops receiving it', async () => {
    const [alice, bob] = await users('alice', 'bob');
    const group = await alice.client.conversations.create({ title: 'Door', members: [bob.id] });
    const bobView = await bob.client.conversations.get(group.id);
    await bobView.leave();
    expect(bobView.left).toBe(true);
    await eventually(() => group.members.length === 1, 'alice sees bob leave');
    expect((await bob.client.conversations.list()).map((c) => c.id)).not.toContain(group.id);
    await group.send('after bob left');
    const { epochs } = await epochsOf(alice.client, group.id);
    expect(epochs.at(-1)!.record.recipients.map((r) => r.user)).toEqual([alice.id]);
    expect(bob.errors).toEqual([]);
  });

  it('a new member does not read earlier history', async () => {
    const [alice, bob, dave] = await users('alice', 'bob', 'dave');
    const group = await alice.client.conversations.create({ title: 'Club', members: [bob.id] });
    await group.send('secret before dave');
    await group.send('another secret');
    await group.addMember(dave.username);
    await group.send('welcome dave');
    const daveView = await dave.client.conversations.get(group.id);
    await waitForMessages(daveView, 1);
    while (daveView.hasOlder) await daveView.loadOlder();
    expect(texts(daveView)).toEqual(['welcome dave']);
    const early = daveView.messages.filter((m) => m.status === 'undecryptable');
    expect(early).toHaveLength(2);
    for (const message of early) {
      expect(message.reason).toBe('no_envelope_for_user');
      expect(message.text).toBe('');
    }
  });

  it('a fresh login with only username and password reads history across three rotations', async () => {
    const [alice, bob] = await users('alice', 'bob');
    const group = await alice.client.conversations.create({
      title: 'Rotating',
      members: [bob.id],
      settings: { rotateAfterMsgs: 2 },
    });
    const written = Array.from({ length: 8 }, (_, n) => `rotating ${n}`);
    for (const text of written) await group.send(text);
    const { epochs } = await epochsOf(alice.client, group.id);
    expect(epochs.length).toBeGreaterThanOrEqual(4);
    expect(epochs.slice(1).every((e) => e.record.reason === 'count')).toBe(true);

    const fresh = newClient(server);
    clients.push(fresh);
    await fresh.login({ username: bob.username, password: bob.password });
    const [listed] = await fresh.conversations.list();
    expect(listed?.id).toBe(group.id);
    const view = await fresh.conversations.get(group.id);
    expect(texts(view)).toEqual(written);
  });

  it('two concurrent rotations yield exactly one epoch and lose no message', async () => {
    const epochPosts: number[] = [];
    const counting: typeof fetch = async (input, init) => {
      const response = await fetch(input, init);
      if (init?.method === 'POST' && String(input).endsWith('/epochs'))
        epochPosts.push(response.status);
      return response;
    };
    const alice = await user('alice', { fetch: counting });
    const bob = await user('bob', { fetch: counting });
    const carol = await user('carol');
    const group = await alice.client.conversations.create({
      title: 'Race',
      members: [bob.id, carol.id],
    });
    const bobView = await bob.client.conversations.get(group.id);
    await group.send('first');
    await waitForMessages(bobView, 1);
    const before = (await epochsOf(alice.client, group.id)).epochs.length;

    await group.removeMember(carol.id);
    await eventually(() => bobView.members.length === 2, 'bob applies the removal');
    epochPosts.length = 0;
    await Promise.all([group.send('from alice'), bobView.send('from bob')]);

    const { epochs } = await epochsOf(alice.client, group.id);
    expect(epochs.length).toBe(before + 1);
    // Both tried (or the loser saw the winner's epoch first): one accepted, the rest lost 409.
    expect(epochPosts.filter((s) => s === 201)).toHaveLength(1);
    expect(epochPosts.filter((s) => s !== 201 && s !== 409)).toEqual([]);
    expect([...alice.errors, ...bob.errors]).toEqual([]);
    await waitForMessages(group, 3);
    await waitForMessages(bobView, 3);
    expect(texts(group).sort()).toEqual(['first', 'from alice', 'from bob'].sort());
    expect(texts(bobView)).toEqual(texts(group));
  });

  it('rejects a membership log the server forged', async () => {
    const [alice, bob] = await users('alice', 'bob');
    const group = await alice.client.conversations.create({ title: 'Forged', members: [bob.id] });
    await group.send('hello');
    // The malicious server appends an entry adding Mallory, "signed" with garbage.
    const forging: typeof fetch = async (input, init) => {
      const response = await fetch(input, init);
      if (
        !String(input).includes(`/conversations/${group.id}/members`) ||
        init?.method === 'POST'
      ) {
        return response;
      }
      const body = (await response.json()) as {
        entries: Array<Record<string, unknown>>;
        hasMore: boolean;
      };
      const last = body.entries.at(-1) as {
        entry: Record<string, unknown>;
        logSeq: number;
        ts: number;
      };
      const forged = {
        entry: {
          ...last.entry,
          seq: (last.entry.seq as number) + 1,
          op: 'add',
          target: 'TWFsbG9yeU1hbGxvcnlNYQ',
          targetIk: 'A'.repeat(43),
        },
        sig: 'A'.repeat(86),
        logSeq: last.logSeq + 1,
        ts: last.ts,
      };
      return Response.json({ ...body, entries: [...body.entries, forged] });
    };
    const victim = newClient(server, { fetch: forging });
    clients.push(victim);
    await victim.login({ username: bob.username, password: bob.password });
    expect(await caught(victim.conversations.get(group.id))).toMatchObject({
      code: 'decryption_failed',
    });
  });
});
