import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { NewMessage } from '../conversation-store.js';
import { message as contractMessage } from '../receipts-contract.js';
import { DATABASE_FILE } from './open-database.js';
import { createSqliteStore } from './sqlite-store.js';
import type { SqliteStore } from './sqlite-store.js';
import { startWriterThread } from './writer-thread.js';

const T0 = 1_700_000_000_000;
const id = (): string => randomBytes(16).toString('base64url');
const rand = (n: number): Uint8Array => Uint8Array.from(randomBytes(n));

interface Group {
  sender: string;
  convId: string;
  epochId: string;
}

/** A one-member group with an epoch (seqs 1 and 2), ready for messages. */
async function createGroup(store: SqliteStore): Promise<Group> {
  const group = { sender: id(), convId: id(), epochId: id() };
  const { sender, convId, epochId } = group;
  await store.createConversation({
    id: convId,
    kind: 'group',
    title: 'Team',
    directPair: null,
    createdBy: sender,
    now: T0,
    entries: [
      {
        memberSeq: 0,
        sender,
        data: '{}',
        sig: rand(64),
        change: { op: 'create', userId: sender, identityKey: rand(32) },
      },
    ],
  });
  const epoch = await store.appendEpoch({
    convId,
    epochId,
    prevEpochId: null,
    expectedMemberSeq: 0,
    creator: sender,
    data: '{}',
    sig: rand(64),
    envelopes: [],
    now: T0 + 10,
  });
  expect(epoch.status).toBe('appended');
  return group;
}

const newMessage = ({ sender, convId, epochId }: Group, over: Partial<NewMessage> = {}) =>
  contractMessage(convId, sender, epochId, over);

describe('SQLite writer thread', () => {
  let dir: string;
  let store: SqliteStore;
  let group: Group;
  let convId: string;
  const message = (over: Partial<NewMessage> = {}) => newMessage(group, over);

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'parley-writer-'));
    store = await createSqliteStore({ dataDir: dir, writerThread: true });
    group = await createGroup(store);
    convId = group.convId;
  });

  afterEach(async () => {
    await store.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('stores on its own connection what the server reads back at once, bytes intact', async () => {
    const m = message();
    const [result] = await store.appendMessages([m]);
    expect(result).toMatchObject({ status: 'stored', event: { seq: 3, msgId: m.msgId } });
    const page = await store.listEvents(convId, { after: 2, limit: 10 });
    expect(page.events).toHaveLength(1);
    expect(Buffer.from(page.events[0]!.box!)).toEqual(Buffer.from(m.box));
    expect(Buffer.from(page.events[0]!.sig)).toEqual(Buffer.from(m.sig));
  });

  it('sends only its own bytes: a Buffer viewing a shared pool arrives as itself', async () => {
    // Buffer.from(base64) of a short string is a view into Node's 8 KiB pool.
    const box = Buffer.from(Buffer.from('ciphertext').toString('base64url'), 'base64url');
    expect(box.buffer.byteLength).toBeGreaterThan(box.byteLength);
    await store.appendMessages([message({ box })]);
    const page = await store.listEvents(convId, { after: 2, limit: 10 });
    expect(Buffer.from(page.events[0]!.box!).toString()).toBe('ciphertext');
    // The caller's buffer is untouched (copied, not moved).
    expect(box.toString()).toBe('ciphertext');
  });

  it('waits for another connection’s lock without stalling the event loop', async () => {
    const other = new Database(join(dir, DATABASE_FILE));
    try {
      other.exec('BEGIN IMMEDIATE');
      let settled = false;
      const pending = store.appendMessages([message()]).finally(() => {
        settled = true;
      });
      // On the event loop this would block every timer until the lock is released.
      const started = performance.now();
      await new Promise((r) => setTimeout(r, 100));
      expect(performance.now() - started).toBeLessThan(1000);
      expect(settled).toBe(false);
      other.exec('COMMIT');
      const [result] = await pending;
      expect(result?.status).toBe('stored');
    } finally {
      other.close();
    }
  });

  it('rejects a batch the database refuses, storing none of it, and keeps working', async () => {
    // No time: NULL where the schema says NOT NULL, so the transaction throws on the thread.
    const bad = message({ now: Number.NaN });
    await expect(store.appendMessages([message(), bad])).rejects.toThrow(/NOT NULL constraint/);
    expect((await store.listEvents(convId, { after: 2, limit: 10 })).events).toEqual([]);
    const [result] = await store.appendMessages([message()]);
    expect(result).toMatchObject({ status: 'stored', event: { seq: 3 } });
  });

  it('rejects a batch it cannot encode at once, with nothing left in flight', async () => {
    const bad = message({ data: { not: 'text' } as unknown as string });
    await expect(store.appendMessages([message(), bad])).rejects.toThrow();
    expect((await store.listEvents(convId, { after: 2, limit: 10 })).events).toEqual([]);
    const [result] = await store.appendMessages([message()]);
    expect(result).toMatchObject({ status: 'stored', event: { seq: 3 } });
    // close() waits for the batches in flight: it would hang on one left pending.
  });

  it('finishes the batches in flight before closing, and refuses new ones after', async () => {
    const m = message();
    const pending = store.appendMessages([m]);
    const closed = store.close();
    expect((await pending)[0]?.status).toBe('stored');
    await closed;
    await expect(store.appendMessages([message()])).rejects.toThrow(/closed/);
    store = await createSqliteStore({ dataDir: dir, writerThread: true });
    const page = await store.listEvents(convId, { after: 2, limit: 10 });
    expect(page.events.map((e) => e.msgId)).toEqual([m.msgId]);
  });
});

describe('SQLite writer thread that dies', () => {
  it('rejects the batch in flight; its retry is stored once, by a new thread', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'parley-writer-'));
    const store = await createSqliteStore({ dataDir: dir });
    const thread = await startWriterThread({ dataDir: dir, busyTimeoutMs: 5000 });
    const other = new Database(join(dir, DATABASE_FILE));
    try {
      const group = await createGroup(store);
      const batch = [newMessage(group), newMessage(group)];
      // The batch waits for another connection's lock when the thread dies.
      other.exec('BEGIN IMMEDIATE');
      const inFlight = thread.appendMessages(batch);
      await new Promise((r) => setTimeout(r, 50));
      const killed = thread.kill();
      other.exec('COMMIT');
      await expect(inFlight).rejects.toThrow(/writer thread/);
      await killed;
      // The sender had no ack, so it sends again with the same client ids: whether or not the
      // dying thread committed, the log holds each message once.
      const retried = await thread.appendMessages(batch);
      expect(retried.map((r) => r.status).every((s) => s === 'stored' || s === 'duplicate')).toBe(
        true,
      );
      const page = await store.listEvents(group.convId, { after: 2, limit: 10 });
      expect(page.events.map((e) => e.msgId)).toEqual(batch.map((m) => m.msgId));
    } finally {
      other.close();
      await thread.close();
      await store.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
