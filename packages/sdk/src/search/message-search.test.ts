import { describe, expect, it } from 'vitest';
import { systemTimers } from '../auth/timers.js';
import { getCryptoProvider } from '../crypto/providers/select.js';
import { ChatError } from '../errors.js';
import { MemoryStore } from '../store/memory-store.js';
import { EncryptedStore } from '../sync/encrypted-store.js';
import type { Message } from '../types.js';
import { MessageSearch, SEARCH_INDEX_NAME } from './message-search.js';
import type { SearchSource } from './message-search.js';

const provider = await getCryptoProvider();
const ACCOUNT_KEY = new Uint8Array(32).fill(7);

/** A conversation whose timeline the test changes the way ConversationState does. */
class FakeConversation implements SearchSource {
  readonly id: string;
  left = false;
  timeline: { stored: readonly Message[] } = { stored: [] };
  constructor(id: string) {
    this.id = id;
  }

  add(text: string, patch: Partial<Message> = {}): Message {
    const seq = this.timeline.stored.length + 1;
    const message: Message = {
      id: `${this.id}-m${seq}`,
      clientMsgId: null,
      conversationId: this.id,
      sender: 'bob',
      text,
      attachments: [],
      ts: seq,
      seq,
      status: 'sent',
      ...patch,
    };
    this.timeline = { stored: [...this.timeline.stored, message] };
    return message;
  }

  replace(message: Message): void {
    this.timeline = {
      stored: this.timeline.stored.map((m) => (m.id === message.id ? message : m)),
    };
  }
}

async function open(store = new MemoryStore(), hidden = new Set<string>()) {
  const secure = await EncryptedStore.open(provider, store, 'me', ACCOUNT_KEY);
  const errors: unknown[] = [];
  const search = new MessageSearch({
    store: secure,
    timers: systemTimers,
    visible: (id) => !hidden.has(id),
    indexDelayMs: 1,
    persistDelayMs: 10_000,
    onError: (error) => errors.push(error),
  });
  await search.ready;
  return { search, secure, store, errors };
}

const found = async (search: MessageSearch, query: string) =>
  (await search.search(query)).map((r) => r.text);

describe('MessageSearch', () => {
  it('indexes the messages of a tracked conversation as they appear', async () => {
    const { search } = await open();
    const conv = new FakeConversation('c1');
    conv.add('first message about kayaks');
    search.track(conv);
    expect(await found(search, 'kayak')).toEqual(['first message about kayaks']);
    conv.add('second one about kayaks too');
    search.track(conv);
    expect(await found(search, 'kayaks')).toHaveLength(2);
  });

  it('re-indexes a message whose text changed', async () => {
    const { search } = await open();
    const conv = new FakeConversation('c1');
    const original = conv.add('lunch at noon');
    search.track(conv);
    expect(await found(search, 'noon')).toHaveLength(1);
    conv.replace({ ...original, text: 'lunch at one' });
    search.track(conv);
    expect(await found(search, 'noon')).toEqual([]);
    expect(await found(search, 'lunch')).toEqual(['lunch at one']);
  });

  it('never indexes an undecryptable message', async () => {
    const { search } = await open();
    const conv = new FakeConversation('c1');
    conv.add('', { status: 'undecryptable', reason: 'msg_sig_invalid' });
    search.track(conv);
    await search.flush();
    expect(search.size).toBe(0);
  });

  it('drops a conversation the user left, and hides ones not visible', async () => {
    const hidden = new Set<string>();
    const { search } = await open(new MemoryStore(), hidden);
    const kept = new FakeConversation('kept');
    const left = new FakeConversation('left');
    kept.add('the password is swordfish');
    left.add('swordfish again');
    search.track(kept);
    search.track(left);
    expect(await found(search, 'swordfish')).toHaveLength(2);
    left.left = true;
    search.track(left);
    expect(await found(search, 'swordfish')).toEqual(['the password is swordfish']);
    hidden.add('kept');
    expect(await found(search, 'swordfish')).toEqual([]);
  });

  it('persists the index encrypted, and a reload searches it without the messages', async () => {
    const store = new MemoryStore();
    const first = await open(store);
    const conv = new FakeConversation('c1');
    conv.add('canaryword from before the reload');
    first.search.track(conv);
    await first.search.flush();
    expect(JSON.stringify(await store.get(first.secure.keyOf(SEARCH_INDEX_NAME)))).not.toMatch(
      /canaryword/,
    );
    const second = await open(store);
    expect(await found(second.search, 'canaryword')).toEqual(['canaryword from before the reload']);
  });

  it('writes the index after the persist delay without being asked', async () => {
    const store = new MemoryStore();
    const secure = await EncryptedStore.open(provider, store, 'me', ACCOUNT_KEY);
    const search = new MessageSearch({
      store: secure,
      timers: systemTimers,
      visible: () => true,
      indexDelayMs: 1,
      persistDelayMs: 5,
      onError: () => undefined,
    });
    const conv = new FakeConversation('c1');
    conv.add('written in the background');
    search.track(conv);
    for (let i = 0; i < 100 && (await secure.get(SEARCH_INDEX_NAME)) === undefined; i++)
      await new Promise((resolve) => setTimeout(resolve, 10));
    expect(await secure.get(SEARCH_INDEX_NAME)).toBeDefined();
  });

  it('rebuilds from the tracked conversations when the stored index is unusable', async () => {
    const store = new MemoryStore();
    const secure = await EncryptedStore.open(provider, store, 'me', ACCOUNT_KEY);
    await secure.set(SEARCH_INDEX_NAME, { v: 99, tokenizer: 1, index: 'old format' });
    const { search } = await open(store);
    const conv = new FakeConversation('c1');
    conv.add('rebuilt from the cache');
    search.track(conv);
    expect(await found(search, 'rebuilt')).toEqual(['rebuilt from the cache']);
    await search.flush();
    const reopened = await open(store);
    expect(await found(reopened.search, 'rebuilt')).toHaveLength(1);
  });

  it('forget removes a conversation and writes at once', async () => {
    const store = new MemoryStore();
    const { search } = await open(store);
    const conv = new FakeConversation('c1');
    conv.add('goodbye group');
    search.track(conv);
    await search.flush();
    await search.forget('c1');
    const reopened = await open(store);
    expect(await found(reopened.search, 'goodbye')).toEqual([]);
  });

  it('purge deletes the index from memory and from the store', async () => {
    const store = new MemoryStore();
    const { search, secure } = await open(store);
    const conv = new FakeConversation('c1');
    conv.add('something private');
    search.track(conv);
    await search.flush();
    await search.purge();
    expect(await secure.get(SEARCH_INDEX_NAME)).toBeUndefined();
    expect(await found(search, 'private')).toEqual([]);
    search.track(conv);
    expect(await found(search, 'private')).toEqual([]);
  });

  it('turned off, indexes nothing, deletes a stored index and refuses searches', async () => {
    const store = new MemoryStore();
    const first = await open(store);
    const conv = new FakeConversation('c1');
    conv.add('kept from before');
    first.search.track(conv);
    await first.search.flush();
    const secure = await EncryptedStore.open(provider, store, 'me', ACCOUNT_KEY);
    const off = new MessageSearch({
      store: secure,
      enabled: false,
      timers: systemTimers,
      visible: () => true,
      onError: () => undefined,
    });
    await off.ready;
    off.track(conv);
    expect(await secure.get(SEARCH_INDEX_NAME)).toBeUndefined();
    const refused = await off.search('kept').catch((error: unknown) => error);
    expect(ChatError.is(refused, 'unavailable')).toBe(true);
    expect(off.size).toBe(0);
  });

  it('answers an empty query with nothing and rejects bad input with clear errors', async () => {
    const { search } = await open();
    expect(await search.search('   ')).toEqual([]);
    await expect(search.search(42 as unknown as string)).rejects.toBeInstanceOf(TypeError);
    await expect(search.search('x', { limit: 0 })).rejects.toBeInstanceOf(RangeError);
    await expect(search.search('x', { limit: 201 })).rejects.toBeInstanceOf(RangeError);
    await expect(
      search.search('x', { sort: 'oldest' as unknown as 'recent' }),
    ).rejects.toBeInstanceOf(TypeError);
    const tooLong = await search.search('x'.repeat(501)).catch((error: unknown) => error);
    expect(ChatError.is(tooLong, 'invalid_input')).toBe(true);
    expect((tooLong as ChatError).field).toBe('query');
  });
});
