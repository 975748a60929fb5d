import { ChatError } from '../errors.js';
import { conversationSummary, eventPage } from '../protocol/conversations.js';
import type {
  ConversationSummary,
  LogEvent,
  MemberEvent,
  WireMessageData,
} from '../protocol/conversations.js';
import type { Message } from '../types.js';
import { conversationPath } from './context.js';
import type { ConversationContext } from './context.js';
import { EpochKeyring } from './epoch-keyring.js';
import { MemberLog } from './member-log.js';
import { decodeMessageEvent } from './message-decoder.js';
import { Timeline } from './timeline.js';

/** Where a conversation's loaded window of the log starts and ends, as persisted. */
export interface LogWindow {
  /** Lowest `seq` loaded (events below it are fetched by `loadOlder`). */
  readonly firstSeq: number;
  /** Highest `seq` applied; everything from `firstSeq` to here is applied. 0 = nothing yet. */
  readonly lastSeq: number;
}

/** Options of {@link ConversationState}. */
export interface ConversationStateOptions {
  ctx: ConversationContext;
  summary: ConversationSummary;
  /** A window and its messages from the local cache, if any. */
  cached?: { window: LogWindow; messages: readonly Message[] };
  /** Something a UI or the cache cares about changed. */
  onChange: (state: ConversationState) => void;
  /** Events per history page. */
  pageSize: number;
}

/** What {@link ConversationState.apply} did with a batch of events. */
export type ApplyOutcome = 'applied' | 'gap';

/**
 * One conversation as this client knows it: its verified membership log, its epochs, and the
 * window of its event log applied so far (DESIGN §4). Events are applied strictly in `seq`
 * order, one at a time: an event at `lastSeq + 1` is applied, an older one is a duplicate and
 * dropped, a newer one reveals a gap that `sync` must fill first. So every client that applied
 * up to `seq` N holds the same messages in the same order.
 */
export class ConversationState {
  readonly id: string;
  readonly timeline = new Timeline();
  readonly keyring: EpochKeyring;
  readonly #ctx: ConversationContext;
  readonly #onChange: (state: ConversationState) => void;
  readonly #pageSize: number;
  #summary: ConversationSummary;
  #log: MemberLog | null = null;
  #window: LogWindow;
  #left = false;
  #ready: Promise<void> | null = null;
  #queue: Promise<unknown> = Promise.resolve();
  /** A member's accepted identity change asks for a `key-change` rotation before the next send. */
  keyChangeAccepted = false;

  constructor(options: ConversationStateOptions) {
    this.#ctx = options.ctx;
    this.id = options.summary.id;
    this.#summary = options.summary;
    this.#onChange = options.onChange;
    this.#pageSize = options.pageSize;
    this.keyring = new EpochKeyring(options.ctx, this.id);
    this.#window = options.cached?.window ?? { firstSeq: 1, lastSeq: 0 };
    for (const message of options.cached?.messages ?? []) this.timeline.upsert(message);
  }

  /** The server's summary (title, kind, creator), refreshed on load. */
  get summary(): ConversationSummary {
    return this.#summary;
  }

  /** The verified membership log, once loaded. */
  get log(): MemberLog | null {
    return this.#log;
  }

  /** The applied window of the log. */
  get window(): LogWindow {
    return this.#window;
  }

  /** True once the user left or was removed (or the server says the conversation is gone). */
  get left(): boolean {
    return this.#left;
  }

  /** Whether older events exist before the loaded window. */
  get hasOlder(): boolean {
    return this.#window.firstSeq > 1;
  }

  /**
   * Loads what sending and decrypting need: a fresh summary, the verified membership log and
   * the epoch records; and, for a conversation never seen before, its newest page of events.
   * Runs once (again after a failure).
   *
   * @throws ChatError `not_found` when the user is not (or no longer) a member,
   *   `decryption_failed` for a forged membership log, network errors.
   */
  ensureReady(): Promise<void> {
    this.#ready ??= this.#load().catch((error: unknown) => {
      this.#ready = null;
      if (ChatError.is(error, 'not_found')) this.markLeft();
      throw error;
    });
    return this.#ready;
  }

  /** The verified log; call after {@link ensureReady}. */
  requireLog(): MemberLog {
    if (this.#log === null) throw new ChatError('unavailable', 'The conversation is not loaded');
    return this.#log;
  }

  /**
   * Applies events of the log in `seq` order, dropping duplicates and stopping at a gap.
   *
   * @param historyStart - From a server listing (sync, history page): the log is complete from
   *   this `seq`; holes below it were left by the server's retention policy and are skipped.
   * @returns `'gap'` when an event after `lastSeq + 1` arrived (sync from `window.lastSeq`).
   */
  async apply(events: readonly LogEvent[], historyStart?: number): Promise<ApplyOutcome> {
    await this.ensureReady();
    return this.#exclusive(() => this.#applyInOrder(events, true, historyStart));
  }

  /**
   * Fetches and decrypts the page of events before the loaded window.
   *
   * @returns How many messages were added.
   */
  async loadOlder(limit = this.#pageSize): Promise<number> {
    await this.ensureReady();
    return this.#exclusive(async () => {
      const before = this.#window.firstSeq;
      if (before <= 1) return 0;
      const page = await this.#ctx.rest.request(
        'GET',
        conversationPath(this.id, `/events?before=${before}&limit=${limit}`),
        { schema: eventPage },
      );
      let added = 0;
      for (const event of page.events) {
        if (event.seq >= before) continue;
        if (event.kind === 'epoch') this.keyring.noteEpoch({ signed: event.epoch, seq: event.seq });
        if (event.kind !== 'message') continue;
        const message = await decodeMessageEvent(this.#ctx, this.keyring, this.requireLog(), event);
        if (message && this.timeline.upsert(message).outcome === 'added') added++;
      }
      const first = page.events[0]?.seq ?? 1;
      this.#window = { ...this.#window, firstSeq: page.hasMore ? Math.min(first, before) : 1 };
      this.#changed();
      return added;
    });
  }

  /**
   * Re-reads what another member may have changed: the summary (current epoch and its message
   * count), the epoch records and the rest of the membership log. Used after a 409.
   */
  async refreshKeys(): Promise<void> {
    await this.ensureReady();
    const summary = await this.#fetchSummary();
    await this.#exclusive(async () => {
      this.#summary = summary;
      this.keyring.snapshot(summary);
      await this.keyring.refresh();
      await this.requireLog().catchUp();
    });
  }

  /** Records the server's acknowledgement of an own message. */
  confirmSent(
    clientMsgId: string,
    wire: WireMessageData,
    ack: { id: string; seq: number; ts: number },
  ): Message | undefined {
    this.keyring.noteMessage(wire.header.epochId, ack.id, ack.seq);
    const local = this.timeline.getLocal(clientMsgId);
    if (local === undefined) return this.timeline.get(ack.id);
    const { message } = this.timeline.upsert({
      ...local,
      id: ack.id,
      seq: ack.seq,
      ts: ack.ts,
      status: 'sent',
    });
    this.#ctx.events.emit('message-updated', message);
    this.#changed();
    return message;
  }

  /** Adds an own unsent message (from `send()` or the outbox after a reload). */
  addLocal(message: Message, announce: boolean): void {
    if (this.timeline.getLocal(message.clientMsgId ?? '')) return;
    this.timeline.addLocal(message);
    if (announce) this.#ctx.events.emit('message', message);
    this.#changed();
  }

  /** Changes an own unsent message and announces it. */
  updateLocal(clientMsgId: string, patch: Partial<Message>): Message | undefined {
    const message = this.timeline.updateLocal(clientMsgId, patch);
    if (message === undefined) return undefined;
    this.#ctx.events.emit('message-updated', message);
    this.#changed();
    return message;
  }

  /** The user is no longer a member: nothing more arrives or can be sent. */
  markLeft(): void {
    if (this.#left) return;
    this.#left = true;
    this.#changed();
  }

  /** Forgets epoch keys held in memory (sign-out). */
  wipe(): void {
    this.keyring.wipe();
  }

  async #load(): Promise<void> {
    const summary = await this.#fetchSummary();
    const log = await MemberLog.fetch(this.#ctx, this.id);
    await this.#exclusive(async () => {
      this.#summary = summary;
      this.#log = log;
      this.keyring.snapshot(summary);
      await this.keyring.refresh();
      if (this.#window.lastSeq === 0) await this.#loadNewestPage();
    });
    this.#changed();
  }

  async #fetchSummary(): Promise<ConversationSummary> {
    return this.#ctx.rest.request('GET', conversationPath(this.id), {
      schema: conversationSummary,
    });
  }

  /** A conversation seen for the first time starts at its newest page, not at seq 1. */
  async #loadNewestPage(): Promise<void> {
    const page = await this.#ctx.rest.request(
      'GET',
      conversationPath(this.id, `/events?limit=${this.#pageSize}`),
      { schema: eventPage },
    );
    const first = page.events[0]?.seq;
    if (first === undefined) return;
    this.#window = { firstSeq: first, lastSeq: first - 1 };
    await this.#applyInOrder(page.events, false, page.historyStart);
  }

  async #applyInOrder(
    events: readonly LogEvent[],
    announce = true,
    historyStart?: number,
  ): Promise<ApplyOutcome> {
    const sorted = [...events].sort((a, b) => a.seq - b.seq);
    let outcome: ApplyOutcome = 'applied';
    let changed = false;
    for (const event of sorted) {
      if (event.conversationId !== this.id || event.seq <= this.#window.lastSeq) continue;
      // A hole is a gap to heal unless the server said retention deleted what was there.
      const expired = historyStart !== undefined && event.seq <= historyStart;
      if (event.seq > this.#window.lastSeq + 1 && !expired) {
        outcome = 'gap';
        break;
      }
      await this.#applyOne(event, announce);
      this.#window = { ...this.#window, lastSeq: event.seq };
      changed = true;
    }
    if (changed) this.#changed();
    return outcome;
  }

  async #applyOne(event: LogEvent, announce: boolean): Promise<void> {
    switch (event.kind) {
      case 'member':
        await this.#applyMember(event);
        return;
      case 'epoch':
        this.keyring.noteEpoch({ signed: event.epoch, seq: event.seq });
        return;
      case 'message': {
        this.keyring.noteMessage(event.message.header.epochId, event.id, event.seq);
        const message = await decodeMessageEvent(this.#ctx, this.keyring, this.requireLog(), event);
        if (message === null) return;
        const result = this.timeline.upsert(message);
        if (result.outcome === 'added' && announce)
          this.#ctx.events.emit('message', result.message);
        if (result.outcome === 'updated') this.#ctx.events.emit('message-updated', result.message);
        return;
      }
    }
  }

  async #applyMember(event: MemberEvent): Promise<void> {
    const log = this.requireLog();
    if ((await log.apply(event.entry)) === 'gap') await log.catchUp();
    const { op, target } = event.entry.entry;
    if ((op === 'remove' || op === 'leave') && target === this.#ctx.me.id) this.markLeft();
  }

  #exclusive<T>(operation: () => Promise<T>): Promise<T> {
    const run = this.#queue.then(operation, operation);
    this.#queue = run.catch(() => undefined);
    return run;
  }

  #changed(): void {
    this.#onChange(this);
  }
}
