import type { ConversationRegistry } from '../conversations/conversation-registry.js';
import { ChatError } from '../errors.js';
import type { LogEvent } from '../protocol/conversations.js';
import { MAX_SYNC_CURSORS, syncAck } from '../protocol/realtime.js';
import type { SyncCursor, SyncRequest } from '../protocol/realtime.js';
import type { Connection } from '../transport/connection.js';

/** Options of {@link SyncEngine}. */
export interface SyncEngineOptions {
  connection: Connection;
  registry: ConversationRegistry;
  /** Events per conversation per answer. Default 100. */
  pageLimit?: number;
  /** A conversation could not be brought up to date (it is retried on the next sync). */
  onError: (error: ChatError) => void;
}

/**
 * Keeps every conversation's applied log contiguous (DESIGN §4 "Delivery guarantees" 3). On
 * each (re)connect it asks `sync` for the events after every cursor, page after page while the
 * server says `hasMore`; conversations without a cursor come back from the start, which is how
 * the client learns it was added somewhere, and `gone` ones are closed. A pushed event applies
 * directly when it is the next one, is dropped when already held, and triggers a sync of its
 * conversation when it reveals a gap.
 *
 * Correctness never depends on the push: a lost event costs one sync, never a message.
 */
export class SyncEngine {
  readonly #o: Required<SyncEngineOptions>;
  #running: Promise<void> | null = null;
  #again = false;
  readonly #targeted = new Set<string>();

  constructor(options: SyncEngineOptions) {
    this.#o = { pageLimit: 100, ...options };
  }

  /**
   * Brings every conversation up to date. Calls made while a sync runs are folded into one
   * more round after it.
   */
  syncAll(): Promise<void> {
    if (this.#running) {
      this.#again = true;
      return this.#running;
    }
    const run = (async () => {
      do {
        this.#again = false;
        this.#targeted.clear();
        await this.#round(undefined);
      } while (this.#again && this.#o.connection.state === 'online');
    })();
    this.#running = run.finally(() => {
      this.#running = null;
    });
    return this.#running;
  }

  /** Handles an `event` push. */
  async handleEvent(event: LogEvent): Promise<void> {
    const state = this.#o.registry.get(event.conversationId);
    if (state === undefined || state.window.lastSeq === 0) {
      // A conversation the user was just added to (or not loaded yet): sync discovers it.
      await this.syncAll();
      return;
    }
    try {
      if ((await state.apply([event])) === 'gap') await this.#syncOne(state.id);
    } catch (error) {
      this.#report(error);
    }
  }

  async #syncOne(conversationId: string): Promise<void> {
    if (this.#running) {
      this.#again = true;
      return this.#running;
    }
    if (this.#targeted.has(conversationId)) return;
    this.#targeted.add(conversationId);
    try {
      const state = this.#o.registry.get(conversationId);
      if (state) await this.#round([{ conversationId, afterSeq: state.window.lastSeq }]);
    } finally {
      this.#targeted.delete(conversationId);
    }
  }

  /** Syncs from `cursors` (or every cursor, discovering new conversations) until done. */
  async #round(only: SyncCursor[] | undefined): Promise<void> {
    const all = only ?? this.#o.registry.cursors();
    // More cursors than one request may carry go in slices that answer only for themselves
    // (a request without `onlyListed` would replay every other conversation from seq 1); such
    // users discover new conversations through `conversations.list()`.
    const slices: SyncCursor[][] = [];
    for (let i = 0; i < all.length; i += MAX_SYNC_CURSORS)
      slices.push(all.slice(i, i + MAX_SYNC_CURSORS));
    if (slices.length === 0) slices.push([]);
    const onlyListed = only !== undefined || slices.length > 1;
    for (const slice of slices) await this.#pages(slice, onlyListed);
  }

  async #pages(cursors: SyncCursor[], onlyListed: boolean): Promise<void> {
    let request: SyncRequest = {
      cursors,
      limit: this.#o.pageLimit,
      ...(onlyListed ? { onlyListed } : {}),
    };
    for (;;) {
      const ack = await this.#o.connection.request('sync', request, syncAck);
      if (!ack.ok) throw new ChatError(ack.error.code, ack.error.message);
      this.#o.registry.markGone(ack.gone);
      const next: SyncCursor[] = [];
      for (const part of ack.conversations) {
        const cursor = await this.#apply(
          part.conversationId,
          part.events,
          part.lastSeq,
          part.hasMore,
          part.historyStart,
        );
        if (cursor) next.push(cursor);
      }
      if (next.length === 0) return;
      request = { cursors: next, limit: this.#o.pageLimit, onlyListed: true };
    }
  }

  /** Applies one conversation's part of an answer; returns where to continue, if anywhere. */
  async #apply(
    conversationId: string,
    events: readonly LogEvent[],
    lastSeq: number,
    hasMore: boolean,
    historyStart: number | undefined,
  ): Promise<SyncCursor | undefined> {
    try {
      const state = await this.#o.registry.discoverById(conversationId);
      const before = state.window.lastSeq;
      await state.apply(events, historyStart);
      const after = state.window.lastSeq;
      // Continue while behind, but only while making progress: a conversation stuck on an
      // event it cannot apply is retried on the next sync rather than looped on.
      if ((hasMore || after < lastSeq) && after > before)
        return { conversationId, afterSeq: after };
      return undefined;
    } catch (error) {
      this.#report(error);
      return undefined;
    }
  }

  #report(error: unknown): void {
    this.#o.onError(
      ChatError.is(error) ? error : new ChatError('internal', 'Sync failed', { cause: error }),
    );
  }
}
