import type { MessageAppendResult, NewMessage } from '../conversation-store.js';
import type { OpenDatabaseOptions } from './open-database.js';

/** What the writer thread is started with: how to open its own connection. */
export type WriterWorkerData = Required<OpenDatabaseOptions>;

/**
 * A result as it crosses back: a stored message carries only its `seq` and time; the server
 * still holds the rest (sending the bytes back would copy them twice for nothing).
 */
export type WireResult =
  | Exclude<MessageAppendResult, { status: 'stored' }>
  | { status: 'stored'; seq: number; ts: number };

/** A message as it crosses to the thread: its bytes (`box`, then `sig`) are in the batch's `bytes`. */
export type WireNewMessage = Omit<NewMessage, 'box' | 'sig'> & {
  boxLength: number;
  sigLength: number;
};

/**
 * From the server to the writer thread. A batch's bytes travel in one transferred buffer, in
 * message order: moving one buffer costs less than cloning or moving two per message.
 */
export type WriterRequest =
  { id: number; batch: readonly WireNewMessage[]; bytes: Uint8Array } | { close: true };

/** The messages of a request, with views of their bytes. */
export function unpackBatch(batch: readonly WireNewMessage[], bytes: Uint8Array): NewMessage[] {
  let at = 0;
  return batch.map(({ boxLength, sigLength, ...rest }) => {
    const box = bytes.subarray(at, (at += boxLength));
    const sig = bytes.subarray(at, (at += sigLength));
    return { ...rest, box, sig };
  });
}

/** The request form of a batch: the messages without their bytes, and the bytes in one buffer. */
export function packBatch(batch: readonly NewMessage[]): {
  batch: WireNewMessage[];
  bytes: Uint8Array<ArrayBuffer>;
} {
  let total = 0;
  for (const m of batch) total += m.box.byteLength + m.sig.byteLength;
  const bytes = new Uint8Array(total);
  let at = 0;
  const wire = batch.map(({ box, sig, ...rest }) => {
    bytes.set(box, at);
    bytes.set(sig, at + box.byteLength);
    at += box.byteLength + sig.byteLength;
    return { ...rest, boxLength: box.byteLength, sigLength: sig.byteLength };
  });
  return { batch: wire, bytes };
}

/** From the writer thread to the server. */
export type WriterResponse =
  | { ready: true }
  | { id: number; results: WireResult[] }
  | { id: number; error: { name: string; message: string; code?: string } };
