/** README "Presence, typing, receipts and unread counts". */
import assert from 'node:assert/strict';
import { ChatClient } from '@parley/sdk';
import { someone } from './support/people.js';

export default async function presenceAndReceipts(): Promise<void> {
  const serverUrl = 'http://localhost:3000';
  const bob = await someone('bob');
  await someone('carol');
  const bobId = bob.me!.id;

  // #region docs
  const client = new ChatClient({
    serverUrl,
    presence: { hidden: false, autoAway: true }, // autoAway: 'away' while the page is hidden
    readReceipts: true, // false: send none and see none (for all your devices)
  });
  await client.register({ username: 'alice', password: 'correct horse battery staple' });
  const dm = await client.conversations.openDirect('bob');
  const group = await client.conversations.create({ title: 'Team', members: ['bob', 'carol'] });

  client.on('presence', ({ userId, state, lastSeenAt }) => console.log(userId, state, lastSeenAt));
  console.log(client.presenceOf(bobId)); // last known { userId, state, lastSeenAt }, or null
  await client.setPresence('away'); // or 'online'; several tabs count as one presence
  await client.setPrivacy({ hidePresence: true }); // appear offline, no last seen

  dm.setTyping(); // on each keystroke (throttled); dm.setTyping(false) when the box is cleared
  console.log(dm.typing); // user ids typing now
  client.on('typing', ({ conversationId, userId, typing }) =>
    console.log(conversationId, userId, typing),
  );

  await dm.markRead(); // up to the newest message (or markRead(seq)); all your tabs update
  console.log(dm.unreadCount, client.unreadTotal); // the server's counts
  client.on('unread', ({ conversationId, count, total }) =>
    console.log(conversationId, count, total),
  );
  console.log((await client.conversations.list()).map((c) => c.unreadCount));

  const sent = await group.send('hi');
  console.log(group.deliveryState(sent)); // 'pending' → 'sent' → 'delivered' → 'read' (or 'failed')
  console.log(group.receiptsFor(sent)); // { deliveredTo: [ids], readBy: [ids], members }: per member in groups
  // #endregion docs

  const bobsGroup = await bob.conversations.get(group.id);
  while (!bobsGroup.messages.some((m) => m.id === sent.id)) {
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  await bobsGroup.markRead();
  const deadline = Date.now() + 5_000;
  while (!group.receiptsFor(sent).readBy.includes(bob.me!.id) && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  assert.deepEqual(group.receiptsFor(sent).readBy, [bob.me!.id]);
  assert.equal(client.privacy?.hidePresence, true);
  assert.equal(dm.unreadCount, 0);
}
