import { describe, expect, it } from 'vitest';
import { createConnectionCounter } from './connection-limits.js';

describe('createConnectionCounter', () => {
  it('caps connections per user and releases each reservation once', () => {
    const counter = createConnectionCounter({ maxPerUser: 2, maxTotal: 10 });
    const first = counter.acquire('alice');
    const second = counter.acquire('alice');
    expect(first && second).toBeTruthy();
    expect(counter.acquire('alice')).toBeUndefined();
    expect(counter.acquire('bob')).toBeTruthy();
    first?.();
    first?.();
    expect(counter.count('alice')).toBe(1);
    expect(counter.acquire('alice')).toBeTruthy();
    expect(counter.total).toBe(3);
  });

  it('caps the total across users', () => {
    const counter = createConnectionCounter({ maxPerUser: 5, maxTotal: 2 });
    expect(counter.acquire('a')).toBeTruthy();
    expect(counter.acquire('b')).toBeTruthy();
    expect(counter.acquire('c')).toBeUndefined();
  });
});
