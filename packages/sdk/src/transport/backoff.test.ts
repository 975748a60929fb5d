import { describe, expect, it } from 'vitest';
import { backoffDelay } from './backoff.js';

describe('backoffDelay', () => {
  it('doubles the window with each attempt up to the ceiling', () => {
    const top = (attempt: number) => backoffDelay(attempt, { random: () => 0.999999 });
    expect(top(0)).toBe(500);
    expect(top(1)).toBe(1000);
    expect(top(2)).toBe(2000);
    expect(top(10)).toBe(30_000);
    expect(top(5000)).toBe(30_000);
  });

  it('never waits less than half the window, so a failing server is not hammered', () => {
    expect(backoffDelay(0, { random: () => 0 })).toBe(250);
    expect(backoffDelay(3, { random: () => 0 })).toBe(2000);
  });

  it('spreads clients that fail at the same moment', () => {
    const delays = new Set(Array.from({ length: 50 }, () => backoffDelay(4)));
    expect(delays.size).toBeGreaterThan(10);
    for (const delay of delays) {
      expect(delay).toBeGreaterThanOrEqual(4000);
      expect(delay).toBeLessThanOrEqual(8000);
    }
  });

  it('honours custom bounds', () => {
    expect(backoffDelay(0, { baseMs: 10, maxMs: 40, random: () => 0.5 })).toBe(8);
    expect(backoffDelay(9, { baseMs: 10, maxMs: 40, random: () => 0.5 })).toBe(30);
  });

  it('rejects a negative attempt', () => {
    expect(() => backoffDelay(-1)).toThrow(RangeError);
    expect(() => backoffDelay(1.5)).toThrow(RangeError);
  });
});
