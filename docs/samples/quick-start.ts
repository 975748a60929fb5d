/** The README's SDK tour: accounts, direct and group conversations, safety numbers, search. */
import assert from 'node:assert/strict';
// #region docs
import { ChatClient } from '@parley/sdk';
// #endregion docs
import { nextMessage, someone } from './support/people.js';

export default async function quickStart(): Promise<void> {
  const bob = await someone('bob');
  await someone('carol');
  await someone('dave');
  const bobHeard = nextMessage(bob, (text) => text === 'hello');

  // #region docs
  const client = new ChatClient({ serverUrl: 'http://localhost:3000' });
  await client.register({ username: 'alice', password: 'correct horse battery staple' });
  console.log(client.me); // { id, username, displayName }
  client.on('connection', (state) => console.log(state)); // 'connecting' | 'online' | 'offline'

  const dm = await client.conversations.openDirect('bob'); // by username or user id
  await dm.send('hello'); // resolves when the server has durably stored it
  const group = await client.conversations.create({ title: 'Team', members: ['bob', 'carol'] });
  client.on('message', (m) => console.log(m.sender, m.text, m.status));
  await group.send('dinner on friday?');
  await group.addMember('dave');
  await group.removeMember('carol'); // the next message uses a new key carol never gets
  await client.safetyNumber('bob'); // 60 digits, the same on both sides

  // search runs on the client: the server only has ciphertext
  const [hit] = await client.search('dinner fri'); // { conversationId, seq, text, snippet, ... }
  if (hit) await (await client.conversations.get(hit.conversationId)).loadAround(hit.seq);

  // later, on another device: all history is readable after a password login
  const laptop = new ChatClient({ serverUrl: 'http://localhost:3000' });
  await laptop.login({ username: 'alice', password: 'correct horse battery staple' });
  // #endregion docs

  assert.equal((await bobHeard).text, 'hello');
  assert.equal(client.me?.username, 'alice');
  assert.equal(hit?.conversationId, group.id);
  assert.equal((await client.safetyNumber('bob')).replace(/\D/g, '').length, 60);
  assert.equal(await bob.safetyNumber('alice'), await client.safetyNumber('bob'));
  assert.equal(group.members.length, 3); // alice, bob, dave
  const again = await laptop.conversations.get(group.id);
  while (again.hasOlder) await again.loadOlder();
  assert.ok(again.messages.some((message) => message.text === 'dinner on friday?'));
}
