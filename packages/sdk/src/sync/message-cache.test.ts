import { describe, expect, it } from 'vitest';
import { systemTimers } from '../auth/timers.js';
import { getCryptoProvider } from '../crypto/providers/select.js';
import type { JsonValue } from '../store/local-store.js';
import { MemoryStore } from '../store/memory-store.js';
import type { Message } from '../types.js';
import { EncryptedStore } from './encrypted-store.js';
import { MessageCache } from './message-cache.js';

const provider = await getCryptoProvider();
const CONV = 'Y29udmVyc2F0aW9uLWlkMQ';

function message(seq: number): Message {
  return {
    id: `m${seq}`,
    clientMsgId: null,
    conversationId: CONV,
    sender: 'u',
    text: `text ${seq}`,
    attachments: [],
    ts: seq,
    seq,
    status: 'sent',
  };
}

async function cache(maxMessages: number, store = new MemoryStore()) {
  const secure = await EncryptedStore.open(provider, store, 'me', new Uint8Array(32));
  return new MessageCache(secure, { maxMessages, timers: systemTimers, onError: () => undefined });
}

describe('MessageCache', () => {
  it('round-trips the window and the messages, encrypted', async () => {
    const store = new MemoryStore();
    const a = await cache(10, store);
    const messages = [message(3), message(4)];
    a.scheduleConversation(CONV, () => ({ window: { firstSeq: 2, lastSeq: 6 }, messages }));
    await a.flush();
    const b = await cache(10, store);
    expect(await b.load(CONV)).toEqual({ window: { firstSeq: 2, lastSeq: 6 }, messages });
    expect(JSON.stringify(await store.get(`parley:me:cache:${CONV}:messages`))).not.toContain(
      'text 3',
    );
  });

  it('moves the window start up when it keeps only the newest messages', async () => {
    const a = await cache(2);
    const messages = [message(1), message(5), message(8)];
    a.scheduleConversation(CONV, () => ({ window: { firstSeq: 1, lastSeq: 9 }, messages }));
    await a.flush();
    expect(await a.load(CONV)).toEqual({
      window: { firstSeq: 5, lastSeq: 9 },
      messages: [message(5), message(8)],
    });
  });

  it('never caches unsent messages (the outbox owns them)', async () => {
    const a = await cache(10);
    const pending: Message = { ...message(1), seq: null, status: 'pending', clientMsgId: 'c' };
    a.scheduleConversation(CONV, () => ({
      window: { firstSeq: 1, lastSeq: 2 },
      messages: [pending, message(2)],
    }));
    await a.flush();
    expect((await a.load(CONV))?.messages).toEqual([message(2)]);
  });

  it('caches nothing when disabled', async () => {
    const a = await cache(0);
    a.scheduleConversation(CONV, () => ({
      window: { firstSeq: 1, lastSeq: 1 },
      messages: [message(1)],
    }));
    await a.flush();
    expect(await a.load(CONV)).toBeUndefined();
  });

  it('ignores a cache entry holding messages of another conversation', async () => {
    const store = new MemoryStore();
    const secure = await EncryptedStore.open(provider, store, 'me', new Uint8Array(32));
    const other = { ...message(1), conversationId: 'b3RoZXItY29udmVyc2F0aW9u' };
    await secure.set(`cache:${CONV}:messages`, {
      v: 1,
      firstSeq: 1,
      lastSeq: 1,
      messages: [other] as unknown as JsonValue[],
    });
    const a = new MessageCache(secure, {
      maxMessages: 5,
      timers: systemTimers,
      onError: () => undefined,
    });
    expect(await a.load(CONV)).toBeUndefined();
  });
});
