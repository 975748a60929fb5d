import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { systemTimers } from '../auth/timers.js';
import { TypingThrottle } from './typing-throttle.js';

describe('TypingThrottle', () => {
  let sent: Array<[string, boolean]>;
  let throttle: TypingThrottle;
  beforeEach(() => {
    vi.useFakeTimers();
    sent = [];
    throttle = new TypingThrottle({
      send: (conv, typing) => sent.push([conv, typing]),
      timers: systemTimers,
      now: () => Date.now(),
      intervalMs: 2500,
      idleMs: 5000,
    });
  });
  afterEach(() => {
    throttle.stop();
    vi.useRealTimers();
  });

  it('sends one start per interval however often the user types', () => {
    for (let i = 0; i < 10; i++) {
      throttle.typing('c', true);
      vi.advanceTimersByTime(200);
    }
    expect(sent).toEqual([['c', true]]);
    vi.advanceTimersByTime(600);
    throttle.typing('c', true);
    expect(sent).toEqual([
      ['c', true],
      ['c', true],
    ]);
  });

  it('sends one stop when the user stops, and none when not typing', () => {
    throttle.typing('c', false);
    throttle.typing('c', true);
    throttle.typing('c', false);
    throttle.typing('c', false);
    expect(sent).toEqual([
      ['c', true],
      ['c', false],
    ]);
  });

  it('stops by itself after the idle time, per conversation', () => {
    throttle.typing('a', true);
    vi.advanceTimersByTime(3000);
    throttle.typing('b', true);
    vi.advanceTimersByTime(2000);
    expect(sent).toEqual([
      ['a', true],
      ['b', true],
      ['a', false],
    ]);
    vi.advanceTimersByTime(3000);
    expect(sent.at(-1)).toEqual(['b', false]);
  });
});
