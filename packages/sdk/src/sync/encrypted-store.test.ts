import { describe, expect, it } from 'vitest';
import { getCryptoProvider } from '../crypto/providers/select.js';
import { MemoryStore } from '../store/memory-store.js';
import { EncryptedStore } from './encrypted-store.js';

const provider = await getCryptoProvider();
const accountKey = new Uint8Array(32).fill(7);

describe('EncryptedStore', () => {
  it('round-trips values and stores only ciphertext', async () => {
    const store = new MemoryStore();
    const secure = await EncryptedStore.open(provider, store, 'userA', accountKey);
    await secure.set('outbox', { text: 'canary-7f3a' });
    expect(await secure.get('outbox')).toEqual({ text: 'canary-7f3a' });
    const raw = await store.get('parley:userA:outbox');
    expect(JSON.stringify(raw)).not.toContain('canary');
  });

  it('reads nothing under another account key or another user', async () => {
    const store = new MemoryStore();
    const a = await EncryptedStore.open(provider, store, 'userA', accountKey);
    await a.set('cursor', 5);
    const otherKey = await EncryptedStore.open(provider, store, 'userA', new Uint8Array(32));
    expect(await otherKey.get('cursor')).toBeUndefined();
    // Copying a value under another user's key fails the AAD check.
    const b = await EncryptedStore.open(provider, store, 'userB', accountKey);
    await store.set('parley:userB:cursor', (await store.get('parley:userA:cursor'))!);
    expect(await b.get('cursor')).toBeUndefined();
  });

  it('reads a value moved to another name as absent', async () => {
    const store = new MemoryStore();
    const a = await EncryptedStore.open(provider, store, 'userA', accountKey);
    await a.set('one', 'x');
    await store.set('parley:userA:two', (await store.get('parley:userA:one'))!);
    expect(await a.get('two')).toBeUndefined();
  });

  it('treats tampered or foreign values as absent', async () => {
    const store = new MemoryStore();
    const a = await EncryptedStore.open(provider, store, 'userA', accountKey);
    await store.set('parley:userA:x', { v: 1, box: 'AAAA' });
    await store.set('parley:userA:y', 'plain');
    expect(await a.get('x')).toBeUndefined();
    expect(await a.get('y')).toBeUndefined();
  });

  it('refuses to work after close()', async () => {
    const a = await EncryptedStore.open(provider, new MemoryStore(), 'userA', accountKey);
    a.close();
    await expect(a.set('x', 1)).rejects.toThrow(TypeError);
  });
});
