import { describe, expect, it } from 'vitest';
import { clientMsgId } from '../protocol/realtime.js';
import { clientMsgIdTime, newClientMsgId } from './client-msg-id.js';

describe('newClientMsgId', () => {
  it('makes RFC 9562 version 7 UUIDs that the protocol accepts', () => {
    const id = newClientMsgId();
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(clientMsgId.safeParse(id).success).toBe(true);
  });

  it('embeds the clock, so ids sort by creation time', () => {
    const t = Date.UTC(2025, 5, 1, 12, 0, 0, 123);
    expect(clientMsgIdTime(newClientMsgId(t))).toBe(t);
    const ids = [t, t + 1, t + 1000, t + 86_400_000].map((ms) => newClientMsgId(ms));
    expect([...ids].sort()).toEqual(ids);
  });

  it('is unique across many calls in the same millisecond', () => {
    const ids = new Set(Array.from({ length: 10_000 }, () => newClientMsgId(1_700_000_000_000)));
    expect(ids.size).toBe(10_000);
  });

  it('rejects clocks outside 48 bits', () => {
    expect(() => newClientMsgId(-1)).toThrow(RangeError);
    expect(() => newClientMsgId(2 ** 48)).toThrow(RangeError);
  });
});
