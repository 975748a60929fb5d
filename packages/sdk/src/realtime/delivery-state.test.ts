import { describe, expect, it } from 'vitest';
import type { MemberReceipt } from '../protocol/realtime.js';
import type { Message } from '../types.js';
import { deliveryStateOf, receiptsOf } from './delivery-state.js';

const message = (over: Partial<Message> = {}): Message => ({
  id: 'm',
  clientMsgId: 'c',
  conversationId: 'conv',
  sender: 'me',
  text: 'hi',
  attachments: [],
  ts: 0,
  seq: 10,
  status: 'sent',
  ...over,
});

const cursors = (...list: MemberReceipt[]) => new Map(list.map((r) => [r.userId, r]));
const members = ['me', 'bob', 'carol'];

describe('deliveryStateOf', () => {
  it('passes pending and failed through', () => {
    expect(
      deliveryStateOf(message({ status: 'pending', seq: null }), cursors(), 'me', members),
    ).toBe('pending');
    expect(deliveryStateOf(message({ status: 'failed' }), cursors(), 'me', members)).toBe('failed');
  });

  it('is delivered or read only once every other member is', () => {
    const bobRead = { userId: 'bob', deliveredSeq: 10, readSeq: 10 };
    const carolHas = { userId: 'carol', deliveredSeq: 12, readSeq: 9 };
    expect(deliveryStateOf(message(), cursors(bobRead), 'me', members)).toBe('sent');
    expect(deliveryStateOf(message(), cursors(bobRead, carolHas), 'me', members)).toBe('delivered');
    const carolRead = { ...carolHas, readSeq: 11 };
    expect(deliveryStateOf(message(), cursors(bobRead, carolRead), 'me', members)).toBe('read');
  });

  it('stops at delivered when a member hides read receipts', () => {
    const bob = { userId: 'bob', deliveredSeq: 20, readSeq: null };
    const carol = { userId: 'carol', deliveredSeq: 20, readSeq: 20 };
    expect(deliveryStateOf(message(), cursors(bob, carol), 'me', members)).toBe('delivered');
    expect(receiptsOf(message(), cursors(bob, carol), 'me', members)).toEqual({
      deliveredTo: ['bob', 'carol'],
      readBy: ['carol'],
      members: 2,
    });
  });

  it('leaves messages of others at sent', () => {
    const all = cursors({ userId: 'me', deliveredSeq: 99, readSeq: 99 });
    expect(deliveryStateOf(message({ sender: 'bob' }), all, 'me', members)).toBe('sent');
  });
});
