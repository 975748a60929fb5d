/** docs/getting-started.md, "With the SDK, in a browser": sign in once, render a conversation. */
import assert from 'node:assert/strict';
// #region docs
import { ChatClient } from '@parley/sdk';
// #endregion docs
import type { Message } from '@parley/sdk';
import { someone } from './support/people.js';

export default async function gettingStartedBrowser(): Promise<void> {
  await someone('bob');
  const setup = new ChatClient({ serverUrl: 'http://localhost:3000' });
  await setup.register({ username: 'alice', password: 'correct horse battery staple' });
  setup.close();
  const shown: string[][] = [];
  const render = (messages: readonly Message[]) => shown.push(messages.map((m) => m.text));

  // #region docs
  // In browsers the session is kept in IndexedDB (encrypted), so a reload needs no password.
  const client = new ChatClient({ serverUrl: 'http://localhost:3000' });
  client.on('kdf-progress', (done) => console.log(`deriving keys: ${Math.round(done * 100)}%`));
  if (!(await client.resume())) {
    await client.login({ username: 'alice', password: 'correct horse battery staple' });
  }

  const chat = await client.conversations.openDirect('bob');
  // subscribe() calls back on every change (new, sent, failed messages) and returns the unsubscribe.
  const unsubscribe = chat.subscribe(() => render(chat.messages)); // render: your UI
  await chat.send('hi from the browser');
  unsubscribe();
  // #endregion docs

  assert.deepEqual(shown.at(-1), ['hi from the browser']);
}
