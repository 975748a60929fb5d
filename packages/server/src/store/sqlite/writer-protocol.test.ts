import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { MessageAppendResult, NewMessage } from '../conversation-store.js';
import { decodeBatch, decodeResults, encodeBatch, encodeResults } from './writer-protocol.js';

const bytes = (max: number) => fc.uint8Array({ maxLength: max });
/** Any text, lone surrogates excepted: SQLite stores UTF-8, which cannot hold them either. */
const text = fc.string({ unit: 'grapheme', maxLength: 40 });

const newMessage: fc.Arbitrary<NewMessage> = fc.record(
  {
    convId: text,
    sender: text,
    clientMsgId: text,
    msgId: text,
    epochId: text,
    data: fc.string({ unit: 'grapheme', maxLength: 600 }),
    box: bytes(400),
    sig: bytes(64),
    now: fc.oneof(fc.integer({ min: 0, max: 2 ** 48 }), fc.double({ noNaN: true })),
    countsAsUnread: fc.constant(true),
    redacts: text,
  },
  {
    requiredKeys: [
      'convId',
      'sender',
      'clientMsgId',
      'msgId',
      'epochId',
      'data',
      'box',
      'sig',
      'now',
    ],
  },
);

/** A message as the thread sees it: byte fields compared by content, whatever their views. */
const plain = (m: NewMessage) => ({ ...m, box: [...m.box], sig: [...m.sig] });

describe('the writer thread protocol', () => {
  it('carries any batch across as it was: every string, flag and byte', () => {
    fc.assert(
      fc.property(fc.array(newMessage, { maxLength: 20 }), (batch) => {
        const wire = encodeBatch(batch);
        // The buffer is the batch's own, so moving it to the thread takes nothing else along.
        expect(wire.byteOffset).toBe(0);
        expect(decodeBatch(wire).map(plain)).toEqual(batch.map(plain));
      }),
      { numRuns: 500 },
    );
  });

  it('keeps every field in place around lone surrogates (U+FFFD, as SQLite would store them)', () => {
    const base = {
      convId: 'c',
      sender: 's',
      clientMsgId: 'k',
      msgId: 'm',
      epochId: 'e',
      box: new Uint8Array([1]),
      sig: new Uint8Array([2]),
      now: 1,
    };
    const [a, b] = decodeBatch(
      encodeBatch([
        { ...base, data: 'x\ud800', redacts: '\udc00y' },
        { ...base, convId: 'c2', data: '\udfffé😀' },
      ]),
    );
    // Two halves that meet in the joined text form a pair there, and are cut apart again.
    expect(a).toMatchObject({ data: 'x\ud800', redacts: '\udc00y', convId: 'c', msgId: 'm' });
    expect(b).toMatchObject({ convId: 'c2', data: '\ufffdé😀', sender: 's', epochId: 'e' });
  });

  it('refuses bytes that are not one whole batch', () => {
    const wire = encodeBatch([
      {
        convId: 'c',
        sender: 's',
        clientMsgId: 'k',
        msgId: 'm',
        epochId: 'e',
        data: '{"ctype":"text"}',
        box: new Uint8Array([1, 2, 3]),
        sig: new Uint8Array(64),
        now: 1,
      },
    ]);
    for (const cut of [1, 10, wire.byteLength - 1]) {
      expect(() => decodeBatch(wire.subarray(0, cut))).toThrow(RangeError);
    }
    const longer = new Uint8Array(wire.byteLength + 1);
    longer.set(wire);
    expect(() => decodeBatch(longer)).toThrow(/left over/);
  });

  it('answers stored messages as numbers and the rest as they were, in batch order', () => {
    const batch = ['a', 'b', 'c', 'd'].map((msgId, i): NewMessage => ({
      convId: 'conv',
      sender: 'alice',
      clientMsgId: `k${i}`,
      msgId,
      epochId: 'e',
      data: '{}',
      box: new Uint8Array([i]),
      sig: new Uint8Array(64),
      now: 100 + i,
    }));
    const event = (m: NewMessage, seq: number) => ({
      convId: m.convId,
      seq,
      kind: 'message' as const,
      sender: m.sender,
      ts: m.now,
      data: m.data,
      sig: m.sig,
      box: m.box,
      msgId: m.msgId,
    });
    const results: MessageAppendResult[] = [
      { status: 'stored', event: event(batch[0]!, 7) },
      { status: 'duplicate', msgId: 'x', seq: 3, ts: 50 },
      { status: 'rejected', reason: 'msg_id_taken' },
      { status: 'stored', event: event(batch[3]!, 8) },
    ];
    const { stored, others } = encodeResults(results);
    expect(structuredClone(others)).toEqual(others);
    expect(decodeResults(batch, stored, others)).toEqual(results);
  });
});
