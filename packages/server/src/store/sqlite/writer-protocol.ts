import { storedMessage } from '../conversation-store.js';
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

/** The strings of a message, in their order in the batch's text. */
const STRINGS = ['convId', 'sender', 'clientMsgId', 'msgId', 'epochId', 'data'] as const;
/**
 * Offsets in a message's fixed record: the flags byte, `now`, the UTF-16 lengths of its 7
 * strings, the sizes of `box` and `sig`.
 */
const AT_NOW = 1;
const AT_LENGTHS = AT_NOW + 8;
const AT_BOX = AT_LENGTHS + 7 * 4;
const AT_SIG = AT_BOX + 4;
const RECORD = AT_SIG + 4;

/**
 * One batch as bytes: its count (uint32), one fixed record per message (a flags byte: counts as
 * unread, carries `redacts`; `now` as a float64; the UTF-16 length of each of {@link STRINGS}
 * and of `redacts`; the sizes of `box` and `sig`), then every `box` and `sig` in order, then
 * the strings of all messages, concatenated, as UTF-8. All little-endian.
 *
 * One UTF-8 write for the whole batch: writing the strings one by one cost as much as the
 * structured clone it replaced. The lengths are in UTF-16 units so that the reader cuts the
 * decoded text where the writer joined it.
 */
export function encodeBatch(batch: readonly NewMessage[]): Uint8Array<ArrayBuffer> {
  let text = '';
  let binary = 0;
  for (const m of batch) {
    text += m.convId + m.sender + m.clientMsgId + m.msgId + m.epochId + m.data + (m.redacts ?? '');
    binary += m.box.byteLength + m.sig.byteLength;
  }
  const head = 4 + RECORD * batch.length;
  // A UTF-16 unit is at most 3 bytes of UTF-8 (a surrogate pair: 4 bytes for 2 units).
  // Not from Node's shared pool: the buffer is moved to the thread whole.
  const buf = Buffer.allocUnsafeSlow(head + binary + 3 * text.length);
  let at = buf.writeUInt32LE(batch.length, 0);
  let bin = head;
  for (const m of batch) {
    const flags =
      (m.countsAsUnread === true ? COUNTS : 0) | (m.redacts === undefined ? 0 : REDACTS);
    at = buf.writeUInt8(flags, at);
    at = buf.writeDoubleLE(m.now, at);
    for (const key of STRINGS) at = buf.writeUInt32LE(m[key].length, at);
    at = buf.writeUInt32LE(m.redacts?.length ?? 0, at);
    at = buf.writeUInt32LE(m.box.byteLength, at);
    at = buf.writeUInt32LE(m.sig.byteLength, at);
    buf.set(m.box, bin);
    buf.set(m.sig, bin + m.box.byteLength);
    bin += m.box.byteLength + m.sig.byteLength;
  }
  const end = bin + buf.write(text, bin, 'utf8');
  return new Uint8Array(buf.buffer, 0, end);
}

/**
 * The messages of {@link encodeBatch}'s bytes; `box` and `sig` are views into them.
 * @throws {RangeError} When the bytes are not one whole batch.
 */
export function decodeBatch(bytes: Uint8Array): NewMessage[] {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const count = buf.readUInt32LE(0);
  const head = 4 + RECORD * count;
  if (head > buf.length) throw new RangeError('writer batch: shorter than its records');
  let bin = head;
  for (let i = 0, at = 4; i < count; i++, at += RECORD) {
    bin += buf.readUInt32LE(at + AT_BOX) + buf.readUInt32LE(at + AT_SIG);
  }
  if (bin > buf.length) throw new RangeError('writer batch: shorter than its bytes');
  const text = buf.toString('utf8', bin);
  let cut = 0;
  const next = (length: number) => text.slice(cut, (cut += length));
  const messages: NewMessage[] = [];
  bin = head;
  for (let i = 0, at = 4; i < count; i++, at += RECORD) {
    const flags = buf.readUInt8(at);
    const [convId, sender, clientMsgId, msgId, epochId, data, redacts] = [0, 1, 2, 3, 4, 5, 6].map(
      (k) => next(buf.readUInt32LE(at + AT_LENGTHS + 4 * k)),
    ) as [string, string, string, string, string, string, string];
    const boxEnd = bin + buf.readUInt32LE(at + AT_BOX);
    const sigEnd = boxEnd + buf.readUInt32LE(at + AT_SIG);
    const m: NewMessage = {
      convId,
      sender,
      clientMsgId,
      msgId,
      epochId,
      data,
      box: bytes.subarray(bin, boxEnd),
      sig: bytes.subarray(boxEnd, sigEnd),
      now: buf.readDoubleLE(at + AT_NOW),
    };
    bin = sigEnd;
    if (flags & REDACTS) m.redacts = redacts;
    if (flags & COUNTS) m.countsAsUnread = true;
    messages.push(m);
  }
  if (cut !== text.length) throw new RangeError('writer batch: text left over or missing');
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
  const results = batch.map((m, i): MessageAppendResult => ({
    status: 'stored',
    event: storedMessage(m, stored[2 * i]!, stored[2 * i + 1]!),
  }));
  for (const [i, r] of others) results[i] = r;
  return results;
}
