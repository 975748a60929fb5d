import type { Message } from '../types.js';

/** What {@link Timeline.upsert} did. */
export type UpsertOutcome = 'added' | 'updated' | 'unchanged';

/**
 * The messages of one conversation in display order: stored messages by `seq`, then this
 * client's unsent ones (pending or failed) in the order they were written. Pure data, no I/O.
 *
 * Duplicates are dropped by message id, whichever way a message arrives (the push, `sync`, a
 * history page, the cache, the sender's own acknowledgement), and an own message that comes
 * back from the server replaces its pending copy instead of appearing twice.
 *
 * `messages` is an immutable snapshot that changes identity only when the content changes, so
 * UI layers can compare by reference.
 */
export class Timeline {
  readonly #byId = new Map<string, Message>();
  #stored: Message[] = [];
  #local: Message[] = [];
  #snapshot: readonly Message[] | null = null;

  /** Every message, stored ones by `seq` first, then unsent ones. */
  get messages(): readonly Message[] {
    this.#snapshot ??= Object.freeze([...this.#stored, ...this.#local]);
    return this.#snapshot;
  }

  /** Stored messages only, by `seq`. */
  get stored(): readonly Message[] {
    return this.#stored;
  }

  /** Unsent own messages, oldest first. */
  get local(): readonly Message[] {
    return this.#local;
  }

  /** The lowest `seq` held, or `null`. */
  get oldestSeq(): number | null {
    return this.#stored[0]?.seq ?? null;
  }

  /** A stored message by id. */
  get(id: string): Message | undefined {
    return this.#byId.get(id);
  }

  /** An unsent message by client id. */
  getLocal(clientMsgId: string): Message | undefined {
    return this.#local.find((m) => m.clientMsgId === clientMsgId);
  }

  /**
   * Adds a stored message (with a `seq`), or updates the copy held. A pending copy with the
   * same id or client id is replaced, and its `clientMsgId` carried over.
   *
   * @throws TypeError for a message without `seq`.
   */
  upsert(message: Message): { outcome: UpsertOutcome; message: Message } {
    if (message.seq === null) throw new TypeError('stored messages need a seq');
    const localIndex = this.#local.findIndex(
      (m) =>
        m.id === message.id ||
        (message.clientMsgId !== null && m.clientMsgId === message.clientMsgId),
    );
    let next = message;
    if (localIndex >= 0) {
      const local = this.#local[localIndex]!;
      next = { ...message, clientMsgId: local.clientMsgId };
      this.#local = this.#local.filter((_, i) => i !== localIndex);
      this.#snapshot = null;
    }
    const existing = this.#byId.get(next.id);
    if (existing !== undefined) {
      const merged: Message = { ...next, clientMsgId: next.clientMsgId ?? existing.clientMsgId };
      if (localIndex < 0 && sameMessage(existing, merged))
        return { outcome: 'unchanged', message: existing };
      this.#replaceStored(existing, merged);
      return { outcome: 'updated', message: merged };
    }
    this.#insertStored(next);
    return { outcome: localIndex >= 0 ? 'updated' : 'added', message: next };
  }

  /** Appends an unsent own message. */
  addLocal(message: Message): void {
    if (message.clientMsgId === null) throw new TypeError('local messages need a clientMsgId');
    this.#local = [...this.#local, message];
    this.#snapshot = null;
  }

  /** Changes an unsent message; returns the new object, or `undefined` if it is not held. */
  updateLocal(clientMsgId: string, patch: Partial<Message>): Message | undefined {
    const index = this.#local.findIndex((m) => m.clientMsgId === clientMsgId);
    if (index < 0) return undefined;
    const next: Message = { ...this.#local[index]!, ...patch, clientMsgId };
    this.#local = this.#local.map((m, i) => (i === index ? next : m));
    this.#snapshot = null;
    return next;
  }

  /** Removes an unsent message (e.g. when it is abandoned). */
  removeLocal(clientMsgId: string): void {
    const before = this.#local.length;
    this.#local = this.#local.filter((m) => m.clientMsgId !== clientMsgId);
    if (this.#local.length !== before) this.#snapshot = null;
  }

  #insertStored(message: Message): void {
    const seq = message.seq!;
    // Usually an append: search from the end.
    let at = this.#stored.length;
    while (at > 0 && this.#stored[at - 1]!.seq! > seq) at--;
    this.#stored = [...this.#stored.slice(0, at), message, ...this.#stored.slice(at)];
    this.#byId.set(message.id, message);
    this.#snapshot = null;
  }

  #replaceStored(existing: Message, next: Message): void {
    this.#stored = this.#stored.filter((m) => m !== existing);
    this.#byId.delete(existing.id);
    this.#insertStored(next);
  }
}

function sameMessage(a: Message, b: Message): boolean {
  return (
    a.seq === b.seq &&
    a.status === b.status &&
    a.text === b.text &&
    a.ts === b.ts &&
    a.sender === b.sender &&
    a.clientMsgId === b.clientMsgId &&
    a.reason === b.reason
  );
}
