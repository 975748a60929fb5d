import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { SendAck } from '@parley/sdk/protocol';
import { describe, expect, it } from 'vitest';
import { startTestServer } from '../../test/helpers.js';
import {
  RELAXED_LIMITS,
  connect,
  connected,
  createGroup,
  newUser,
  online,
  send,
  startEpoch,
  wire,
} from '../conversations/test-fixtures.js';
import type { ChatSocket, ChatUser } from '../conversations/test-fixtures.js';
import { ApiError } from '../http/api-error.js';
import { createSendPipeline } from '../messages/send-pipeline.js';
import { DATABASE_FILE } from '../store/sqlite/open-database.js';

describe('graceful shutdown', () => {
  it('stores every acknowledged send, then closes every socket as a transport close so clients reconnect', async () => {
    const t = await startTestServer({
      ...RELAXED_LIMITS,
      realtime: { ...RELAXED_LIMITS.realtime, drainMs: 300 },
    });
    const dataDir = t.dataDir;
    const users = await Promise.all([1, 2, 3, 4, 5].map(() => newUser(t)));
    const [alice, bob] = users as [ChatUser, ChatUser];
    const conv = await createGroup(t, alice, [bob]);
    await startEpoch(t, alice, conv, [alice, bob]);
    const idle: ChatSocket[] = [];
    // 16 sockets per user (the default cap): more than one batch of 50.
    for (let i = 0; i < 80; i++) idle.push(connect(t, users[i % 5] as ChatUser));
    await Promise.all(idle.map(connected));
    const sender = idle[0] as ChatSocket;

    const closedAt: number[] = [];
    const reasons = new Set<string>();
    for (const s of idle) {
      s.on('disconnect', (reason) => {
        closedAt.push(Date.now());
        reasons.add(reason);
      });
    }
    const acks: SendAck[] = [];
    const sending = (async () => {
      for (let i = 0; i < 200 && sender.connected; i++) {
        acks.push(
          await send(sender, conv, alice).catch(
            () => ({ ok: false, error: { code: 'network_error', message: '' } }) as SendAck,
          ),
        );
      }
    })();
    await new Promise((r) => setTimeout(r, 30));
    const started = Date.now();
    await t.server.close();
    await sending;
    expect(Date.now() - started).toBeLessThan(5000);

    // Every socket is closed (clients learn of it a moment after close() resolves); how the
    // batches spread over time is drain.test.ts's job, since on a loaded machine two batches can
    // reach the clients in the same millisecond.
    await expect.poll(() => closedAt.length, { timeout: 5000 }).toBe(idle.length);
    // Clients saw a transport close (they reconnect on their own), never "io server disconnect".
    expect([...reasons]).toEqual(['transport close']);
    expect(acks.every((a) => a.ok || ['unavailable', 'network_error'].includes(a.error.code))).toBe(
      true,
    );

    const db = new Database(join(dataDir, DATABASE_FILE), { readonly: true });
    const stored = db
      .prepare('SELECT msg_id FROM events WHERE conv_id = ? AND kind = ?')
      .all(conv.id, 'message') as { msg_id: string }[];
    db.close();
    const ids = new Set(stored.map((r) => r.msg_id));
    for (const ack of acks) if (ack.ok) expect(ids.has(ack.id)).toBe(true);
    idle.forEach((s) => s.close());
    await t.close();
  });

  it('answers sends with unavailable once draining, after writing what was queued', async () => {
    const t = await startTestServer(RELAXED_LIMITS);
    try {
      const alice = await newUser(t);
      const conv = await createGroup(t, alice, []);
      await startEpoch(t, alice, conv, [alice]);
      const pipeline = createSendPipeline(t.server.context);
      const request = () => ({
        conversationId: conv.id,
        clientMsgId: `c${Math.random()}`,
        message: wire(conv, alice),
      });
      const queued = pipeline.send(alice.id, request());
      await pipeline.drain();
      await expect(queued).resolves.toMatchObject({ ok: true, seq: 3 });
      const refused = await pipeline.send(alice.id, request()).catch((e: unknown) => e);
      expect(refused instanceof ApiError && refused.code).toBe('unavailable');
    } finally {
      await t.close();
    }
  });

  it('refuses new connections while draining', async () => {
    const t = await startTestServer(RELAXED_LIMITS);
    const alice = await newUser(t);
    const socket = await online(t, alice);
    const closing = t.server.close();
    const late = await connected(connect(t, alice)).then(
      () => 'admitted',
      () => 'refused',
    );
    await closing;
    expect(late).toBe('refused');
    socket.close();
    await t.close();
  });
});
