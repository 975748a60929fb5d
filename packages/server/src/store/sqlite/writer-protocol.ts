import type { MessageAppendResult, NewMessage } from '../conversation-store.js';
import type { OpenDatabaseOptions } from './open-database.js';

/** What the writer thread is started with: how to open its own connection. */
export type WriterWorkerData = Required<OpenDatabaseOptions>;

/**
 * A result that is not a stored message, as it crosses back (duplicates and rejections: rare,
 * so they travel as objects beside the index of their message).
 */
export type WireOther = [index: number, result: Exclude<MessageAppendResult, { status: 'stored' }>];

/**
 * From the server to the writer thread: a batch in one buffer of its own, moved, not cloned
 * ({@link encodeBatch}). A structured clone of the messages as objects cost the event loop
 * about a tenth of its time at saturation (the clone, and the object spread that made them).
 */
export type WriterRequest = { id: number; bytes: Uint8Array } | { close: true };

/**
 * From the writer thread to the server. `stored` holds `[seq, ts]` per message of the batch
 * (`NaN` where the message was not stored, which `others` then explains); a stored message
 * comes back as two numbers, since the server still holds the rest of it.
 */
export type WriterResponse =
  | { ready: true }
  | { id: number; stored: Float64Array; others: WireOther[] }
  | { id: number; error: { name: string; message: string; code?: string } };

const COUNTS = 1;
const REDACTS = 2;

/** The strings of a message, in their order on the wire. */
const STRINGS = ['convId', 'sender', 'clientMsgId', 'msgId', 'epochId', 'data'] as const;

/**
 * One batch as bytes. Per message: a flags byte (counts as unread; carries `redacts`), `now`
 * as a float64, then each of {@link STRINGS} (and `redacts` when flagged) as UTF-8 and the
 * `box` and `sig` bytes, each behind its uint32 length; the batch starts with its count. All
 * little-endian. UTF-8 is what SQLite stores the strings as anyway.
 */
export function encodeBatch(batch: readonly NewMessage[]): Uint8Array<ArrayBuffer> {
  let bound = 4;
  for (const m of batch) {
    let chars = m.redacts?.length ?? 0;
    for (const key of STRINGS) chars += m[key].length;
    // A UTF-16 unit is at most 3 bytes of UTF-8 (a surrogate pair, 4 bytes for 2 units).
    bound += 9 + 4 * 9 + 3 * chars + m.box.byteLength + m.sig.byteLength;
  }
  // Not from Node's shared pool: the buffer is moved to the thread whole.
  const buf = Buffer.allocUnsafeSlow(bound);
  let at = buf.writeUInt32LE(batch.length, 0);
  const text = (s: string) => {
    const n = buf.write(s, at + 4, 'utf8');
    buf.writeUInt32LE(n, at);
    at += 4 + n;
  };
  const bytes = (b: Uint8Array) => {
    buf.writeUInt32LE(b.byteLength, at);
    buf.set(b, at + 4);
    at += 4 + b.byteLength;
  };
  for (const m of batch) {
    const flags =
      (m.countsAsUnread === true ? COUNTS : 0) | (m.redacts === undefined ? 0 : REDACTS);
    at = buf.writeUInt8(flags, at);
    at = buf.writeDoubleLE(m.now, at);
    for (const key of STRINGS) text(m[key]);
    if (m.redacts !== undefined) text(m.redacts);
    bytes(m.box);
    bytes(m.sig);
  }
  return new Uint8Array(buf.buffer, 0, at);
}

/**
 * The messages of {@link encodeBatch}'s bytes; `box` and `sig` are views into them.
 * @throws {RangeError} When the bytes are not one whole batch.
 */
export function decodeBatch(bytes: Uint8Array): NewMessage[] {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const count = buf.readUInt32LE(0);
  let at = 4;
  const span = (): [number, number] => {
    const start = at + 4;
    const end = start + buf.readUInt32LE(at);
    if (end > buf.length) throw new RangeError('writer batch: a field runs past the end');
    at = end;
    return [start, end];
  };
  const text = () => buf.toString('utf8', ...span());
  const messages: NewMessage[] = [];
  for (let i = 0; i < count; i++) {
    const flags = buf.readUInt8(at);
    const now = buf.readDoubleLE(at + 1);
    at += 9;
    const [convId, sender, clientMsgId, msgId, epochId, data] = STRINGS.map(text) as [
      string,
      string,
      string,
      string,
      string,
      string,
    ];
    const redacts = flags & REDACTS ? text() : undefined;
    const box = bytes.subarray(...span());
    const sig = bytes.subarray(...span());
    const m: NewMessage = { convId, sender, clientMsgId, msgId, epochId, data, box, sig, now };
    if (redacts !== undefined) m.redacts = redacts;
    if (flags & COUNTS) m.countsAsUnread = true;
    messages.push(m);
  }
  if (at !== buf.length) throw new RangeError('writer batch: bytes left over');
  return messages;
}

/** The results of a batch as {@link WriterResponse} carries them. */
export function encodeResults(results: readonly MessageAppendResult[]): {
  stored: Float64Array<ArrayBuffer>;
  others: WireOther[];
} {
  const stored = new Float64Array(results.length * 2).fill(Number.NaN);
  const others: WireOther[] = [];
  results.forEach((r, i) => {
    if (r.status === 'stored') {
      stored[2 * i] = r.event.seq;
      stored[2 * i + 1] = r.event.ts;
    } else others.push([i, r]);
  });
  return { stored, others };
}

/** The full results, from {@link encodeResults}' form and the messages the server still holds. */
export function decodeResults(
  batch: readonly NewMessage[],
  stored: Float64Array,
  others: readonly WireOther[],
): MessageAppendResult[] {
  const results = batch.map((m, i): MessageAppendResult => {
    const event = {
      convId: m.convId,
      seq: stored[2 * i]!,
      kind: 'message' as const,
      sender: m.sender,
      ts: stored[2 * i + 1]!,
      data: m.data,
      sig: m.sig,
      box: m.box,
      msgId: m.msgId,
    };
    return { status: 'stored', event };
  });
  for (const [i, r] of others) results[i] = r;
  return results;
}
