import type { Timers } from '../auth/timers.js';
import type { ConversationRegistry } from '../conversations/conversation-registry.js';
import type { ConversationState } from '../conversations/conversation-state.js';
import type { Emitter } from '../emitter.js';
import { ChatError } from '../errors.js';
import {
  MAX_PRESENCE_QUERY,
  presenceInfo,
  presenceQueryAck,
  presenceSetAck,
  realtimeSettings,
  receiptAck,
  receiptEvent,
  receiptsListAck,
  settingsAck,
  typingAck,
  typingEvent,
  unreadEvent,
} from '../protocol/realtime.js';
import type {
  MemberReceipt,
  PresenceInfo,
  RealtimeSettings,
  SettingsRequest,
  UnreadEvent,
} from '../protocol/realtime.js';
import type { Connection } from '../transport/connection.js';
import type { ChatClientEvents } from '../types.js';
import { pageVisible, watchVisibility } from './auto-away.js';
import type { ReceiptCursors } from './delivery-state.js';
import { TypingThrottle } from './typing-throttle.js';

/** The server pushes this module handles. */
export const EXTRA_PUSHES = ['presence', 'typing', 'receipt', 'unread', 'settings'] as const;
export type ExtraPush = (typeof EXTRA_PUSHES)[number];

/** Options of {@link RealtimeExtras}. */
export interface RealtimeExtrasOptions {
  me: string;
  connection: Connection;
  registry: ConversationRegistry;
  events: Emitter<ChatClientEvents>;
  timers: Timers;
  now: () => number;
  /** Settings to apply on every connect; unset fields keep the server's value. */
  settings: SettingsRequest;
  /** Report `away` while the page is hidden (browsers). */
  autoAway: boolean;
  /** A typing indicator not refreshed (or ended) within this many ms is dropped. */
  typingTimeoutMs?: number;
  onError: (error: ChatError) => void;
}

const DELIVERY_DELAY_MS = 250;

/**
 * The client side of presence, typing, receipts and unread counts (DESIGN §8): it validates
 * and applies the server's pushes, keeps the latest state for the `ChatClient` and its
 * conversations, and sends the client's own indicators (typing throttled, delivery receipts
 * batched per conversation, read receipts on `markRead`). Counts are the server's: the newest
 * push (by log head, then read cursor) wins, so several tabs and reconnects agree.
 */
export class RealtimeExtras {
  readonly #o: RealtimeExtrasOptions;
  readonly #presence = new Map<string, PresenceInfo>();
  readonly #typing = new Map<string, Map<string, unknown>>();
  readonly #unread = new Map<string, UnreadEvent>();
  readonly #receipts = new Map<string, Map<string, MemberReceipt>>();
  readonly #receiptsLoading = new Set<string>();
  readonly #delivered = new Map<string, number>();
  readonly #deliveryTimers = new Map<string, unknown>();
  readonly #pendingReads = new Map<string, number>();
  readonly #throttle: TypingThrottle;
  readonly #stopVisibility: () => void;
  #settings: RealtimeSettings | null = null;
  #away = false;
  readonly #offEvents: () => void;

  constructor(options: RealtimeExtrasOptions) {
    this.#o = options;
    this.#throttle = new TypingThrottle({
      timers: options.timers,
      now: options.now,
      send: (conversationId, typing) => {
        this.#o.connection
          .request('typing', { conversationId, typing }, typingAck)
          .catch(() => undefined);
      },
    });
    this.#away = options.autoAway && !pageVisible();
    this.#stopVisibility = options.autoAway
      ? watchVisibility((visible) => {
          this.#away = !visible;
          void this.setPresence(visible ? 'online' : 'away').catch(() => undefined);
        })
      : () => {};
    const offMessage = options.events.on('message', (m) => {
      this.#typingEnded(m.conversationId, m.sender);
      // A stored message of another counts as unread from the moment it is shown.
      if (m.sender !== options.me && m.seq !== null) this.#announceUnread(m.conversationId);
    });
    // New contacts (a conversation appeared or gained members): learn their presence now.
    const offConversation = options.events.on('conversation', (c) => {
      const unknown = c.members
        .map((m) => m.userId)
        .filter((u) => u !== options.me && !this.#presence.has(u));
      if (unknown.length > 0 && options.connection.state === 'online') {
        this.fetchPresence(unknown).catch(() => undefined);
      }
    });
    this.#offEvents = () => {
      offMessage();
      offConversation();
    };
  }

  /** The signed-in user's id. */
  get me(): string {
    return this.#o.me;
  }

  /** The user's privacy settings as the server last confirmed them, or `null` before that. */
  get settings(): RealtimeSettings | null {
    return this.#settings;
  }

  /** The sum of the unread counts of the conversations the user is in. */
  get unreadTotal(): number {
    let total = 0;
    for (const state of this.#o.registry.states()) total += this.unreadOf(state);
    return total;
  }

  /** (Re)connected: apply settings, refresh presence and receipts, flush pending reads. */
  async online(): Promise<void> {
    try {
      await this.updateSettings(this.#o.settings);
      if (this.#away) await this.setPresence('away');
      for (const [convId, seq] of [...this.#pendingReads]) {
        const state = this.#o.registry.get(convId);
        if (state) await this.markRead(state, seq);
      }
      for (const convId of [...this.#receipts.keys()]) await this.#loadReceipts(convId);
      await this.fetchPresence(this.#contacts());
    } catch (error) {
      this.#report(error);
    }
  }

  /** Validates and applies one server push. */
  handlePush(name: ExtraPush, raw: unknown): void {
    switch (name) {
      case 'presence': {
        const parsed = presenceInfo.safeParse(raw);
        if (parsed.success) this.#setPresenceOf(parsed.data);
        return;
      }
      case 'typing': {
        const parsed = typingEvent.safeParse(raw);
        if (!parsed.success) return;
        const { conversationId, userId, typing } = parsed.data;
        if (typing) this.#typingStarted(conversationId, userId);
        else this.#typingEnded(conversationId, userId);
        return;
      }
      case 'receipt': {
        const parsed = receiptEvent.safeParse(raw);
        if (!parsed.success) return;
        const { conversationId, userId, type, seq } = parsed.data;
        const known = this.#receipts.get(conversationId)?.get(userId);
        this.#mergeReceipt(conversationId, {
          userId,
          deliveredSeq: type === 'delivered' ? seq : (known?.deliveredSeq ?? 0),
          readSeq: type === 'read' ? seq : (known?.readSeq ?? null),
        });
        this.#o.events.emit('receipt', parsed.data);
        return;
      }
      case 'unread': {
        const parsed = unreadEvent.safeParse(raw);
        if (parsed.success) this.#setUnread(parsed.data);
        return;
      }
      case 'settings': {
        const parsed = realtimeSettings.safeParse(raw);
        if (parsed.success) this.#settings = parsed.data;
        return;
      }
    }
  }

  /** Reports this client active (`online`) or idle (`away`); the user's presence folds tabs. */
  async setPresence(state: 'online' | 'away'): Promise<void> {
    const ack = await this.#o.connection.request('presence:set', { state }, presenceSetAck);
    if (!ack.ok) throw new ChatError(ack.error.code, ack.error.message);
  }

  /** The last known presence of a user (`null`: unknown, or not a contact). */
  presenceOf(userId: string): PresenceInfo | null {
    return this.#presence.get(userId) ?? null;
  }

  /** Asks the server for the presence of contacts; strangers are never answered. */
  async fetchPresence(userIds: readonly string[]): Promise<PresenceInfo[]> {
    const out: PresenceInfo[] = [];
    for (let i = 0; i < userIds.length; i += MAX_PRESENCE_QUERY) {
      const slice = userIds.slice(i, i + MAX_PRESENCE_QUERY);
      const ack = await this.#o.connection.request(
        'presence:query',
        { userIds: slice },
        presenceQueryAck,
      );
      if (!ack.ok) throw new ChatError(ack.error.code, ack.error.message);
      for (const info of ack.presence) this.#setPresenceOf(info);
      out.push(...ack.presence);
    }
    return out;
  }

  /** Changes the privacy settings (an empty patch reads them). */
  async updateSettings(patch: SettingsRequest): Promise<RealtimeSettings> {
    const ack = await this.#o.connection.request('settings', patch, settingsAck);
    if (!ack.ok) throw new ChatError(ack.error.code, ack.error.message);
    this.#settings = ack.settings;
    return ack.settings;
  }

  /** Marks the conversation read up to `upToSeq` (default: its newest event). */
  async markRead(state: ConversationState, upToSeq?: number): Promise<void> {
    const seq = upToSeq ?? state.window.lastSeq;
    if (!Number.isInteger(seq) || seq < 0) throw new RangeError('upToSeq must be a seq (>= 0)');
    let ack;
    try {
      ack = await this.#o.connection.request(
        'receipt',
        { conversationId: state.id, type: 'read', seq },
        receiptAck,
      );
    } catch (error) {
      // Offline: sent on the next connect (cursors only move forward, so late is harmless).
      if (ChatError.is(error) && error.code === 'network_error') {
        this.#pendingReads.set(state.id, Math.max(seq, this.#pendingReads.get(state.id) ?? 0));
        return;
      }
      throw error;
    }
    if (!ack.ok) throw new ChatError(ack.error.code, ack.error.message);
    if ((this.#pendingReads.get(state.id) ?? 0) <= seq) this.#pendingReads.delete(state.id);
    this.#setUnread({
      conversationId: state.id,
      count: ack.unread,
      readSeq: ack.readSeq,
      lastSeq: ack.lastSeq,
    });
  }

  /** The user typed in (or stopped typing in) a conversation; throttled. */
  setTyping(conversationId: string, typing: boolean): void {
    this.#throttle.typing(conversationId, typing);
  }

  /** Who is typing in a conversation now (never the user). */
  typingIn(conversationId: string): string[] {
    return [...(this.#typing.get(conversationId)?.keys() ?? [])];
  }

  /**
   * The server's unread count for a conversation (0 once left), plus the messages of others
   * this client applied after the server counted: the server coalesces its unread pushes, so
   * a message shown now is counted now, and the next push (which covers it) confirms.
   */
  unreadOf(state: ConversationState): number {
    if (state.left) return 0;
    const counted = this.#counted(state);
    if (counted === undefined) return 0;
    let later = 0;
    const stored = state.timeline.stored;
    for (let i = stored.length - 1; i >= 0; i--) {
      const message = stored[i]!;
      if (message.seq === null || message.seq <= counted.lastSeq) break;
      if (message.sender !== this.#o.me) later++;
    }
    return counted.count + later;
  }

  /** The newest count the server gave (listed or pushed), with the log head it counted to. */
  #counted(state: ConversationState): { count: number; lastSeq: number } | undefined {
    const pushed = this.#unread.get(state.id);
    const { summary } = state;
    if (summary.unreadCount !== undefined && summary.readSeq !== undefined) {
      const listed = { lastSeq: summary.lastSeq, readSeq: summary.readSeq };
      if (!pushed || newer(listed, pushed))
        return { count: summary.unreadCount, lastSeq: summary.lastSeq };
    }
    return pushed;
  }

  /** Every member's cursors in a conversation; loads them in the background on first use. */
  receiptsIn(conversationId: string): ReceiptCursors {
    const known = this.#receipts.get(conversationId);
    if (known) return known;
    const empty = new Map<string, MemberReceipt>();
    this.#receipts.set(conversationId, empty);
    void this.#loadReceipts(conversationId);
    return empty;
  }

  /** Events up to `seq` of a conversation were applied (stored): tell the server, batched. */
  noteApplied(conversationId: string, seq: number): void {
    if (seq <= (this.#delivered.get(conversationId) ?? 0)) return;
    this.#delivered.set(conversationId, seq);
    if (this.#deliveryTimers.has(conversationId)) return;
    const timer = this.#o.timers.setTimeout(() => {
      this.#deliveryTimers.delete(conversationId);
      const upTo = this.#delivered.get(conversationId) ?? 0;
      this.#o.connection
        .request('receipt', { conversationId, type: 'delivered', seq: upTo }, receiptAck)
        .catch(() => this.#delivered.delete(conversationId));
    }, DELIVERY_DELAY_MS);
    this.#deliveryTimers.set(conversationId, timer);
  }

  /** Stops timers and listeners. */
  stop(): void {
    this.#offEvents();
    this.#stopVisibility();
    this.#throttle.stop();
    for (const timer of this.#deliveryTimers.values()) this.#o.timers.clearTimeout(timer);
    for (const users of this.#typing.values()) {
      for (const timer of users.values()) this.#o.timers.clearTimeout(timer);
    }
    this.#deliveryTimers.clear();
    this.#typing.clear();
  }

  async #loadReceipts(conversationId: string): Promise<void> {
    if (this.#receiptsLoading.has(conversationId)) return;
    this.#receiptsLoading.add(conversationId);
    try {
      const ack = await this.#o.connection.request(
        'receipts:list',
        { conversationId },
        receiptsListAck,
      );
      if (ack.ok) for (const r of ack.receipts) this.#mergeReceipt(conversationId, r);
    } catch {
      // Offline: loaded again on the next connect.
    } finally {
      this.#receiptsLoading.delete(conversationId);
    }
  }

  #mergeReceipt(conversationId: string, r: MemberReceipt): void {
    let cursors = this.#receipts.get(conversationId);
    if (!cursors) this.#receipts.set(conversationId, (cursors = new Map()));
    const known = cursors.get(r.userId);
    const readSeq = r.readSeq === null ? null : Math.max(r.readSeq, known?.readSeq ?? 0);
    cursors.set(r.userId, {
      userId: r.userId,
      deliveredSeq: Math.max(r.deliveredSeq, known?.deliveredSeq ?? 0, readSeq ?? 0),
      readSeq,
    });
    this.#notify(conversationId);
  }

  #setUnread(event: UnreadEvent): void {
    const known = this.#unread.get(event.conversationId);
    if (known && !newer(event, known)) return;
    this.#unread.set(event.conversationId, event);
    this.#announceUnread(event.conversationId, event.count);
    this.#notify(event.conversationId);
  }

  #announceUnread(conversationId: string, pushed?: number): void {
    const state = this.#o.registry.get(conversationId);
    const count = state ? this.unreadOf(state) : (pushed ?? 0);
    this.#o.events.emit('unread', { conversationId, count, total: this.unreadTotal });
  }

  #setPresenceOf(info: PresenceInfo): void {
    this.#presence.set(info.userId, info);
    this.#o.events.emit('presence', info);
  }

  #typingStarted(conversationId: string, userId: string): void {
    let users = this.#typing.get(conversationId);
    if (!users) this.#typing.set(conversationId, (users = new Map()));
    const had = users.has(userId);
    this.#o.timers.clearTimeout(users.get(userId));
    // A safety net should the server's `false` be lost with a dropped connection.
    users.set(
      userId,
      this.#o.timers.setTimeout(
        () => this.#typingEnded(conversationId, userId),
        this.#o.typingTimeoutMs ?? 10_000,
      ),
    );
    if (!had) this.#typingChanged(conversationId, userId, true);
  }

  #typingEnded(conversationId: string, userId: string): void {
    const users = this.#typing.get(conversationId);
    if (!users?.has(userId)) return;
    this.#o.timers.clearTimeout(users.get(userId));
    users.delete(userId);
    if (users.size === 0) this.#typing.delete(conversationId);
    this.#typingChanged(conversationId, userId, false);
  }

  #typingChanged(conversationId: string, userId: string, typing: boolean): void {
    this.#o.events.emit('typing', { conversationId, userId, typing });
    this.#notify(conversationId);
  }

  #contacts(): string[] {
    const ids = new Set<string>();
    for (const state of this.#o.registry.states()) {
      if (state.left) continue;
      for (const m of state.summary.members) if (m.userId !== this.#o.me) ids.add(m.userId);
    }
    return [...ids];
  }

  #notify(conversationId: string): void {
    this.#o.registry.facade(conversationId)?.notify();
  }

  #report(error: unknown): void {
    if (ChatError.is(error) && error.code === 'network_error') return;
    this.#o.onError(
      ChatError.is(error) ? error : new ChatError('internal', 'Realtime update failed'),
    );
  }
}

/** Whether unread state `a` is at least as new as `b` (both cursors only grow). */
function newer(
  a: { lastSeq: number; readSeq: number },
  b: { lastSeq: number; readSeq: number },
): boolean {
  return a.lastSeq >= b.lastSeq && a.readSeq >= b.readSeq;
}
