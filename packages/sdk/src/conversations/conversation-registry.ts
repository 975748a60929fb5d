import { toB64u } from '../crypto/encoding.js';
import { ChatError } from '../errors.js';
import {
  MAX_TITLE_LENGTH,
  conversationList,
  conversationSummary,
} from '../protocol/conversations.js';
import type { ConversationSummary, CreateConversationRequest } from '../protocol/conversations.js';
import type { SyncCursor } from '../protocol/realtime.js';
import type { MessageCache } from '../sync/message-cache.js';
import type { ConversationOptions, CreateConversationInput } from '../types.js';
import { conversationPath } from './context.js';
import type { ConversationContext } from './context.js';
import { Conversation } from './conversation.js';
import type { ConversationActions } from './conversation.js';
import { ConversationState } from './conversation-state.js';
import { initialEntries, trustedIdentityKey } from './membership-changes.js';

/** Options of {@link ConversationRegistry}; all required. */
export interface ConversationRegistryOptions {
  ctx: ConversationContext;
  cache: MessageCache;
  actions: ConversationActions;
  /** Events per history page. */
  pageSize: number;
  /** A conversation became known (to show its unsent outbox messages). */
  onAdded: (state: ConversationState) => void;
}

interface Entry {
  readonly state: ConversationState;
  readonly facade: Conversation;
  /** What the app last heard about its members (to announce changes once). */
  membersKey: string;
}

/**
 * Every conversation of the signed-in session: one {@link ConversationState} and one public
 * {@link Conversation} per id, created from the cache at start, from the server's list, from
 * `sync` (the user was added somewhere) or by creating one. Each change is written to the cache
 * (debounced) and announced to the conversation's subscribers; new conversations and member
 * changes also fire the client's `conversation` event.
 */
export class ConversationRegistry {
  readonly #o: ConversationRegistryOptions;
  readonly #entries = new Map<string, Entry>();

  constructor(options: ConversationRegistryOptions) {
    this.#o = options;
  }

  /** Loads the cached conversation list and messages (no network). */
  async restore(): Promise<void> {
    for (const summary of await this.#o.cache.loadIndex()) {
      const cached = await this.#o.cache.load(summary.id);
      this.#add(summary, cached, false);
    }
  }

  /** A known conversation's state. */
  get(id: string): ConversationState | undefined {
    return this.#entries.get(id)?.state;
  }

  /** The public object of a known conversation. */
  facade(id: string): Conversation | undefined {
    return this.#entries.get(id)?.facade;
  }

  /** Every known conversation, including ones the user left this session. */
  states(): ConversationState[] {
    return [...this.#entries.values()].map((e) => e.state);
  }

  /** Where `sync` should continue, for every conversation the user is still in. */
  cursors(): SyncCursor[] {
    return this.states()
      .filter((s) => !s.left && s.window.lastSeq > 0)
      .map((s) => ({ conversationId: s.id, afterSeq: s.window.lastSeq }));
  }

  /**
   * The conversation with this id, loaded and verified (fetched if unknown).
   *
   * @throws ChatError `not_found` when it does not exist or the user is not a member.
   */
  async open(id: string): Promise<ConversationState> {
    let state = this.get(id);
    if (state === undefined) {
      const summary = await this.#o.ctx.rest.request('GET', conversationPath(id), {
        schema: conversationSummary,
      });
      state = this.#add(summary, undefined, true);
    }
    await state.ensureReady();
    return state;
  }

  /** The user's conversations from the server, most recently active first. */
  async list(): Promise<Conversation[]> {
    const { conversations } = await this.#o.ctx.rest.request('GET', '/conversations', {
      schema: conversationList,
    });
    const listed = new Set(conversations.map((c) => c.id));
    for (const entry of this.#entries.values()) {
      if (!listed.has(entry.state.id)) entry.state.markLeft();
    }
    return conversations.map((summary) => {
      const entry = this.#entries.get(summary.id);
      return entry ? entry.facade : this.#entryFor(this.#add(summary, undefined, true)).facade;
    });
  }

  /**
   * The direct conversation with `peerId`, created if the pair has none (unique per pair: the
   * server refuses a second one, and a lost race finds the winner's).
   */
  async openDirect(peerId: string, options: ConversationOptions = {}): Promise<ConversationState> {
    const { ctx } = this.#o;
    if (peerId === ctx.me.id)
      throw new ChatError('invalid_input', 'A direct conversation needs another user');
    const existing = await this.#findDirect(peerId);
    if (existing !== undefined) return this.open(existing);
    const ik = await trustedIdentityKey(ctx, peerId);
    try {
      return await this.#create('direct', undefined, [{ userId: peerId, ik }], options);
    } catch (error) {
      if (!ChatError.is(error, 'conflict')) throw error;
      const winner = await this.#findDirect(peerId);
      if (winner === undefined) throw error;
      return this.open(winner);
    }
  }

  /** Creates a group with the given members (by user id) and title. */
  async create(
    input: CreateConversationInput,
    memberIds: readonly string[],
  ): Promise<ConversationState> {
    const title = input.title.trim();
    if (title.length === 0 || title.length > MAX_TITLE_LENGTH) {
      throw new ChatError('invalid_input', `The title must be 1-${MAX_TITLE_LENGTH} characters`, {
        field: 'title',
      });
    }
    const others = [...new Set(memberIds)].filter((id) => id !== this.#o.ctx.me.id);
    const members = [];
    for (const userId of others) {
      members.push({ userId, ik: await trustedIdentityKey(this.#o.ctx, userId) });
    }
    return this.#create('group', title, members, input.settings ?? {});
  }

  /** The server says the user is no longer in these conversations. */
  markGone(ids: readonly string[]): void {
    for (const id of ids) this.get(id)?.markLeft();
  }

  /** Adds a conversation the server just told us about (sync, push) if unknown. */
  discover(summary: ConversationSummary): ConversationState {
    return this.get(summary.id) ?? this.#add(summary, undefined, true);
  }

  /** Fetches the summary of an unknown conversation and adds it. */
  async discoverById(id: string): Promise<ConversationState> {
    const known = this.get(id);
    if (known) return known;
    const summary = await this.#o.ctx.rest.request('GET', conversationPath(id), {
      schema: conversationSummary,
    });
    return this.discover(summary);
  }

  /** Forgets epoch keys of every conversation (sign-out). */
  wipe(): void {
    for (const { state } of this.#entries.values()) state.wipe();
  }

  async #findDirect(peerId: string): Promise<string | undefined> {
    try {
      const summary = await this.#o.ctx.rest.request(
        'GET',
        `/conversations/direct/${encodeURIComponent(peerId)}`,
        { schema: conversationSummary },
      );
      this.discover(summary);
      return summary.id;
    } catch (error) {
      if (ChatError.is(error, 'not_found')) return undefined;
      throw error;
    }
  }

  async #create(
    kind: 'direct' | 'group',
    title: string | undefined,
    members: ReadonlyArray<{ userId: string; ik: string }>,
    options: ConversationOptions,
  ): Promise<ConversationState> {
    const { ctx } = this.#o;
    const id = toB64u(ctx.provider.randomBytes(16));
    const settings = {
      ...(options.rotateAfterMsgs === undefined
        ? {}
        : { rotateAfterMsgs: options.rotateAfterMsgs }),
      ...(options.rotateAfterMs === undefined ? {} : { rotateAfterMs: options.rotateAfterMs }),
    };
    const entries = await initialEntries(ctx, id, members, settings);
    const body: CreateConversationRequest = {
      kind,
      ...(title === undefined ? {} : { title }),
      entries,
    };
    const summary = await ctx.rest.request('POST', '/conversations', {
      body,
      schema: conversationSummary,
    });
    const state = this.discover(summary);
    await state.ensureReady();
    return state;
  }

  #add(
    summary: ConversationSummary,
    cached: Awaited<ReturnType<MessageCache['load']>>,
    announce: boolean,
  ): ConversationState {
    const state = new ConversationState({
      ctx: this.#o.ctx,
      summary,
      ...(cached === undefined ? {} : { cached }),
      pageSize: this.#o.pageSize,
      onChange: (changed) => this.#changed(changed),
    });
    const entry: Entry = {
      state,
      facade: new Conversation(state, this.#o.actions),
      membersKey: membersKey(state),
    };
    this.#entries.set(summary.id, entry);
    this.#o.onAdded(state);
    this.#scheduleIndex();
    if (announce) this.#o.ctx.events.emit('conversation', entry.facade);
    return state;
  }

  #entryFor(state: ConversationState): Entry {
    const entry = this.#entries.get(state.id);
    if (entry === undefined) throw new TypeError('unknown conversation state');
    return entry;
  }

  #changed(state: ConversationState): void {
    const entry = this.#entries.get(state.id);
    if (entry === undefined || !this.#o.ctx.active()) return;
    this.#o.cache.scheduleConversation(state.id, () => ({
      window: state.window,
      messages: state.timeline.stored,
    }));
    const key = membersKey(state);
    if (key !== entry.membersKey) {
      entry.membersKey = key;
      this.#scheduleIndex();
      this.#o.ctx.events.emit('conversation', entry.facade);
    }
    entry.facade.notify();
  }

  #scheduleIndex(): void {
    this.#o.cache.scheduleIndex(() =>
      this.states()
        .filter((s) => !s.left)
        .map((s) => s.summary),
    );
  }
}

/** A fingerprint of what `conversation` events announce: members and whether the user left. */
function membersKey(state: ConversationState): string {
  const members =
    state.log?.current.memberSetHash ?? state.summary.members.map((m) => m.userId).join(',');
  return `${state.left ? 'left' : 'in'}|${members}|${state.summary.title ?? ''}`;
}
