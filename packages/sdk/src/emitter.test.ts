import { describe, expect, it, vi } from 'vitest';
import { Emitter } from './emitter.js';

interface TestEvents {
  tick: number;
  name: string;
}

describe('Emitter', () => {
  it('delivers typed payloads to listeners in subscription order', () => {
    const emitter = new Emitter<TestEvents>();
    const seen: string[] = [];
    emitter.on('tick', (n) => seen.push(`a${n}`));
    emitter.on('tick', (n) => seen.push(`b${n}`));
    emitter.on('name', (s) => seen.push(s));
    emitter.emit('tick', 1);
    emitter.emit('name', 'x');
    expect(seen).toEqual(['a1', 'b1', 'x']);
  });

  it('returns an unsubscribe function that is safe to call twice', () => {
    const emitter = new Emitter<TestEvents>();
    const listener = vi.fn();
    const off = emitter.on('tick', listener);
    emitter.emit('tick', 1);
    off();
    off();
    emitter.emit('tick', 2);
    expect(listener).toHaveBeenCalledTimes(1);
    expect(emitter.listenerCount('tick')).toBe(0);
  });

  it('treats the same function subscribed twice as two subscriptions', () => {
    const emitter = new Emitter<TestEvents>();
    const listener = vi.fn();
    const off1 = emitter.on('tick', listener);
    emitter.on('tick', listener);
    off1();
    emitter.emit('tick', 1);
    expect(listener).toHaveBeenCalledTimes(1);
  });

  it('keeps calling other listeners when one throws, and reports the error', () => {
    const onListenerError = vi.fn();
    const emitter = new Emitter<TestEvents>({ onListenerError });
    const after = vi.fn();
    const failure = new Error('listener bug');
    emitter.on('tick', () => {
      throw failure;
    });
    emitter.on('tick', after);
    expect(() => emitter.emit('tick', 7)).not.toThrow();
    expect(after).toHaveBeenCalledWith(7);
    expect(onListenerError).toHaveBeenCalledWith(failure, 'tick');
  });

  it('survives an error reporter that throws too', () => {
    const emitter = new Emitter<TestEvents>({
      onListenerError: () => {
        throw new Error('reporter bug');
      },
    });
    const after = vi.fn();
    emitter.on('tick', () => {
      throw new Error('listener bug');
    });
    emitter.on('tick', after);
    expect(() => emitter.emit('tick', 1)).not.toThrow();
    expect(after).toHaveBeenCalled();
  });

  it('applies subscriptions made during an emit from the next emit', () => {
    const emitter = new Emitter<TestEvents>();
    const late = vi.fn();
    emitter.on('tick', () => {
      emitter.on('tick', late);
    });
    emitter.emit('tick', 1);
    expect(late).not.toHaveBeenCalled();
    emitter.emit('tick', 2);
    expect(late).toHaveBeenCalledWith(2);
  });

  it('fires a once listener a single time, and can cancel it before', () => {
    const emitter = new Emitter<TestEvents>();
    const once = vi.fn();
    emitter.once('tick', once);
    emitter.emit('tick', 1);
    emitter.emit('tick', 2);
    expect(once).toHaveBeenCalledTimes(1);
    const cancelled = vi.fn();
    emitter.once('tick', cancelled)();
    emitter.emit('tick', 3);
    expect(cancelled).not.toHaveBeenCalled();
  });

  it('clear removes every listener', () => {
    const emitter = new Emitter<TestEvents>();
    const listener = vi.fn();
    emitter.on('tick', listener);
    emitter.clear();
    emitter.emit('tick', 1);
    expect(listener).not.toHaveBeenCalled();
  });
});
