/** docs/search.md: search and open a result at its message. */
import assert from 'node:assert/strict';
import { someone } from './support/people.js';

export default async function search(): Promise<void> {
  const client = await someone('alice');
  await someone('bob');
  const dm = await client.conversations.openDirect('bob');
  await dm.send('are we still on for dinner on friday?');
  await dm.send('bring the slides');

  // #region docs
  const results = await client.search('dinner fri', { limit: 10 });
  // [{ conversationId, messageId, seq, sender, ts, text, snippet, highlights, score }, ...]

  // Open a result at its message: loads history pages back to it if needed.
  const conversation = await client.conversations.get(results[0]!.conversationId);
  const message = await conversation.loadAround(results[0]!.seq);
  // conversation.messages now contains it (and ten before it): scroll to message.id
  // #endregion docs

  assert.equal(results.length, 1);
  assert.equal(message?.text, 'are we still on for dinner on friday?');
  assert.ok(conversation.messages.some((m) => m.id === message?.id));
}
