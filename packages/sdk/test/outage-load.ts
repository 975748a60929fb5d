/**
 * Shared steps of the outage suites (a server killed while a client sends): the load, the wait
 * for every acknowledgement, and the check that the log stored each message exactly once.
 */
import { expect } from 'vitest';
import type { Conversation } from '../src/conversations/conversation.js';
import { eventually } from './conversation-helpers.js';
import type { RunningServer } from './test-server.js';

/** A server this test does not own (another process, or a proxy in front of one). */
export function externalServer(url: string): RunningServer {
  return { url, advanceClock: () => undefined, close: async () => undefined };
}

/**
 * Sends `count` messages (`m0`, `m1`, …) at once into `group` and waits for the first
 * `firstAcks` acknowledgements. `acked()` counts the acknowledgements so far.
 */
export async function sendUnderLoad(
  group: Conversation,
  count: number,
  firstAcks: number,
): Promise<{ sends: Promise<void>[]; acked: () => number }> {
  let acked = 0;
  const sends = Array.from({ length: count }, (_, n) =>
    group.send(`m${n}`).then(() => {
      acked++;
    }),
  );
  await eventually(() => acked >= firstAcks, 'the first acknowledgements');
  return { sends, acked: () => acked };
}

/** Waits (up to 30 s) until `conversation` shows `count` sent messages. */
export function everySent(conversation: Conversation, count: number, what: string) {
  return eventually(
    () => conversation.messages.filter((m) => m.status === 'sent').length === count,
    what,
    30_000,
  );
}

/** One conversation's stored log rows, in `seq` order. */
export interface StoredEvent {
  seq: number;
  kind: string;
  msg_id: string | null;
}

/** Expects `rows` to have no `seq` gap and to hold `count` messages, each once. */
export function expectStoredOnce(rows: StoredEvent[], count: number): void {
  expect(rows.map((r) => r.seq)).toEqual(rows.map((_, i) => i + 1));
  const stored = rows.filter((r) => r.kind === 'message').map((r) => r.msg_id);
  expect(stored).toHaveLength(count);
  expect(new Set(stored).size).toBe(count);
}
