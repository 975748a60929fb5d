import { describe, expect, it } from 'vitest';
import type { Timers } from '../auth/timers.js';
import { ChatError } from '../errors.js';
import { TokenHandover } from './token-handover.js';

/** Timers driven by hand, with a clock that moves with them. */
function manualTimers() {
  let now = 0;
  let id = 0;
  const pending = new Map<number, { at: number; run: () => void }>();
  const timers: Timers = {
    setTimeout(run, ms) {
      pending.set(++id, { at: now + ms, run });
      return id;
    },
    clearTimeout(handle) {
      pending.delete(handle as number);
    },
  };
  return {
    timers,
    now: () => now,
    pending: () => pending.size,
    async advance(ms: number) {
      now += ms;
      for (const [key, timer] of [...pending].sort((a, b) => a[1].at - b[1].at)) {
        if (timer.at > now) continue;
        pending.delete(key);
        timer.run();
        await new Promise((resolve) => setTimeout(resolve, 0));
      }
    },
  };
}

function setup(options: { refreshFails?: boolean; sendFails?: boolean } = {}) {
  const clock = manualTimers();
  const state = { token: 't1', expiry: 60_000, sent: [] as string[], errors: [] as ChatError[] };
  const handover = new TokenHandover({
    tokens: {
      accessToken: async () => state.token,
      refresh: async () => {
        if (options.refreshFails) throw new ChatError('network_error', 'down');
        state.token = `t${Number(state.token.slice(1)) + 1}`;
        state.expiry = clock.now() + 60_000;
        return state.token;
      },
      expiresAt: () => state.expiry,
    },
    timers: clock.timers,
    now: clock.now,
    marginMs: 10_000,
    send: async (token) => {
      if (options.sendFails) throw new ChatError('forbidden', 'no');
      state.sent.push(token);
    },
    onError: (error) => state.errors.push(error),
  });
  return { clock, state, handover };
}

describe('TokenHandover', () => {
  it('hands a fresh token over before expiry, and again for the next one', async () => {
    const { clock, state, handover } = setup();
    handover.start('t1');
    await clock.advance(49_999);
    expect(state.sent).toEqual([]);
    await clock.advance(1);
    expect(state.sent).toEqual(['t2']);
    await clock.advance(50_000);
    expect(state.sent).toEqual(['t2', 't3']);
  });

  it('uses a token the token manager already refreshed instead of refreshing again', async () => {
    const { clock, state, handover } = setup();
    handover.start('t1');
    state.token = 't9';
    await clock.advance(50_000);
    expect(state.sent).toEqual(['t9']);
  });

  it('does nothing after stop()', async () => {
    const { clock, state, handover } = setup();
    handover.start('t1');
    handover.stop();
    await clock.advance(100_000);
    expect(state.sent).toEqual([]);
    expect(clock.pending()).toBe(0);
  });

  it('reports a failed hand-over and leaves the rest to the server ending the socket', async () => {
    for (const failure of [{ refreshFails: true }, { sendFails: true }]) {
      const { clock, state, handover } = setup(failure);
      handover.start('t1');
      await clock.advance(50_000);
      expect(state.sent).toEqual([]);
      expect(state.errors).toHaveLength(1);
      expect(clock.pending()).toBe(0);
    }
  });
});
