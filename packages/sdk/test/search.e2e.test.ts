import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { ChatClient } from '../src/client.js';
import { SEARCH_INDEX_NAME } from '../src/search/message-search.js';
import { FileStore } from '../src/store/file-store.js';
import { MemoryStore } from '../src/store/memory-store.js';
import { eventually, realtimeOf, registerUser, waitForMessages } from './conversation-helpers.js';
import { useTestServer } from './test-server.js';

const suite = useTestServer();
const clients: ChatClient[] = [];
const dirs: string[] = [];
afterAll(async () => {
  for (const client of clients) client.close();
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

async function user(prefix: string, options: Parameters<typeof registerUser>[2] = {}) {
  const created = await registerUser(suite.server, prefix, options);
  clients.push(created.client);
  return created;
}

async function hits(client: ChatClient, query: string): Promise<string[]> {
  return (await client.search(query)).map((r) => r.text);
}

describe('search (SDK against a real server)', () => {
  it('finds a word from before a reload, from the encrypted index alone, and opens it', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'parley-search-'));
    dirs.push(dir);
    // Only one message per conversation stays in the message cache: older ones can only be
    // found through the persisted index.
    const alice = await user('alice', { storage: new FileStore(dir), cachedMessages: 1 });
    const bob = await user('bob');
    const dm = await bob.client.conversations.openDirect(alice.id);
    await dm.send('The canaryword is pelican, remember it');
    await dm.send('second message');
    await dm.send('third message');
    const aliceView = await alice.client.conversations.openDirect(bob.id);
    await waitForMessages(aliceView, 3);
    expect(await hits(alice.client, 'pelican')).toEqual(['The canaryword is pelican, remember it']);
    await (await realtimeOf(alice.client)).search.flush();
    alice.client.close();

    // The store at rest holds the index, encrypted: no file contains the words.
    const files = await readdir(dir);
    expect(files.some((f) => f.endsWith('.search.json'))).toBe(true);
    for (const file of files) {
      const content = await readFile(join(dir, file), 'utf8');
      expect(content).not.toMatch(/canaryword|pelican/i);
    }

    // A reload that stays offline: nothing is fetched or decrypted again.
    const reloaded = suite.client({ storage: new FileStore(dir), autoConnect: false });
    expect(await reloaded.resume()).toBe(true);
    const [cached] = await reloaded.conversations.cached();
    expect(cached!.messages.map((m) => m.text)).toEqual(['third message']);
    const [hit] = await reloaded.search('pelic');
    expect(hit).toMatchObject({
      conversationId: dm.id,
      sender: bob.id,
      text: 'The canaryword is pelican, remember it',
    });
    expect(hit!.snippet.slice(...hit!.highlights[0]!)).toBe('pelican');

    // Opening the result loads history back to the message.
    const conversation = await reloaded.conversations.get(hit!.conversationId);
    const opened = await conversation.loadAround(hit!.seq);
    expect(opened).toMatchObject({ id: hit!.messageId, text: hit!.text });
    expect(conversation.messages.some((m) => m.id === hit!.messageId)).toBe(true);
  });

  it('finds nothing from a conversation the user left', async () => {
    const [alice, bob] = [await user('alice'), await user('bob')];
    const group = await bob.client.conversations.create({ title: 'Plans', members: [alice.id] });
    await group.send('the heron meets at dawn');
    const direct = await bob.client.conversations.openDirect(alice.id);
    await direct.send('heron sighted at the lake');
    const aliceGroup = await alice.client.conversations.get(group.id);
    await waitForMessages(aliceGroup, 1);
    const aliceDirect = await alice.client.conversations.openDirect(bob.id);
    await waitForMessages(aliceDirect, 1);
    expect((await hits(alice.client, 'heron')).sort()).toEqual([
      'heron sighted at the lake',
      'the heron meets at dawn',
    ]);

    await aliceGroup.leave();
    expect(await hits(alice.client, 'heron')).toEqual(['heron sighted at the lake']);
    expect(await alice.client.search('dawn', { conversationId: group.id })).toEqual([]);
  });

  it('finds nothing from a conversation the user was removed from', async () => {
    const [alice, bob] = [await user('alice'), await user('bob')];
    const group = await bob.client.conversations.create({ title: 'Club', members: [alice.id] });
    await group.send('the osprey password');
    const aliceGroup = await alice.client.conversations.get(group.id);
    await waitForMessages(aliceGroup, 1);
    expect(await hits(alice.client, 'osprey')).toEqual(['the osprey password']);

    await group.removeMember(alice.id);
    await eventually(
      async () => (await hits(alice.client, 'osprey')).length === 0,
      'search forgets the conversation alice was removed from',
    );
    expect(aliceGroup.left).toBe(true);
  });

  it('filters by sender and conversation', async () => {
    const [alice, bob, carol] = [await user('alice'), await user('bob'), await user('carol')];
    const group = await alice.client.conversations.create({
      title: 'Birds',
      members: [bob.id, carol.id],
    });
    const bobView = await bob.client.conversations.get(group.id);
    await bobView.send('a puffin from bob');
    const carolView = await carol.client.conversations.get(group.id);
    await carolView.send('a puffin from carol');
    await waitForMessages(group, 2);
    expect((await alice.client.search('puffin', { sender: bob.id })).map((r) => r.text)).toEqual([
      'a puffin from bob',
    ]);
    expect(await alice.client.search('puffin', { conversationId: 'elsewhere' })).toEqual([]);
    expect(await alice.client.search('puffin', { limit: 1 })).toHaveLength(1);
  });

  it('with search turned off, indexes nothing and says so', async () => {
    const store = new MemoryStore();
    const alice = await user('alice', { storage: store, search: false });
    const bob = await user('bob');
    const dm = await bob.client.conversations.openDirect(alice.id);
    await dm.send('a bot reads this and never searches');
    await waitForMessages(await alice.client.conversations.openDirect(bob.id), 1);
    expect(await alice.client.search('bot').catch((e: unknown) => e)).toMatchObject({
      code: 'unavailable',
    });
    await (await realtimeOf(alice.client)).search.flush();
    expect(await store.get(`parley:${alice.id}:${SEARCH_INDEX_NAME}`)).toBeUndefined();
  });

  it('logging out deletes the index from the store', async () => {
    const store = new MemoryStore();
    const alice = await user('alice', { storage: store });
    const bob = await user('bob');
    const dm = await bob.client.conversations.openDirect(alice.id);
    await dm.send('a gannet flew by');
    await waitForMessages(await alice.client.conversations.openDirect(bob.id), 1);
    expect(await hits(alice.client, 'gannet')).toHaveLength(1);
    const session = await realtimeOf(alice.client);
    await session.search.flush();
    const key = `parley:${alice.id}:${SEARCH_INDEX_NAME}`;
    expect(await store.get(key)).toBeDefined();

    await alice.client.logout();
    // The session's local data is purged in the background after the sign-out, as the cache is.
    await eventually(async () => (await store.get(key)) === undefined, 'the index purge');
    expect((await alice.client.search('gannet').catch((e: unknown) => e)) as Error).toMatchObject({
      code: 'unauthorized',
    });
  });
});
