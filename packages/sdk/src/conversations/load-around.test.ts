import { describe, expect, it } from 'vitest';
import type { Message } from '../types.js';
import type { ConversationState } from './conversation-state.js';
import { CONTEXT_BEFORE, loadAround } from './load-around.js';
import { Timeline } from './timeline.js';

function message(seq: number): Message {
  return {
    id: `m${seq}`,
    clientMsgId: null,
    conversationId: 'c',
    sender: 'u',
    text: `text ${seq}`,
    attachments: [],
    ts: seq,
    seq,
    status: 'sent',
  };
}

/**
 * The part of a ConversationState that loadAround uses: a log of `total` events, every third
 * one a message (the others membership or epoch events), loaded from `firstSeq` on.
 */
function fakeState(total: number, firstSeq: number, options: { stuck?: boolean } = {}) {
  const timeline = new Timeline();
  let window = { firstSeq, lastSeq: total };
  const load = (from: number, to: number) => {
    for (let seq = from; seq < to; seq++) if (seq % 3 === 0) timeline.upsert(message(seq));
  };
  load(firstSeq, total + 1);
  const pages: number[] = [];
  const state = {
    timeline,
    ensureReady: () => Promise.resolve(),
    get window() {
      return window;
    },
    get hasOlder() {
      return window.firstSeq > 1;
    },
  } as unknown as ConversationState;
  const loadOlder = (limit: number) => {
    pages.push(limit);
    if (options.stuck) return Promise.resolve(0);
    const before = window.firstSeq;
    const first = Math.max(1, before - limit);
    load(first, before);
    window = { ...window, firstSeq: first };
    return Promise.resolve(limit);
  };
  return { state, loadOlder, pages };
}

describe('loadAround', () => {
  it('returns a message already loaded without fetching', async () => {
    const { state, loadOlder, pages } = fakeState(100, 50);
    expect(await loadAround(state, 90, loadOlder)).toMatchObject({ seq: 90, text: 'text 90' });
    expect(pages).toEqual([]);
  });

  it('loads pages back to the message, with some context before it', async () => {
    const { state, loadOlder, pages } = fakeState(1000, 900);
    expect(await loadAround(state, 300, loadOlder)).toMatchObject({ seq: 300 });
    expect(pages).toEqual([200, 200, 200, 10]);
    expect(state.window.firstSeq).toBe(300 - CONTEXT_BEFORE);
  });

  it('stops at the start of the log', async () => {
    const { state, loadOlder } = fakeState(30, 20);
    expect(await loadAround(state, 3, loadOlder)).toMatchObject({ seq: 3 });
    expect(state.window.firstSeq).toBe(1);
  });

  it('answers undefined where the log has no message, or beyond it', async () => {
    const { state, loadOlder } = fakeState(100, 1);
    expect(await loadAround(state, 31, loadOlder)).toBeUndefined();
    expect(await loadAround(state, 1000, loadOlder)).toBeUndefined();
  });

  it('gives up when a page brings nothing instead of looping', async () => {
    const { state, loadOlder, pages } = fakeState(100, 90, { stuck: true });
    expect(await loadAround(state, 30, loadOlder)).toBeUndefined();
    expect(pages).toHaveLength(1);
  });

  it('refuses a seq that is not a positive integer', async () => {
    const { state, loadOlder } = fakeState(10, 1);
    for (const bad of [0, -1, 1.5, Number.NaN])
      await expect(loadAround(state, bad, loadOlder)).rejects.toBeInstanceOf(RangeError);
  });
});
