import * as z from 'zod';
import { ERROR_CODES } from '../protocol/errors.js';
import type { ErrorCode } from '../protocol/errors.js';
import { conversationId, wireMessage } from '../protocol/conversations.js';
import type { WireMessageData } from '../protocol/conversations.js';
import { clientMsgId } from '../protocol/realtime.js';
import { fileId } from '../protocol/files.js';
import { isMessageBody } from '../crypto/message-body.js';
import type { MessageBodies } from '../crypto/message-body.js';
import type { JsonValue } from '../store/local-store.js';
import type { EncryptedStore } from '../sync/encrypted-store.js';

/** One outgoing message, kept until the server acknowledges it. */
export interface OutboxItem {
  readonly clientMsgId: string;
  readonly conversationId: string;
  readonly text: string;
  /** When the user wrote it, epoch ms. */
  readonly createdAt: number;
  /**
   * The encrypted message once made. A resend reuses it (same message id), so a copy the
   * server stored before an acknowledgement got lost is recognised; it is made again only
   * when the server refused its epoch.
   */
  readonly wire: WireMessageData | null;
  /** `failed` items wait for `retry()`. */
  readonly state: 'pending' | 'failed';
  /** Why a `failed` item was refused. */
  readonly error?: ErrorCode;
  /** Times the server refused it with a retryable conflict. */
  readonly attempts: number;
  /** For a file: the message body (descriptor, file id, caption); `text` is then the caption. */
  readonly attachment?: MessageBodies['attachment'];
  /** The uploaded files the message references (sent next to the ciphertext). */
  readonly fileIds?: readonly string[];
}

const itemSchema = z.object({
  clientMsgId,
  conversationId,
  text: z.string(),
  createdAt: z.number().int().min(0),
  wire: wireMessage.nullable(),
  state: z.enum(['pending', 'failed']),
  error: z.enum(ERROR_CODES).optional(),
  attempts: z.number().int().min(0),
  attachment: z
    .custom<MessageBodies['attachment']>((v) => isMessageBody('attachment', v))
    .optional(),
  fileIds: z.array(fileId).optional(),
});
const outboxSchema = z.object({ v: z.literal(1), items: z.array(z.unknown()) });

/** The outbox's name in the {@link EncryptedStore}. */
export const OUTBOX_NAME = 'outbox:items';

/**
 * The persistent outbox (DESIGN §4 "Delivery guarantees" 1): every message is written here,
 * encrypted at rest, before it is sent, and removed only once the server acknowledged it. A
 * reload or a crash therefore loses nothing; the next client on the same store sends what is
 * left, and the server's idempotency on `(sender, clientMsgId)` turns a resend of something
 * already stored into the original acknowledgement.
 *
 * Writes are serialized and coalesced: changes made while a write is running go out together
 * in the next one, and every method resolves once its change is durable.
 */
export class Outbox {
  readonly #store: EncryptedStore;
  #items: OutboxItem[];
  #writing: Promise<void> | null = null;
  #queued: Promise<void> | null = null;

  private constructor(store: EncryptedStore, items: OutboxItem[]) {
    this.#store = store;
    this.#items = items;
  }

  /** Reads the outbox; unreadable items are skipped rather than blocking the rest. */
  static async load(store: EncryptedStore): Promise<Outbox> {
    const parsed = outboxSchema.safeParse(await store.get(OUTBOX_NAME));
    const items: OutboxItem[] = [];
    for (const raw of parsed.success ? parsed.data.items : []) {
      const item = itemSchema.safeParse(raw);
      if (item.success) items.push(item.data);
    }
    return new Outbox(store, items);
  }

  /** Items in the order they were written, optionally of one conversation. */
  items(conversationId?: string): readonly OutboxItem[] {
    return conversationId === undefined
      ? this.#items
      : this.#items.filter((i) => i.conversationId === conversationId);
  }

  /** The item with this client id. */
  get(clientMsgId: string): OutboxItem | undefined {
    return this.#items.find((i) => i.clientMsgId === clientMsgId);
  }

  /** Adds or replaces an item; resolves once it is durable. */
  put(item: OutboxItem): Promise<void> {
    const index = this.#items.findIndex((i) => i.clientMsgId === item.clientMsgId);
    this.#items =
      index < 0 ? [...this.#items, item] : this.#items.map((i, n) => (n === index ? item : i));
    return this.#persist();
  }

  /** Removes an item (acknowledged or abandoned); resolves once durable. */
  remove(clientMsgId: string): Promise<void> {
    const before = this.#items.length;
    this.#items = this.#items.filter((i) => i.clientMsgId !== clientMsgId);
    return this.#items.length === before ? Promise.resolve() : this.#persist();
  }

  /** Resolves when every change made so far is written. */
  async flush(): Promise<void> {
    await (this.#queued ?? this.#writing);
  }

  #persist(): Promise<void> {
    if (this.#queued) return this.#queued;
    const previous = this.#writing;
    const queued = (async () => {
      // Always yields first, so `#queued` below is set before this clears it.
      await previous?.catch(() => undefined);
      // From here on, changes need a write of their own: this one snapshots the items now.
      this.#queued = null;
      const writing = this.#store.set(OUTBOX_NAME, {
        v: 1,
        items: this.#items as unknown as JsonValue[],
      });
      this.#writing = writing;
      try {
        await writing;
      } finally {
        if (this.#writing === writing) this.#writing = null;
      }
    })();
    this.#queued = queued;
    return queued;
  }
}
