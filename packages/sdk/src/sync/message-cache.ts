import * as z from 'zod';
import { Attachment, isAttachmentData } from '../files/attachment.js';
import type { AttachmentData } from '../files/attachment.js';
import type { DecryptFailureReason } from '../crypto/decrypt-result.js';
import type { Timers } from '../auth/timers.js';
import type { LogWindow } from '../conversations/conversation-state.js';
import { conversationSummary } from '../protocol/conversations.js';
import type { ConversationSummary } from '../protocol/conversations.js';
import { ERROR_CODES } from '../protocol/errors.js';
import type { JsonValue } from '../store/local-store.js';
import type { Message } from '../types.js';
import type { EncryptedStore } from './encrypted-store.js';

/** What the cache holds for one conversation. */
export interface CachedConversation {
  readonly window: LogWindow;
  readonly messages: readonly Message[];
}

/** Options of {@link MessageCache}. */
export interface MessageCacheOptions {
  /** Stored messages kept per conversation. 0 disables the message part. */
  maxMessages: number;
  timers: Timers;
  /** Writes wait this long to gather changes. Default 50 ms. */
  delayMs?: number;
  /** A write failed (the cache is best effort; nothing is lost but a faster reload). */
  onError: (error: unknown) => void;
  /**
   * Turns cached attachment data back into downloadable attachments. Default: attachments
   * whose download fails with `unavailable`.
   */
  attachment?: (data: AttachmentData) => Attachment;
}

const INDEX = 'conversations:index';
const messagesName = (id: string) => `cache:${id}:messages`;

const messageSchema = z.object({
  id: z.string(),
  clientMsgId: z.string().nullable(),
  conversationId: z.string(),
  sender: z.string(),
  text: z.string(),
  attachments: z.array(z.custom<AttachmentData>(isAttachmentData)),
  ts: z.number(),
  seq: z.number().int().min(1),
  status: z.enum(['sent', 'undecryptable']),
  reason: z.custom<DecryptFailureReason>((v) => typeof v === 'string').optional(),
  error: z.enum(ERROR_CODES).optional(),
});
const cachedSchema = z.object({
  v: z.literal(1),
  firstSeq: z.number().int().min(1),
  lastSeq: z.number().int().min(0),
  messages: z.array(messageSchema),
});
const indexSchema = z.object({ v: z.literal(1), conversations: z.array(conversationSummary) });

/**
 * The decrypted-message cache (DESIGN §6): each conversation's newest messages and the window of
 * its log they cover, plus the list of conversations, in the user's {@link EncryptedStore}. A
 * reload shows conversations and recent history before the network answers; `sync` then
 * continues from the cached `lastSeq`.
 *
 * The window is cut to what the cache really holds: if only the newest N messages are kept,
 * `firstSeq` moves up to the oldest of them, so `loadOlder` refetches the rest instead of
 * believing it was seen.
 */
export class MessageCache {
  readonly #store: EncryptedStore;
  readonly #o: Required<MessageCacheOptions>;
  readonly #dirty = new Map<string, () => CachedConversation>();
  #index: (() => ConversationSummary[]) | null = null;
  #timer: unknown = undefined;
  #writing: Promise<void> = Promise.resolve();

  constructor(store: EncryptedStore, options: MessageCacheOptions) {
    this.#store = store;
    this.#o = { delayMs: 50, attachment: (data) => new Attachment(data, null), ...options };
  }

  /** The cached conversation list. */
  async loadIndex(): Promise<ConversationSummary[]> {
    const parsed = indexSchema.safeParse(await this.#store.get(INDEX));
    return parsed.success ? parsed.data.conversations : [];
  }

  /** The cached window and messages of a conversation, if any. */
  async load(conversationId: string): Promise<CachedConversation | undefined> {
    if (this.#o.maxMessages === 0) return undefined;
    const parsed = cachedSchema.safeParse(await this.#store.get(messagesName(conversationId)));
    if (!parsed.success) return undefined;
    const { firstSeq, lastSeq, messages } = parsed.data;
    if (messages.some((m) => m.conversationId !== conversationId)) return undefined;
    const hydrated = messages.map((m) => ({
      ...m,
      attachments: m.attachments.map((a) => this.#o.attachment(a)),
    }));
    return { window: { firstSeq, lastSeq }, messages: hydrated };
  }

  /** Schedules a write of a conversation (read through `snapshot` when the write runs). */
  scheduleConversation(conversationId: string, snapshot: () => CachedConversation): void {
    if (this.#o.maxMessages === 0) return;
    this.#dirty.set(conversationId, snapshot);
    this.#schedule();
  }

  /** Schedules a write of the conversation list. */
  scheduleIndex(snapshot: () => ConversationSummary[]): void {
    this.#index = snapshot;
    this.#schedule();
  }

  /** Writes everything scheduled now. */
  flush(): Promise<void> {
    this.#o.timers.clearTimeout(this.#timer);
    this.#timer = undefined;
    const dirty = [...this.#dirty];
    const index = this.#index;
    this.#dirty.clear();
    this.#index = null;
    const write = this.#writing.then(async () => {
      if (index)
        await this.#store.set(INDEX, { v: 1, conversations: index() as unknown as JsonValue[] });
      for (const [id, snapshot] of dirty) await this.#write(id, snapshot());
    });
    this.#writing = write.catch((error: unknown) => this.#o.onError(error));
    return this.#writing;
  }

  /** Deletes what is cached for a conversation (the user left it). */
  async forget(conversationId: string): Promise<void> {
    this.#dirty.delete(conversationId);
    await this.#store.delete(messagesName(conversationId));
  }

  /** Deletes the cached conversation list. */
  async forgetIndex(): Promise<void> {
    this.#index = null;
    await this.#store.delete(INDEX);
  }

  #schedule(): void {
    if (this.#timer !== undefined) return;
    this.#timer = this.#o.timers.setTimeout(() => {
      this.#timer = undefined;
      void this.flush();
    }, this.#o.delayMs);
  }

  async #write(conversationId: string, data: CachedConversation): Promise<void> {
    const stored = data.messages.filter(
      (m) => m.seq !== null && (m.status === 'sent' || m.status === 'undecryptable'),
    );
    const kept = stored.slice(-this.#o.maxMessages);
    // Fewer messages kept than the window covers: start the window at the oldest one kept.
    const firstSeq = kept.length < stored.length ? kept[0]!.seq! : data.window.firstSeq;
    await this.#store.set(messagesName(conversationId), {
      v: 1,
      firstSeq,
      lastSeq: data.window.lastSeq,
      messages: kept as unknown as JsonValue[],
    });
  }
}
