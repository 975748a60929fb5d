import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clientInternals } from '../src/client.js';
import type { ChatClient } from '../src/client.js';
import type { PresenceInfo, TypingEvent } from '../src/protocol/realtime.js';
import type { UnreadChange } from '../src/types.js';
import { eventually, online, registerUser, waitForMessages } from './conversation-helpers.js';
import type { TestUser } from './conversation-helpers.js';
import { newClient, startServer } from './test-server.js';
import type { RunningServer } from './test-server.js';

/**
 * Presence, typing, receipts and unread counts end to end: real server, real SDK clients
 * (real crypto), real sockets.
 */

let server: RunningServer;
const clients: ChatClient[] = [];

beforeAll(async () => {
  server = await startServer({ realtime: { typingTtlMs: 300 } });
});
afterAll(async () => {
  for (const client of clients) client.close();
  await server.close();
});

async function user(prefix: string, options: Parameters<typeof registerUser>[2] = {}) {
  const created = await registerUser(server, prefix, { presence: { autoAway: false }, ...options });
  clients.push(created.client);
  return created;
}

/** Signs `who` in on a second client (another tab or device). */
async function secondTab(who: TestUser): Promise<ChatClient> {
  const client = newClient(server, { presence: { autoAway: false } });
  clients.push(client);
  await client.login({ username: who.username, password: who.password });
  await online(client);
  return client;
}

describe('presence', () => {
  it('reaches contacts, survives a second tab, and is never told to a stranger', async () => {
    const [alice, bob, stranger] = [await user('pa'), await user('pb'), await user('ps')];
    const seen: PresenceInfo[] = [];
    bob.client.on('presence', (p) => seen.push(p));
    await alice.client.conversations.openDirect(bob.username);
    await eventually(
      async () => (await bob.client.fetchPresence([alice.id]))[0]?.state === 'online',
      'alice online for bob',
    );
    const tab = await secondTab(alice);
    await alice.client.setPresence('away');
    await new Promise((r) => setTimeout(r, 100));
    expect(bob.client.presenceOf(alice.id)?.state).toBe('online');
    await tab.setPresence('away');
    await eventually(() => bob.client.presenceOf(alice.id)?.state === 'away', 'alice away');
    expect(await stranger.client.fetchPresence([alice.id, bob.id])).toEqual([]);
    expect(stranger.client.presenceOf(alice.id)).toBeNull();
    expect(seen.some((p) => p.userId === alice.id && p.state === 'away')).toBe(true);
  });

  it('hidden, looks offline with no last seen', async () => {
    const [alice, bob] = [
      await user('ha', { presence: { hidden: true, autoAway: false } }),
      await user('hb'),
    ];
    await alice.client.conversations.openDirect(bob.username);
    await eventually(() => alice.client.privacy?.hidePresence === true, 'settings applied');
    const [info] = await bob.client.fetchPresence([alice.id]);
    expect(info).toEqual({ userId: alice.id, state: 'offline', lastSeenAt: null });
  });
});

describe('typing', () => {
  it('shows the typist to the other member, and ends by itself', async () => {
    const [alice, bob] = [await user('ta'), await user('tb')];
    const dm = await alice.client.conversations.openDirect(bob.username);
    const theirs = await bob.client.conversations.get(dm.id);
    const events: TypingEvent[] = [];
    bob.client.on('typing', (e) => events.push(e));
    dm.setTyping();
    dm.setTyping();
    await eventually(() => theirs.typing.includes(alice.id), 'bob sees alice typing');
    await eventually(() => theirs.typing.length === 0, 'typing expired');
    expect(events.map((e) => e.typing)).toEqual([true, false]);
    expect(dm.typing).toEqual([]);
  });
});

describe('receipts and unread counts', () => {
  it('moves a message pending → sent → delivered → read, with counts on every tab', async () => {
    const [alice, bob] = [await user('ra'), await user('rb')];
    const bobTab = await secondTab(bob);
    const dm = await alice.client.conversations.openDirect(bob.username);
    const states: string[] = [];
    alice.client.on('message', (m) => states.push(dm.deliveryState(m)));
    const sent = await dm.send('hello');
    expect(states[0]).toBe('pending');
    expect(['sent', 'delivered']).toContain(dm.deliveryState(sent));
    const theirs = await bob.client.conversations.get(dm.id);
    await waitForMessages(theirs, 1);
    await eventually(() => dm.deliveryState(sent) === 'delivered', 'delivered');
    await eventually(() => theirs.unreadCount === 1, 'bob has one unread');
    const onTab: UnreadChange[] = [];
    bobTab.on('unread', (u) => onTab.push(u));
    await theirs.markRead();
    expect(theirs.unreadCount).toBe(0);
    await eventually(() => dm.deliveryState(sent) === 'read', 'read');
    expect(dm.receiptsFor(sent)).toEqual({ deliveredTo: [bob.id], readBy: [bob.id], members: 1 });
    await eventually(() => onTab.some((u) => u.conversationId === dm.id && u.count === 0), 'tab');
    expect(bobTab.unreadTotal).toBe(0);
    const [listed] = await bob.client.conversations.list();
    expect(listed?.unreadCount).toBe(0);
  });

  it('with read receipts off, sends none and sees none', async () => {
    const alice = await user('oa');
    const bob = await user('ob', { readReceipts: false, presence: { autoAway: false } });
    const dm = await alice.client.conversations.openDirect(bob.username);
    const sent = await dm.send('psst');
    const theirs = await bob.client.conversations.get(dm.id);
    await waitForMessages(theirs, 1);
    await theirs.markRead();
    await eventually(() => dm.deliveryState(sent) === 'delivered', 'delivered');
    await new Promise((r) => setTimeout(r, 200));
    expect(dm.deliveryState(sent)).toBe('delivered');
    expect(dm.receipts.get(bob.id)?.readSeq).toBeNull();
    const reply = await theirs.send('ok');
    await dm.markRead();
    await new Promise((r) => setTimeout(r, 200));
    expect(theirs.deliveryState(reply)).not.toBe('read');
  });

  it('catches up after being offline, from the server snapshot', async () => {
    const [alice, bob] = [await user('ka'), await user('kb')];
    const dm = await alice.client.conversations.openDirect(bob.username);
    const theirs = await bob.client.conversations.get(dm.id);
    const session = await clientInternals(bob.client).realtime();
    session!.connection.stop();
    await dm.send('one');
    await dm.send('two');
    await dm.send('three');
    expect(theirs.unreadCount).toBe(0);
    session!.connection.start();
    await eventually(() => theirs.unreadCount === 3, 'three unread after reconnecting');
    expect(bob.client.unreadTotal).toBe(3);
    // The count comes from the server's snapshot; the messages from the gap-fill beside it.
    await eventually(() => theirs.messages.at(-1)?.text === 'three', 'the messages synced');
    await theirs.markRead(theirs.messages.at(-2)?.seq ?? 0);
    expect(theirs.unreadCount).toBe(1);
  });

  it("counts a message the moment it is shown, and the server's push does not count it again", async () => {
    const [alice, bob] = [await user('na'), await user('nb')];
    const dm = await alice.client.conversations.openDirect(bob.username);
    await dm.send('first');
    const [listed] = await bob.client.conversations.list();
    const theirs = await bob.client.conversations.get(listed!.id);
    await waitForMessages(theirs, 1);
    await theirs.markRead();
    // [text, unreadCount, the count of the last `unread` event] as each message is shown
    // ('first' may still be announced late by the initial sync, hence the texts).
    const atArrival: [string, number, number | undefined][] = [];
    let announced: number | undefined;
    let unreadEvents = 0;
    bob.client.on('unread', (u) => {
      if (u.conversationId !== dm.id) return;
      announced = u.count;
      unreadEvents++;
    });
    bob.client.on('message', (m) => {
      if (m.text !== 'first') atArrival.push([m.text, theirs.unreadCount, announced]);
    });
    await dm.send('second');
    await dm.send('third');
    await eventually(() => atArrival.length === 2, 'both arrived');
    // The server coalesces its unread pushes; the count does not wait for them.
    expect(atArrival).toEqual([
      ['second', 1, 1],
      ['third', 2, 2],
    ]);
    // The server's push (within about a second) covers both messages: still two, not four.
    const beforePush = unreadEvents;
    await eventually(() => unreadEvents > beforePush, "the server's push");
    expect(theirs.unreadCount).toBe(2);
    expect(bob.client.unreadTotal).toBe(2);
    await theirs.markRead();
    expect(theirs.unreadCount).toBe(0);
  });

  it('counts only messages of others, and drops a removed member to zero', async () => {
    const [alice, bob, carol] = [await user('ua'), await user('ub'), await user('uc')];
    const group = await alice.client.conversations.create({
      title: 'Counts',
      members: [bob.username, carol.username],
    });
    await group.send('one');
    await group.send('two');
    const forCarol = await carol.client.conversations.get(group.id);
    await eventually(() => forCarol.unreadCount === 2, 'carol has two unread');
    expect(group.unreadCount).toBe(0);
    expect(carol.client.unreadTotal).toBe(2);
    await group.removeMember(carol.username);
    await eventually(() => forCarol.unreadCount === 0, 'carol at zero');
    const listed = await carol.client.conversations.list();
    expect(listed.find((c) => c.id === group.id)).toBeUndefined();
  });
});
