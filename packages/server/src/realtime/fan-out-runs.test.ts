import type { LogEvent } from '@parley/sdk/protocol';
import { MAX_EVENTS_PER_FRAME } from '@parley/sdk/protocol';
import { describe, expect, it } from 'vitest';
import { runsByConversation } from './hub.js';

const message = (conversationId: string, seq: number) =>
  ({ conversationId, seq, kind: 'message' }) as LogEvent;
const member = (conversationId: string, seq: number) =>
  ({ conversationId, seq, kind: 'member' }) as LogEvent;
const ids = (runs: LogEvent[][]) => runs.map((r) => r.map((e) => `${e.conversationId}${e.seq}`));

describe('runsByConversation', () => {
  it("puts each conversation's messages in one run, in order", () => {
    const runs = runsByConversation([message('a', 1), message('b', 7), message('a', 2)]);
    expect(ids(runs)).toEqual([['a1', 'a2'], ['b7']]);
  });

  it('keeps a membership entry alone, with messages before and after it in their own runs', () => {
    const runs = runsByConversation([message('a', 1), member('a', 2), message('a', 3)]);
    expect(ids(runs)).toEqual([['a1'], ['a2'], ['a3']]);
  });

  it(`starts a new run after ${MAX_EVENTS_PER_FRAME} events`, () => {
    const batch = Array.from({ length: MAX_EVENTS_PER_FRAME + 5 }, (_, i) => message('a', i + 1));
    const runs = runsByConversation(batch);
    expect(runs.map((r) => r.length)).toEqual([MAX_EVENTS_PER_FRAME, 5]);
    expect(runs.flat()).toEqual(batch);
  });
});
