/**
 * The server as the adversary (cs1 P1, P14, P18): it stores only ciphertext, and what it changes
 * in its own database is detected by clients — shown as undecryptable with a reason, never as
 * altered or partial plaintext. Tampering goes straight into the server's SQLite file, as a
 * database thief or a malicious operator would.
 */
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer } from '@parley/server';
import type { ParleyServer } from '@parley/server';
import type { ChatClient } from '../src/client.js';
import { registerUser, texts, waitForMessages } from './conversation-helpers.js';
import type { TestUser } from './conversation-helpers.js';
import { LogCapture, newClient } from './test-server.js';
import type { RunningServer } from './test-server.js';

let dataDir: string;
let server: ParleyServer;
let running: RunningServer;
const log = new LogCapture();
const clients: ChatClient[] = [];

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'parley-evil-'));
  server = await createServer({ dataDir, port: 0, logLevel: 'debug', logDestination: log });
  const { url } = await server.listen();
  running = { url, advanceClock: () => undefined, close: () => server.close() };
});
afterAll(async () => {
  for (const client of clients) client.close();
  await server.close();
  await rm(dataDir, { recursive: true, force: true });
});

async function user(prefix: string): Promise<TestUser> {
  const created = await registerUser(running, prefix);
  clients.push(created.client);
  return created;
}

/** Runs `change` on the server's live database through a second connection. */
function tamper(change: (db: Database.Database) => void): void {
  const db = new Database(join(dataDir, 'parley.db'));
  try {
    change(db);
  } finally {
    db.close();
  }
}

function flipByte(bytes: Buffer, at: number): Buffer {
  const copy = Buffer.from(bytes);
  copy[at] = (copy[at] ?? 0) ^ 0x01;
  return copy;
}

/** A fresh client of `who` (nothing cached), opening the conversation from the server's data. */
async function freshView(who: TestUser, conversationId: string) {
  const fresh = newClient(running, { autoConnect: false });
  clients.push(fresh);
  await fresh.login({ username: who.username, password: who.password });
  return fresh.conversations.get(conversationId);
}

describe('a malicious server', () => {
  it('a bit flipped in a stored message box shows that message as undecryptable, the rest intact', async () => {
    const [alice, bob] = [await user('alice'), await user('bob')];
    const dm = await alice.client.conversations.openDirect(bob.id);
    for (const text of ['first', 'second, to be tampered with', 'third']) await dm.send(text);
    const target = dm.messages.find((m) => m.text === 'second, to be tampered with');
    expect(target).toBeDefined();

    tamper((db) => {
      const row = db
        .prepare('SELECT id, box FROM events WHERE conv_id = ? AND msg_id = ?')
        .get(dm.id, target?.id) as { id: number; box: Buffer };
      db.prepare('UPDATE events SET box = ? WHERE id = ?').run(flipByte(row.box, 20), row.id);
    });

    const view = await freshView(bob, dm.id);
    await waitForMessages(view, 2);
    expect(texts(view)).toEqual(['first', 'third']);
    const bad = view.messages.find((m) => m.id === target?.id);
    expect(bad?.status).toBe('undecryptable');
    expect(['msg_sig_invalid', 'aead_fail']).toContain(bad?.reason);
    expect(bad?.text ?? '').not.toContain('tampered');
  });

  it('a swapped or altered envelope is detected: no plaintext under a key the creator did not seal', async () => {
    const [alice, bob, carol] = [await user('alice'), await user('bob'), await user('carol')];
    const group = await alice.client.conversations.create({
      title: 'Envelopes',
      members: [bob.id, carol.id],
    });
    await group.send('sealed for bob and carol');

    // Give bob carol's envelope: HPKE binds it to carol and the recipients list hashes it.
    tamper((db) => {
      const rows = db
        .prepare('SELECT recipient, enc, ct FROM envelopes WHERE conv_id = ?')
        .all(group.id) as { recipient: string; enc: Buffer; ct: Buffer }[];
      const carols = rows.find((r) => r.recipient === carol.id);
      if (!carols) throw new Error('no envelope for carol');
      db.prepare('UPDATE envelopes SET enc = ?, ct = ? WHERE conv_id = ? AND recipient = ?').run(
        carols.enc,
        carols.ct,
        group.id,
        bob.id,
      );
    });

    const view = await freshView(bob, group.id);
    const message = await (async () => {
      for (let i = 0; i < 100; i++) {
        const found = view.messages.find((m) => m.status !== 'pending');
        if (found) return found;
        await new Promise((r) => setTimeout(r, 50));
      }
      return undefined;
    })();
    expect(message?.status).toBe('undecryptable');
    expect(message?.text ?? '').not.toContain('sealed for');
    expect(message?.reason).toBeDefined();
    // Carol's own view is untouched.
    const carolView = await freshView(carol, group.id);
    await waitForMessages(carolView, 1);
    expect(texts(carolView)).toEqual(['sealed for bob and carol']);
  });

  it('never stores or logs a message plaintext; after a password change only the new one reads history', async () => {
    const [alice, bob] = [await user('alice'), await user('bob')];
    const group = await alice.client.conversations.create({
      title: 'Canaries',
      members: [bob.id],
      settings: { rotateAfterMsgs: 3 },
    });
    const canaries = Array.from(
      { length: 8 },
      (_, i) => `canary-${i}-${Math.random().toString(36).slice(2)}`,
    );
    for (const text of canaries) await group.send(text);
    await alice.client.changePassword({
      currentPassword: alice.password,
      newPassword: 'new canary pw 42',
    });
    // P11: the new password reads all history from a fresh client; the old one is refused.
    const aliceView = await freshView({ ...alice, password: 'new canary pw 42' }, group.id);
    await waitForMessages(aliceView, canaries.length);
    expect(texts(aliceView)).toEqual(canaries);
    const stale = newClient(running, { autoConnect: false });
    clients.push(stale);
    await expect(
      stale.login({ username: alice.username, password: alice.password }),
    ).rejects.toMatchObject({
      code: 'unauthorized',
    });
    const bobView = await bob.client.conversations.get(group.id);
    await waitForMessages(bobView, canaries.length);
    expect(texts(bobView)).toEqual(canaries);

    const haystacks = [Buffer.from(log.text)];
    for (const entry of await readdir(dataDir, { recursive: true, withFileTypes: true }))
      if (entry.isFile()) haystacks.push(await readFile(join(entry.parentPath, entry.name)));
    const leaks = canaries
      .concat([alice.password, 'new canary pw 42'])
      .filter((needle) => haystacks.some((hay) => hay.includes(Buffer.from(needle))));
    expect(leaks).toEqual([]);
    // The scan reads real data: the group title is plaintext metadata by design.
    expect(haystacks.some((hay) => hay.includes(Buffer.from('Canaries')))).toBe(true);
  });
});
