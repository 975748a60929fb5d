import { describe, expect, it } from 'vitest';
import { systemTimers } from '../auth/timers.js';
import type { ConversationRegistry } from '../conversations/conversation-registry.js';
import { Emitter } from '../emitter.js';
import type { Connection } from '../transport/connection.js';
import type { ChatClientEvents, UnreadChange } from '../types.js';
import { RealtimeExtras } from './realtime-extras.js';

const CONV = 'AAAAAAAAAAAAAAAAAAAAAA';
const BOB = 'BBBBBBBBBBBBBBBBBBBBBA';

function extras() {
  const events = new Emitter<ChatClientEvents>();
  const connection = {
    state: 'offline',
    request: () => Promise.reject(new Error('offline')),
  } as unknown as Connection;
  const registry = {
    states: () => [],
    get: () => undefined,
    facade: () => undefined,
  } as unknown as ConversationRegistry;
  const subject = new RealtimeExtras({
    me: 'me',
    connection,
    registry,
    events,
    timers: systemTimers,
    now: Date.now,
    settings: {},
    autoAway: false,
    onError: () => undefined,
  });
  return { subject, events };
}

describe('RealtimeExtras', () => {
  it('keeps the newest unread push and ignores stale or malformed ones', () => {
    const { subject, events } = extras();
    const seen: UnreadChange[] = [];
    events.on('unread', (u) => seen.push(u));
    subject.handlePush('unread', { conversationId: CONV, count: 3, readSeq: 4, lastSeq: 9 });
    subject.handlePush('unread', { conversationId: CONV, count: 5, readSeq: 2, lastSeq: 9 });
    subject.handlePush('unread', { conversationId: CONV, count: 4, readSeq: 4, lastSeq: 8 });
    subject.handlePush('unread', { conversationId: CONV, count: -1, readSeq: 4, lastSeq: 10 });
    subject.handlePush('unread', { conversationId: CONV, count: 0, readSeq: 10, lastSeq: 10 });
    expect(seen.map((u) => u.count)).toEqual([3, 0]);
    subject.stop();
  });

  it('merges receipts monotonically, a read implying delivery', () => {
    const { subject } = extras();
    subject.handlePush('receipt', { conversationId: CONV, userId: BOB, type: 'read', seq: 7 });
    subject.handlePush('receipt', { conversationId: CONV, userId: BOB, type: 'delivered', seq: 5 });
    subject.handlePush('receipt', { conversationId: CONV, userId: BOB, type: 'read', seq: 6 });
    expect(subject.receiptsIn(CONV).get(BOB)).toEqual({ userId: BOB, deliveredSeq: 7, readSeq: 7 });
    subject.stop();
  });

  it('tracks who is typing until they stop or send', () => {
    const { subject, events } = extras();
    subject.handlePush('typing', { conversationId: CONV, userId: BOB, typing: true });
    expect(subject.typingIn(CONV)).toEqual([BOB]);
    events.emit('message', {
      id: 'm',
      clientMsgId: null,
      conversationId: CONV,
      sender: BOB,
      text: 'hi',
      attachments: [],
      ts: 0,
      seq: 1,
      status: 'sent',
    });
    expect(subject.typingIn(CONV)).toEqual([]);
    subject.stop();
  });
});
