import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryStore } from '../src/store/memory-store.js';
import { conversationOf, eventually, online, registerUser, texts } from './conversation-helpers.js';
import type { TestUser } from './conversation-helpers.js';
import { newClient, startServer } from './test-server.js';
import type { RunningServer } from './test-server.js';

const DAY = 24 * 60 * 60 * 1000;

/**
 * History retention (RETENTION_DAYS) seen from clients: the server deletes old messages and the
 * log keeps holes; clients behind the holes must still sync (no endless "gap"), and new
 * devices simply start where history starts.
 */
describe('retention, end to end', () => {
  let server: RunningServer;
  let alice: TestUser;
  let bob: TestUser;
  const bobStorage = new MemoryStore();

  beforeAll(async () => {
    server = await startServer({ retentionDays: 1, retentionSweepMs: 1000 });
    alice = await registerUser(server, 'alice');
    bob = await registerUser(server, 'bob', { storage: bobStorage });
  });
  afterAll(async () => {
    alice.client.close();
    bob.client.close();
    await server.close();
  });

  async function deletedSoFar(): Promise<number> {
    const text = await (await fetch(`${server.url}/metrics`)).text();
    return Number(/^parley_retention_deleted_messages_total (\d+)/m.exec(text)?.[1] ?? 0);
  }

  it('lets a client whose cursor is behind deleted messages sync past them', async () => {
    const group = await alice.client.conversations.create({
      title: 'old',
      members: [bob.username],
    });
    for (const text of ['old 1', 'old 2']) await group.send(text);
    const bobsView = await conversationOf(bob.client, group.id);
    await eventually(() => texts(bobsView).length === 2, 'bob has the first messages');

    // Bob goes offline; more is said, then everything ages past the window and is deleted.
    bob.client.close();
    for (const text of ['old 3', 'old 4']) await group.send(text);
    server.advanceClock(2 * DAY);
    await eventually(async () => (await deletedSoFar()) === 4, 'the retention job ran', 10_000);
    await group.send('new 1');

    // Bob comes back on the same storage: his cursor points into the deleted range.
    const back = newClient(server, { storage: bobStorage });
    try {
      expect(await back.resume()).toBe(true);
      await online(back);
      const view = await conversationOf(back, group.id);
      await eventually(() => texts(view).includes('new 1'), 'bob syncs past the hole');
      // What he had stays on his device; what he never fetched is gone from the server.
      expect(texts(view)).toEqual(['old 1', 'old 2', 'new 1']);
    } finally {
      back.close();
    }
  });

  it('shows a new device only the history still held', async () => {
    const group = await alice.client.conversations.create({
      title: 'fresh',
      members: [bob.username],
    });
    await group.send('kept');
    const device = newClient(server);
    try {
      await device.login({ username: bob.username, password: bob.password });
      await online(device);
      const [older] = (await device.conversations.list()).filter((c) => c.title === 'old');
      const view = await conversationOf(device, older!.id);
      await eventually(() => texts(view).includes('new 1'), 'the new device loads the log');
      expect(texts(view)).toEqual(['new 1']);
      const fresh = await conversationOf(device, group.id);
      await eventually(() => texts(fresh).includes('kept'), 'and the fresh conversation');
    } finally {
      device.close();
    }
  });
});
