import { describe, expect, it } from 'vitest';
import type { StoredEvent } from '../store/conversation-store.js';
import { trimToBudget } from './page-budget.js';

const event = (seq: number, boxBytes: number): StoredEvent => ({
  convId: 'c',
  seq,
  kind: 'message',
  sender: 's',
  ts: 0,
  data: '{}',
  sig: new Uint8Array(64),
  box: new Uint8Array(boxBytes),
  msgId: 'm',
});

describe('trimToBudget', () => {
  const page = [1, 2, 3, 4].map((seq) => event(seq, 3000));

  it('keeps the oldest events that fit when paging forward', () => {
    const out = trimToBudget(page, 9000, 'forward');
    expect(out.events.map((e) => e.seq)).toEqual([1, 2]);
    expect(out.trimmed).toBe(true);
  });

  it('keeps the newest events that fit when paging back, still ascending', () => {
    const out = trimToBudget(page, 9000, 'backward');
    expect(out.events.map((e) => e.seq)).toEqual([3, 4]);
  });

  it('always keeps one event so paging progresses, and trims nothing that fits', () => {
    expect(trimToBudget(page, 10, 'forward').events).toHaveLength(1);
    expect(trimToBudget(page, 1e9, 'forward')).toMatchObject({ trimmed: false });
  });
});
