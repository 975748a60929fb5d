import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SESSION_KEY } from '../src/auth/stored-session.js';
import { clientInternals } from '../src/client.js';
import type { ChatClient } from '../src/client.js';
import { FileStore } from '../src/store/file-store.js';
import { MemoryStore } from '../src/store/memory-store.js';
import { caught, sessionEvents, uniqueUsername, useTestServer } from './test-server.js';

const suite = useTestServer();
const client = (options: Parameters<typeof suite.client>[0] = {}): ChatClient =>
  suite.client(options);

describe('account life cycle against the real server', () => {
  it('registers, logs in elsewhere, resumes, changes the password and logs out', async () => {
    const username = uniqueUsername('alice');
    const storeA = new MemoryStore();
    const a = client({ storage: storeA });
    const eventsA = sessionEvents(a);
    const me = await a.register({
      username: ` ${username.toUpperCase()} `,
      password: 'old pass 1',
      displayName: 'Alice',
    });
    expect(me).toEqual({ id: expect.any(String), username, displayName: 'Alice' });
    expect(a.me).toEqual(me);
    expect(eventsA).toEqual(['signed-in']);
    const identityKey = clientInternals(a).account()?.identityKey;
    expect(identityKey).toHaveLength(32);

    // A second device logs in with the password and unlocks the same keys.
    const b = client();
    const eventsB = sessionEvents(b);
    await b.login({ username, password: 'old pass 1' });
    expect(b.me).toEqual(me);
    expect(clientInternals(b).account()?.identityKey).toEqual(identityKey);
    expect(clientInternals(b).account()?.bundle.kaKeys).toHaveLength(1);

    // A reload: a new client over the first store resumes without the password.
    a.close();
    const a2 = client({ storage: storeA });
    expect(await a2.resume()).toBe(true);
    expect(a2.me).toEqual(me);
    expect(clientInternals(a2).account()?.identityKey).toEqual(identityKey);
    expect((await a2.sessions()).filter((s) => s.current)).toHaveLength(1);

    await a2.changePassword({ currentPassword: 'old pass 1', newPassword: 'new pass 2' });
    // The server ended every other session: the second device finds out on its next call.
    await expect(b.sessions()).rejects.toMatchObject({ code: 'unauthorized' });
    expect(eventsB).toEqual(['signed-in', 'expired']);
    expect(b.me).toBeNull();
    expect(clientInternals(b).account()).toBeNull();
    // This session was kept.
    expect(await a2.sessions()).toHaveLength(1);

    const withOld = await caught(client().login({ username, password: 'old pass 1' }));
    expect(withOld.code).toBe('unauthorized');
    const c = client();
    await c.login({ username, password: 'new pass 2' });
    expect(clientInternals(c).account()?.identityKey).toEqual(identityKey);

    const events2 = sessionEvents(a2);
    await a2.logout();
    expect(events2).toEqual(['signed-out']);
    expect(a2.me).toBeNull();
    expect(await storeA.get(SESSION_KEY)).toBeUndefined();
    expect(await client({ storage: storeA }).resume()).toBe(false);
  });

  it('gives the same unauthorized error for a wrong password and an unknown user', async () => {
    const username = uniqueUsername('bob');
    await client().register({ username, password: 'right password' });
    const wrong = await caught(client().login({ username, password: 'wrong password' }));
    const unknown = await caught(
      client().login({ username: uniqueUsername('nobody'), password: 'x' }),
    );
    expect(wrong.code).toBe('unauthorized');
    expect(unknown.code).toBe('unauthorized');
    expect(wrong.message).toBe(unknown.message);
    expect(wrong.status).toBe(401);
  });

  it('refuses a wrong current password locally, before asking the server', async () => {
    const username = uniqueUsername('carol');
    const carol = client();
    await carol.register({ username, password: 'first pass' });
    const error = await caught(
      carol.changePassword({ currentPassword: 'not it', newPassword: 'second pass' }),
    );
    expect(error.code).toBe('unauthorized');
    expect(error.status).toBeUndefined();
    expect(carol.me?.username).toBe(username);
    await client().login({ username, password: 'first pass' });
  });

  it('reports a taken username with its code and field', async () => {
    const username = uniqueUsername('dave');
    await client().register({ username, password: 'pw one' });
    const error = await caught(client().register({ username, password: 'pw two' }));
    expect(error.code).toBe('username_taken');
    expect(error.status).toBe(409);
    expect(error.field).toMatch(/username/);
  });

  it('rejects an invalid username before deriving any key', async () => {
    const progress: number[] = [];
    const c = client();
    c.on('kdf-progress', (f) => progress.push(f));
    const error = await caught(c.register({ username: 'a b', password: 'pw' }));
    expect(error).toMatchObject({ code: 'invalid_input', field: 'username' });
    expect(progress).toEqual([]);
  });

  it('reports key-derivation progress from 0 to 1 as an event and a callback', async () => {
    const events: number[] = [];
    const callbacks: number[] = [];
    const c = client();
    c.on('kdf-progress', (f) => events.push(f));
    await c.register({
      username: uniqueUsername('erin'),
      password: 'pw',
      onProgress: (f) => callbacks.push(f),
    });
    expect(events.length).toBeGreaterThan(2);
    expect(events).toEqual(callbacks);
    expect(events).toEqual([...events].sort((x, y) => x - y));
    expect(events.at(-1)).toBe(1);
  });

  it('refuses a second sign-in on a signed-in client', async () => {
    const username = uniqueUsername('fay');
    const c = client();
    await c.register({ username, password: 'pw' });
    expect(await caught(c.login({ username, password: 'pw' }))).toMatchObject({ code: 'conflict' });
    expect(await c.resume()).toBe(true);
  });

  it('deletes an account only with the right password, then signs out', async () => {
    const username = uniqueUsername('gus');
    const c = client();
    const events = sessionEvents(c);
    await c.register({ username, password: 'keep me' });
    expect(await caught(c.deleteAccount({ password: 'nope' }))).toMatchObject({
      code: 'unauthorized',
    });
    expect(c.me).not.toBeNull();
    await c.deleteAccount({ password: 'keep me' });
    expect(c.me).toBeNull();
    expect(events).toEqual(['signed-in', 'signed-out']);
    expect(await caught(client().login({ username, password: 'keep me' }))).toMatchObject({
      code: 'unauthorized',
    });
  });

  it('wipes the account key from memory on logout', async () => {
    const c = client();
    await c.register({ username: uniqueUsername('hal'), password: 'pw' });
    const account = clientInternals(c).account();
    const accountKey = account?.accountKey;
    const seed = account?.bundle.identitySeed;
    expect(accountKey?.some((byte) => byte !== 0)).toBe(true);
    await c.logout();
    expect(accountKey?.every((byte) => byte === 0)).toBe(true);
    expect(seed?.every((byte) => byte === 0)).toBe(true);
  });

  it('persists nothing when persistSession is off', async () => {
    const store = new MemoryStore();
    const c = client({ storage: store, persistSession: false });
    await c.register({ username: uniqueUsername('ivy'), password: 'pw' });
    expect(await store.get(SESSION_KEY)).toBeUndefined();
    expect(await client({ storage: store }).resume()).toBe(false);
  });

  it('resumes from a FileStore written with owner-only permissions', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'parley-sdk-filestore-'));
    try {
      const username = uniqueUsername('jo');
      const first = client({ storage: new FileStore(dir) });
      const me = await first.register({ username, password: 'pw' });
      first.close();
      expect((await stat(join(dir, 'parley.json'))).mode & 0o777).toBe(0o600);
      const second = client({ storage: new FileStore(dir) });
      expect(await second.resume()).toBe(true);
      expect(second.me).toEqual(me);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('gives up a stored session whose account key no longer opens the bundle', async () => {
    const store = new MemoryStore();
    const c = client({ storage: store });
    await c.register({ username: uniqueUsername('kim'), password: 'pw' });
    c.close();
    const stored = (await store.get(SESSION_KEY)) as Record<string, string>;
    await store.set(SESSION_KEY, { ...stored, accountKey: 'A'.repeat(43) });
    const again = client({ storage: store });
    const events = sessionEvents(again);
    expect(await again.resume()).toBe(false);
    expect(events).toEqual(['expired']);
    expect(await store.get(SESSION_KEY)).toBeUndefined();
  });

  it('rejects use after close', async () => {
    const c = client();
    c.close();
    expect(await caught(c.resume())).toMatchObject({ code: 'unavailable' });
  });
});
