/** docs/getting-started.md, "With the SDK, in Node": two people, one conversation. */
import assert from 'node:assert/strict';
// #region docs
import { ChatClient } from '@parley/sdk';
// #endregion docs

export default async function gettingStartedNode(): Promise<void> {
  // #region docs
  // Bob, e.g. a bot on a server: answers whatever is said to him.
  const bob = new ChatClient({ serverUrl: 'http://localhost:3000' });
  await bob.register({ username: 'bob', password: 'a long password for bob' });
  bob.on('message', async (message) => {
    if (message.sender === bob.me?.id) return; // his own messages arrive too
    const conversation = await bob.conversations.get(message.conversationId);
    await conversation.send(`you said: ${message.text}`);
  });

  // Alice, in another process or on another machine.
  const alice = new ChatClient({ serverUrl: 'http://localhost:3000' });
  await alice.register({ username: 'alice', password: 'a long password for alice' });
  alice.on('message', (message) => {
    if (message.sender !== alice.me?.id) console.log(`bob: ${message.text}`);
  });
  const chat = await alice.conversations.openDirect('bob');
  await chat.send('hello, bob'); // encrypted here, stored by the server, decrypted by Bob
  // #endregion docs

  const deadline = Date.now() + 10_000;
  while (chat.messages.length < 2 && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  assert.deepEqual(
    chat.messages.map((m) => m.text),
    ['hello, bob', 'you said: hello, bob'],
  );
}
