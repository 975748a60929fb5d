import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { getCryptoProvider } from '../crypto/providers/select.js';
import { FileStore } from '../store/file-store.js';
import type { JsonValue, LocalStore } from '../store/local-store.js';
import { MemoryStore } from '../store/memory-store.js';
import { EncryptedStore } from '../sync/encrypted-store.js';
import { newClientMsgId } from './client-msg-id.js';
import { Outbox } from './outbox.js';
import type { OutboxItem } from './outbox.js';

const provider = await getCryptoProvider();
const accountKey = new Uint8Array(32).fill(3);
const CONV = 'Y29udmVyc2F0aW9uLWlkMQ';

function open(store: LocalStore) {
  return EncryptedStore.open(provider, store, 'userA', accountKey);
}

function item(text: string, extra: Partial<OutboxItem> = {}): OutboxItem {
  return {
    clientMsgId: newClientMsgId(),
    conversationId: CONV,
    text,
    createdAt: 1,
    wire: null,
    state: 'pending',
    attempts: 0,
    ...extra,
  };
}

/** A store that counts writes, to observe coalescing. */
class CountingStore extends MemoryStore {
  writes = 0;
  override async set(key: string, value: JsonValue): Promise<void> {
    this.writes++;
    await new Promise((resolve) => setTimeout(resolve, 5));
    return super.set(key, value);
  }
}

describe('Outbox', () => {
  it('keeps items across a reload of a FileStore, in writing order', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'parley-outbox-'));
    try {
      const outbox = await Outbox.load(await open(new FileStore(dir)));
      const [a, b, c] = [item('one'), item('two'), item('three')];
      await outbox.put(a);
      await outbox.put(b);
      await outbox.put(c);
      await outbox.remove(b.clientMsgId);
      const reloaded = await Outbox.load(await open(new FileStore(dir)));
      expect(reloaded.items().map((i) => i.text)).toEqual(['one', 'three']);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('stores message text encrypted', async () => {
    const store = new MemoryStore();
    const outbox = await Outbox.load(await open(store));
    await outbox.put(item('canary-outbox-91c'));
    expect(JSON.stringify(await store.get('parley:userA:outbox:items'))).not.toContain('canary');
  });

  it('replaces an item in place and filters by conversation', async () => {
    const outbox = await Outbox.load(await open(new MemoryStore()));
    const a = item('a');
    await outbox.put(a);
    await outbox.put(item('other', { conversationId: 'b3RoZXItY29udmVyc2F0aW9u' }));
    await outbox.put({ ...a, state: 'failed', error: 'forbidden' });
    expect(outbox.items(CONV)).toEqual([{ ...a, state: 'failed', error: 'forbidden' }]);
    expect(outbox.items()).toHaveLength(2);
  });

  it('coalesces bursts of changes into few writes, each change durable when it resolves', async () => {
    const store = new CountingStore();
    const outbox = await Outbox.load(await open(store));
    const items = Array.from({ length: 50 }, (_, i) => item(`m${i}`));
    await Promise.all(items.map((i) => outbox.put(i)));
    expect(store.writes).toBeLessThanOrEqual(3);
    const reloaded = await Outbox.load(await open(store));
    expect(reloaded.items()).toHaveLength(50);
  });

  it('skips unreadable items instead of failing the whole outbox', async () => {
    const store = new MemoryStore();
    const secure = await open(store);
    const good = item('good');
    await secure.set('outbox:items', {
      v: 1,
      items: [{ nonsense: true }, good as unknown as JsonValue],
    });
    const outbox = await Outbox.load(secure);
    expect(outbox.items()).toEqual([good]);
  });
});
