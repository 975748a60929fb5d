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

/** From the server to the writer thread. */
export type WriterRequest = { id: number; batch: readonly NewMessage[] } | { close: true };

/** From the writer thread to the server. */
export type WriterResponse =
  | { ready: true }
  | { id: number; results: WireResult[] }
  | { id: number; error: { name: string; message: string; code?: string } };
