import { describe, expect, it } from 'vitest';
import { MemoryStore } from '../store/memory-store.js';
import { SESSION_KEY, clearSession, loadSession, saveSession } from './stored-session.js';
import type { StoredSession } from './stored-session.js';

const SESSION: StoredSession = {
  userId: 'AAAAAAAAAAAAAAAAAAAAAA',
  username: 'alice',
  displayName: 'Alice',
  refreshToken: 'r'.repeat(43),
  accountKey: 'A'.repeat(43),
  sessionId: 'sess-1',
};

describe('stored session', () => {
  it('round-trips under parley:session', async () => {
    const store = new MemoryStore();
    await saveSession(store, SESSION);
    expect(await store.get(SESSION_KEY)).toEqual(SESSION);
    expect(await loadSession(store)).toEqual(SESSION);
    await clearSession(store);
    expect(await loadSession(store)).toBeNull();
  });

  it('discards a malformed entry instead of trusting it', async () => {
    const store = new MemoryStore();
    await store.set(SESSION_KEY, { ...SESSION, accountKey: 'short' });
    expect(await loadSession(store)).toBeNull();
    expect(await store.get(SESSION_KEY)).toBeUndefined();
    await store.set(SESSION_KEY, 'garbage');
    expect(await loadSession(store)).toBeNull();
  });

  it('refuses to save a session missing its account key', async () => {
    const store = new MemoryStore();
    const { accountKey: _omit, ...partial } = SESSION;
    await expect(saveSession(store, partial as StoredSession)).rejects.toThrow();
    expect(await store.get(SESSION_KEY)).toBeUndefined();
  });
});
