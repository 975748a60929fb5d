import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { EventPage } from '@parley/sdk/protocol';
import { afterEach, describe, expect, it } from 'vitest';
import { startTestServer } from '../../test/helpers.js';
import type { TestServer } from '../../test/helpers.js';
import {
  RELAXED_LIMITS,
  callOk,
  createGroup,
  newUser,
  online,
  send,
  startEpoch,
  sync,
} from '../conversations/test-fixtures.js';

const DAY = 24 * 60 * 60 * 1000;

describe('retention job', () => {
  let t: TestServer | undefined;
  afterEach(async () => {
    await t?.close();
    t = undefined;
  });

  /** A server whose clock the test moves, and a group of two with an epoch (seq 1-3). */
  async function setup(retentionDays?: number) {
    let clock = Date.now();
    t = await startTestServer({
      ...RELAXED_LIMITS,
      // The clock moves by days: tokens must outlive it.
      accessTokenTtlSec: 2_000_000_000,
      now: () => clock,
      ...(retentionDays === undefined ? {} : { retentionDays }),
    });
    const alice = await newUser(t);
    const bob = await newUser(t);
    const conv = await createGroup(t, alice, [bob]);
    await startEpoch(t, alice, conv, [alice, bob]);
    const socket = await online(t, alice);
    const server = t;
    return {
      server,
      alice,
      conv,
      socket,
      advance: (ms: number) => (clock += ms),
      sendOne: async () => {
        const ack = await send(socket, conv, alice);
        if (!ack.ok) throw new Error(ack.error.message);
        return ack.seq;
      },
      history: () =>
        callOk<EventPage>(server, alice, `/conversations/${conv.id}/events?after=0&limit=100`),
    };
  }

  it('deletes only messages older than the window, keeping membership entries and epochs', async () => {
    const s = await setup(7);
    const old = [await s.sendOne(), await s.sendOne()];
    s.advance(5 * DAY);
    const recent = [await s.sendOne(), await s.sendOne()];
    s.advance(3 * DAY); // the first two are now 8 days old, the others 3

    expect(await s.server.server.retention.runOnce()).toBe(2);
    const page = await s.history();
    expect(page.events.map((e) => e.seq)).toEqual([1, 2, 3, ...recent]);
    expect(page.events.slice(0, 3).map((e) => e.kind)).toEqual(['member', 'member', 'epoch']);
    expect(page.historyStart).toBe(recent[0]);
    expect(old.every((seq) => seq < recent[0]!)).toBe(true);
    // Nothing more is old enough.
    expect(await s.server.server.retention.runOnce()).toBe(0);
    s.socket.close();
  });

  it('keeps everything when no window is set (the default)', async () => {
    const s = await setup();
    await s.sendOne();
    s.advance(10_000 * DAY);
    expect(await s.server.server.retention.runOnce()).toBe(0);
    expect((await s.history()).events).toHaveLength(4);
    s.socket.close();
  });

  it('tells a sync behind the deleted range where the log is complete', async () => {
    const s = await setup(1);
    await s.sendOne();
    await s.sendOne();
    s.advance(2 * DAY);
    const kept = await s.sendOne();
    await s.server.server.retention.runOnce();
    const ack = await sync(s.socket, { cursors: [{ conversationId: s.conv.id, afterSeq: 3 }] });
    expect(ack.ok).toBe(true);
    const part = ack.ok ? ack.conversations.find((c) => c.conversationId === s.conv.id) : undefined;
    expect(part?.events.map((e) => e.seq)).toEqual([kept]);
    expect(part?.historyStart).toBe(kept);
    s.socket.close();
  });

  it('reports database and files folder sizes in /metrics', async () => {
    const s = await setup();
    mkdirSync(join(s.server.dataDir, 'files', 'ab'), { recursive: true });
    writeFileSync(join(s.server.dataDir, 'files', 'ab', 'blob'), Buffer.alloc(4096));
    const text = await (await s.server.fetch('/metrics')).text();
    const value = (name: string) => Number(new RegExp(`^${name} (\\d+)`, 'm').exec(text)?.[1]);
    expect(value('parley_storage_database_bytes')).toBeGreaterThan(4096);
    expect(value('parley_storage_files_bytes')).toBeGreaterThanOrEqual(4096);
    expect(text).toContain('parley_retention_deleted_messages_total');
    s.socket.close();
  });
});
