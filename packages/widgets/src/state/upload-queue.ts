import type { Conversation, Message } from '@parley/sdk';
import { errorCode } from '../internal/error-code.js';

/** One file being uploaded from this page, as the composer shows it. */
export interface Upload {
  /** Local id (for cancel, retry and dismiss). */
  readonly id: string;
  readonly conversationId: string;
  readonly file: File;
  /** Encrypted bytes sent so far, of {@link total} (0 until the SDK reports). */
  readonly loaded: number;
  readonly total: number;
  /** `uploading`, or `failed` (the SDK gave up; {@link error} says why: retry or dismiss). */
  readonly status: 'uploading' | 'failed';
  /** The `ChatError` code of a failed upload. */
  readonly error?: string;
}

/** Where an upload ended: the message (once stored), or `null` (cancelled, failed, or refused later). */
export type UploadResult = Promise<Message | null>;

/**
 * The uploads started from this page (attach button, drop, paste), shared by the composer and
 * the thread through the store. Each goes through `conversation.sendFile()` with progress and
 * an `AbortSignal`; a failed one stays listed until retried or dismissed. An upload leaves the
 * list as soon as its message is queued in the conversation (the thread shows it from then on,
 * with its own delivery state and Retry), so a failure after that is never offered twice.
 *
 * Progress changes are announced through its own {@link subscribe}, not the store's, so only the
 * composer re-renders while bytes move.
 */
export class UploadQueue {
  readonly #open: (conversationId: string) => Promise<Conversation>;
  readonly #uploads = new Map<string, Upload>();
  readonly #controllers = new Map<string, AbortController>();
  readonly #listeners = new Set<() => void>();
  // Messages already matched to an upload, so two uploads never claim the same one.
  readonly #claimed = new Set<string>();
  #next = 0;

  /** @param open - Finds the conversation to send to (the store's, or loads it). */
  constructor(open: (conversationId: string) => Promise<Conversation>) {
    this.#open = open;
  }

  /** The uploads of one conversation, oldest first. */
  list(conversationId: string): readonly Upload[] {
    return [...this.#uploads.values()].filter((u) => u.conversationId === conversationId);
  }

  /**
   * Calls `listener` after every change (new upload, progress, failure, end).
   *
   * @returns A function that unsubscribes.
   */
  subscribe(listener: () => void): () => void {
    const entry = () => listener();
    this.#listeners.add(entry);
    return () => {
      this.#listeners.delete(entry);
    };
  }

  /** Starts uploading `files` to a conversation, each as its own message. */
  add(conversationId: string, files: Iterable<File>): UploadResult[] {
    return [...files].map((file) => {
      const id = `u${++this.#next}`;
      return this.#run({
        id,
        conversationId,
        file,
        loaded: 0,
        total: file.size,
        status: 'uploading',
      });
    });
  }

  /** Cancels an upload in progress (it leaves the list), or dismisses a failed one. */
  cancel(id: string): void {
    this.#controllers.get(id)?.abort(new DOMException('The upload was cancelled', 'AbortError'));
    this.#remove(id);
  }

  /** Cancels every upload and empties the list (the session ended). */
  clear(): void {
    for (const id of [...this.#uploads.keys()]) this.cancel(id);
  }

  /** Uploads a failed file again. */
  retry(id: string): UploadResult {
    const upload = this.#uploads.get(id);
    if (!upload || upload.status !== 'failed') return Promise.resolve(null);
    const { error: _error, ...rest } = upload;
    return this.#run({ ...rest, loaded: 0, status: 'uploading' });
  }

  async #run(upload: Upload): UploadResult {
    const controller = new AbortController();
    this.#controllers.set(upload.id, controller);
    this.#set(upload);
    let queued = false;
    let off: (() => void) | undefined;
    try {
      const conversation = await this.#open(upload.conversationId);
      off = this.#watch(conversation, upload, () => {
        queued = true;
        this.#remove(upload.id);
      });
      const message = await conversation.sendFile(upload.file, {
        signal: controller.signal,
        onProgress: ({ loaded, total }) => {
          const current = this.#uploads.get(upload.id);
          if (current && !controller.signal.aborted) this.#set({ ...current, loaded, total });
        },
      });
      this.#remove(upload.id);
      return message;
    } catch (error) {
      // Cancelled: already gone. Queued: the thread shows the failed message and its Retry.
      if (!controller.signal.aborted && !queued) {
        this.#set({ ...upload, status: 'failed', error: errorCode(error) });
      }
      return null;
    } finally {
      off?.();
      this.#controllers.delete(upload.id);
    }
  }

  /**
   * Calls `queued` once the conversation shows a new message of ours carrying this file (the
   * SDK adds it, pending, when the upload is done).
   */
  #watch(conversation: Conversation, upload: Upload, queued: () => void): () => void {
    const before = new Set(conversation.messages.map((m) => m.clientMsgId ?? m.id));
    const name = upload.file.name || null;
    const off = conversation.subscribe(() => {
      const found = conversation.messages.find(
        (m) =>
          m.clientMsgId !== null &&
          !before.has(m.clientMsgId) &&
          !this.#claimed.has(m.clientMsgId) &&
          m.attachments.some((a) => a.name === name),
      );
      if (!found) return;
      this.#claimed.add(found.clientMsgId!);
      off();
      queued();
    });
    return off;
  }

  #set(upload: Upload): void {
    this.#uploads.set(upload.id, upload);
    this.#changed();
  }

  #remove(id: string): void {
    if (this.#uploads.delete(id)) this.#changed();
  }

  #changed(): void {
    for (const listener of [...this.#listeners]) {
      try {
        listener();
      } catch (error) {
        console.error('[parley] an upload listener threw', error);
      }
    }
  }
}
