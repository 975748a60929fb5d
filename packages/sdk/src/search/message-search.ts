import type { Timers } from '../auth/timers.js';
import { ChatError } from '../errors.js';
import type { JsonValue } from '../store/local-store.js';
import type { EncryptedStore } from '../sync/encrypted-store.js';
import type { Message } from '../types.js';
import { SearchIndex } from './search-index.js';
import { checkSearchInput } from './search-types.js';
import type { SearchOptions, SearchResult } from './search-types.js';

/** Name of the persisted index in the user's {@link EncryptedStore}. */
export const SEARCH_INDEX_NAME = 'search:index';

/** What the search needs to know about a conversation (a `ConversationState` fits). */
export interface SearchSource {
  readonly id: string;
  /** True once the user left or was removed: its messages leave the index. */
  readonly left: boolean;
  /** Decrypted stored messages, by `seq`. */
  readonly timeline: { readonly stored: readonly Message[] };
}

/** Options of {@link MessageSearch}. */
export interface MessageSearchOptions {
  store: EncryptedStore;
  /**
   * `false`: index nothing, delete a stored index, and refuse searches (`unavailable`).
   * Default `true`.
   */
  enabled?: boolean;
  timers: Timers;
  /** Whether results from a conversation may be shown (known to the client and not left). */
  visible: (conversationId: string) => boolean;
  /** Indexing waits this long after a change, to take a sync's pages in one go. Default 50 ms. */
  indexDelayMs?: number;
  /**
   * The index is written at most once per this many ms while it changes (and when the session
   * stops). Default 5000 ms: each write serializes the whole index (about 0.2 s of main-thread
   * time at 10,000 messages), and losing the last one costs little, since messages in the
   * message cache are indexed again on the next start.
   */
  persistDelayMs?: number;
  /** A background write failed (search keeps working from memory). */
  onError: (error: unknown) => void;
}

/**
 * Client-side search over the signed-in user's decrypted messages (DESIGN §5: the server
 * cannot search ciphertext). Conversations are tracked as they change: every message that
 * appears in a conversation's timeline (received live, from sync, from a history page, from
 * the message cache) is indexed, a changed one re-indexed, and a conversation the user left is
 * dropped. The index lives in memory and is persisted, encrypted like everything else in the
 * {@link EncryptedStore}, so a reload searches old history without decrypting it again. An
 * index written by another version, or damaged, is discarded and rebuilt from the messages the
 * client holds.
 */
export class MessageSearch {
  readonly #o: Required<MessageSearchOptions>;
  readonly #ready: Promise<void>;
  readonly #dirty = new Set<SearchSource>();
  /** Per conversation, the message objects already handled (timelines replace changed ones). */
  readonly #seen = new Map<string, Map<string, Message>>();
  /**
   * Per conversation, the `timeline.stored` array last indexed: timelines replace the array on
   * every change, so the same array means nothing to do (typing or receipt updates).
   */
  readonly #indexed = new Map<string, readonly Message[]>();
  #index = SearchIndex.create();
  #unsaved = false;
  #indexTimer: unknown = undefined;
  #persistTimer: unknown = undefined;
  #writing: Promise<void> = Promise.resolve();
  #closed = false;

  constructor(options: MessageSearchOptions) {
    this.#o = { enabled: true, indexDelayMs: 50, persistDelayMs: 5000, ...options };
    this.#closed = !this.#o.enabled;
    this.#ready = this.#o.enabled ? this.#load() : this.#deleteStored();
  }

  /** Resolves once the persisted index is loaded (or found unusable). */
  get ready(): Promise<void> {
    return this.#ready;
  }

  /** Number of messages indexed. */
  get size(): number {
    return this.#index.size;
  }

  /** Notes that a conversation changed; its new messages are indexed shortly. */
  track(source: SearchSource): void {
    if (this.#closed) return;
    this.#dirty.add(source);
    if (this.#indexTimer !== undefined) return;
    this.#indexTimer = this.#o.timers.setTimeout(() => {
      this.#indexTimer = undefined;
      void this.#ready.then(() => this.#indexPending());
    }, this.#o.indexDelayMs);
  }

  /**
   * Searches the indexed messages (see {@link SearchIndex.search} for the matching rules).
   * An empty query finds nothing.
   *
   * @throws See {@link checkSearchInput}.
   */
  async search(query: string, options: SearchOptions = {}): Promise<SearchResult[]> {
    const trimmed = checkSearchInput(query, options);
    if (!this.#o.enabled)
      throw new ChatError('unavailable', 'Search is turned off for this client (search: false)');
    await this.#ready;
    this.#indexPending();
    if (trimmed.length === 0) return [];
    return this.#index.search(trimmed, options, this.#o.visible);
  }

  /** Drops a conversation's messages and writes the index now (the user left it). */
  async forget(conversationId: string): Promise<void> {
    await this.#ready;
    this.#forgetProgress(conversationId);
    for (const source of this.#dirty) if (source.id === conversationId) this.#dirty.delete(source);
    if (this.#index.removeConversation(conversationId)) this.#unsaved = true;
    await this.flush();
  }

  /** Indexes what is pending and writes the index if it changed. */
  async flush(): Promise<void> {
    await this.#ready;
    this.#indexPending();
    this.#o.timers.clearTimeout(this.#persistTimer);
    this.#persistTimer = undefined;
    if (!this.#unsaved || this.#closed) return this.#writing;
    this.#unsaved = false;
    const write = this.#writing.then(() =>
      this.#o.store.set(SEARCH_INDEX_NAME, this.#index.serialize() as unknown as JsonValue),
    );
    this.#writing = write.catch((error: unknown) => {
      this.#unsaved = true;
      this.#o.onError(error);
    });
    return this.#writing;
  }

  /**
   * Stops tracking and timers (the session ends).
   *
   * @param persist - Write pending changes first (not when the user signs out: then
   *   {@link purge} deletes the index).
   */
  async close(persist: boolean): Promise<void> {
    if (persist) await this.flush();
    this.#closed = true;
    this.#o.timers.clearTimeout(this.#indexTimer);
    this.#o.timers.clearTimeout(this.#persistTimer);
    this.#indexTimer = undefined;
    this.#persistTimer = undefined;
    this.#dirty.clear();
  }

  /** Forgets everything indexed, in memory and in the store (sign-out). */
  async purge(): Promise<void> {
    await this.close(false);
    await this.#ready;
    await this.#writing;
    this.#index = SearchIndex.create();
    this.#seen.clear();
    this.#indexed.clear();
    this.#unsaved = false;
    await this.#o.store.delete(SEARCH_INDEX_NAME);
  }

  async #load(): Promise<void> {
    try {
      const stored = await this.#o.store.get(SEARCH_INDEX_NAME);
      if (stored === undefined) return;
      const restored = SearchIndex.restore(stored);
      // Unusable (older format, damaged): start empty; the tracked conversations refill it
      // and the next write replaces the stored copy.
      if (restored === null) this.#unsaved = true;
      else this.#index = restored;
    } catch (error) {
      this.#o.onError(error);
    }
  }

  async #deleteStored(): Promise<void> {
    try {
      await this.#o.store.delete(SEARCH_INDEX_NAME);
    } catch (error) {
      this.#o.onError(error);
    }
  }

  #indexPending(): void {
    if (this.#closed) return;
    const pending = [...this.#dirty];
    this.#dirty.clear();
    for (const source of pending) {
      try {
        if (this.#indexSource(source)) this.#unsaved = true;
      } catch (error) {
        // One conversation's failure must not stop the others, nor fail the search.
        this.#forgetProgress(source.id);
        this.#o.onError(error);
      }
    }
    if (this.#unsaved) this.#schedulePersist();
  }

  /** Brings one conversation's part of the index up to date; returns whether it changed. */
  #indexSource(source: SearchSource): boolean {
    if (source.left) {
      this.#forgetProgress(source.id);
      return this.#index.removeConversation(source.id);
    }
    const stored = source.timeline.stored;
    if (this.#indexed.get(source.id) === stored) return false;
    let seen = this.#seen.get(source.id);
    if (seen === undefined) {
      seen = new Map();
      this.#seen.set(source.id, seen);
    }
    let changed = false;
    for (const message of stored) {
      if (seen.get(message.id) === message) continue;
      seen.set(message.id, message);
      if (this.#index.put(message)) changed = true;
    }
    this.#indexed.set(source.id, stored);
    return changed;
  }

  #forgetProgress(conversationId: string): void {
    this.#seen.delete(conversationId);
    this.#indexed.delete(conversationId);
  }

  #schedulePersist(): void {
    // A fixed delay from the first unsaved change, not from the last: a busy conversation
    // must not postpone the write forever.
    if (this.#persistTimer !== undefined || this.#closed) return;
    this.#persistTimer = this.#o.timers.setTimeout(() => {
      this.#persistTimer = undefined;
      void this.flush();
    }, this.#o.persistDelayMs);
  }
}
