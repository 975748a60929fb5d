import { describe, expect, it } from 'vitest';
import type { Message } from '../types.js';
import { Timeline } from './timeline.js';

function msg(id: string, seq: number | null, extra: Partial<Message> = {}): Message {
  return {
    id,
    clientMsgId: null,
    conversationId: 'c',
    sender: 'u',
    text: id,
    attachments: [],
    ts: 1,
    seq,
    status: seq === null ? 'pending' : 'sent',
    ...extra,
  };
}

describe('Timeline', () => {
  it('orders stored messages by seq whatever order they arrive in', () => {
    const t = new Timeline();
    for (const [id, seq] of [
      ['c', 7],
      ['a', 2],
      ['b', 5],
      ['d', 9],
    ] as const)
      t.upsert(msg(id, seq));
    expect(t.messages.map((m) => m.id)).toEqual(['a', 'b', 'c', 'd']);
    expect(t.oldestSeq).toBe(2);
  });

  it('drops a duplicate by id and keeps the snapshot identity', () => {
    const t = new Timeline();
    t.upsert(msg('a', 1));
    const before = t.messages;
    expect(t.upsert(msg('a', 1)).outcome).toBe('unchanged');
    expect(t.messages).toBe(before);
    expect(t.messages).toHaveLength(1);
  });

  it('keeps unsent messages after stored ones, in writing order', () => {
    const t = new Timeline();
    t.addLocal(msg('x', null, { clientMsgId: 'x' }));
    t.upsert(msg('a', 1));
    t.addLocal(msg('y', null, { clientMsgId: 'y' }));
    expect(t.messages.map((m) => m.id)).toEqual(['a', 'x', 'y']);
  });

  it('replaces the pending copy when the stored message comes back, carrying the client id', () => {
    const t = new Timeline();
    t.addLocal(msg('cid', null, { clientMsgId: 'cid' }));
    t.updateLocal('cid', { id: 'm1' });
    const { outcome, message } = t.upsert(msg('m1', 3));
    expect(outcome).toBe('updated');
    expect(message).toMatchObject({ id: 'm1', seq: 3, clientMsgId: 'cid', status: 'sent' });
    expect(t.messages).toHaveLength(1);
    expect(t.local).toHaveLength(0);
  });

  it('merges an acknowledgement after the echo already arrived', () => {
    const t = new Timeline();
    t.addLocal(msg('cid', null, { clientMsgId: 'cid' }));
    t.upsert(msg('m1', 3)); // the echo, before the ack: not yet matched (id unknown locally)
    const { message } = t.upsert(msg('m1', 3, { clientMsgId: 'cid' }));
    expect(message.clientMsgId).toBe('cid');
    expect(t.messages.map((m) => m.id)).toEqual(['m1']);
  });

  it('updates and removes unsent messages by client id', () => {
    const t = new Timeline();
    t.addLocal(msg('cid', null, { clientMsgId: 'cid' }));
    expect(t.updateLocal('cid', { status: 'failed' })?.status).toBe('failed');
    expect(t.updateLocal('nope', { status: 'failed' })).toBeUndefined();
    t.removeLocal('cid');
    expect(t.messages).toEqual([]);
  });

  it('refuses stored messages without seq', () => {
    expect(() => new Timeline().upsert(msg('a', null))).toThrow(TypeError);
  });
});
