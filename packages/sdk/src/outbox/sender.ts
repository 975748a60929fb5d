import type { Timers } from '../auth/timers.js';
import type { ConversationContext } from '../conversations/context.js';
import type { ConversationState } from '../conversations/conversation-state.js';
import { ensureSendEpoch } from '../conversations/epoch-rotation.js';
import { utf8 } from '../crypto/encoding.js';
import { encryptMessage } from '../crypto/messages.js';
import type { MessageBodies } from '../crypto/message-body.js';
import { attachmentOf } from '../files/attachment.js';
import { paddedLength } from '../crypto/padding.js';
import { ChatError } from '../errors.js';
import { MAX_BOX_BYTES } from '../protocol/conversations.js';
import type { ErrorCode } from '../protocol/errors.js';
import { sendAck } from '../protocol/realtime.js';
import { backoffDelay } from '../transport/backoff.js';
import type { BackoffOptions } from '../transport/backoff.js';
import type { Connection } from '../transport/connection.js';
import type { Message } from '../types.js';
import { newClientMsgId } from './client-msg-id.js';
import type { Outbox, OutboxItem } from './outbox.js';
import { classifySendError } from './send-errors.js';

/** Options of {@link Sender}; all required. */
export interface SenderOptions {
  ctx: ConversationContext;
  outbox: Outbox;
  connection: Connection;
  /** The conversation's state, loaded and verified. */
  state: (conversationId: string) => Promise<ConversationState>;
  timers: Timers;
  backoff: BackoffOptions;
  /** Something unexpected stopped a send loop (storage failure); it resumes on the next kick. */
  onError: (error: ChatError) => void;
}

/** Times the server may refuse a message's epoch before the message is marked failed. */
const MAX_CONFLICTS = 4;
/** Bytes of a box besides the padded body: nonce and tag. */
const BOX_OVERHEAD = 28;

interface Waiter {
  resolve(message: Message): void;
  reject(error: ChatError): void;
}

/**
 * Sends what is in the outbox, one conversation at a time and in writing order within each:
 * encrypt (rotating the epoch first when the policy says so), emit `send`, wait for the
 * acknowledgement, then drop the item. While offline nothing is lost: the loop stops and starts
 * again on reconnect (`kick`). What the server refuses is classified: a stale epoch (409) is
 * re-encrypted under the current one, overload waits and retries, anything else marks the
 * message `failed` until `retry`.
 */
export class Sender {
  readonly #o: SenderOptions;
  readonly #waiters = new Map<string, Waiter>();
  readonly #draining = new Map<string, Promise<void>>();
  #retryTimer: unknown = undefined;
  #failures = 0;
  #stopped = false;

  constructor(options: SenderOptions) {
    this.#o = options;
  }

  /**
   * Writes a message to the outbox (durably), shows it as pending, and sends it when possible.
   *
   * @returns Resolves with the stored message once acknowledged.
   */
  async enqueue(state: ConversationState, text: string): Promise<Message> {
    checkText(text);
    return this.#enqueue(state, { text });
  }

  /**
   * Like {@link enqueue} for a file already uploaded: the message carries its descriptor and
   * references `fileIds` so the server lets the members download them.
   */
  async enqueueAttachment(
    state: ConversationState,
    attachment: MessageBodies['attachment'],
    fileIds: readonly string[],
  ): Promise<Message> {
    return this.#enqueue(state, { text: attachment.text ?? '', attachment, fileIds });
  }

  async #enqueue(
    state: ConversationState,
    content: Pick<OutboxItem, 'text' | 'attachment' | 'fileIds'>,
  ): Promise<Message> {
    if (state.left) throw new ChatError('forbidden', 'You are no longer in this conversation');
    const { ctx } = this.#o;
    const item: OutboxItem = {
      clientMsgId: newClientMsgId(ctx.now()),
      conversationId: state.id,
      createdAt: ctx.now(),
      wire: null,
      state: 'pending',
      attempts: 0,
      ...content,
    };
    await this.#o.outbox.put(item);
    const done = this.#wait(item.clientMsgId);
    state.addLocal(localMessage(ctx, item), true);
    this.kick(state.id);
    return done;
  }

  /** Sends a failed message again. @throws ChatError `not_found`. */
  async retry(state: ConversationState, id: string): Promise<Message> {
    const item = this.#o.outbox
      .items(state.id)
      .find((i) => i.state === 'failed' && (i.clientMsgId === id || i.wire?.header.msgId === id));
    if (item === undefined) throw new ChatError('not_found', 'No failed message with this id');
    const { error: _previous, ...rest } = item;
    await this.#o.outbox.put({ ...rest, state: 'pending', attempts: 0 });
    state.updateLocal(item.clientMsgId, { status: 'pending', error: undefined });
    const done = this.#wait(item.clientMsgId);
    this.kick(state.id);
    return done;
  }

  /** Shows the outbox's messages in their conversations (after a reload). */
  restore(state: ConversationState): void {
    for (const item of this.#o.outbox.items(state.id)) {
      state.addLocal(localMessage(this.#o.ctx, item), false);
    }
  }

  /** Starts sending (all conversations with pending items, or one). Safe to call any time. */
  kick(conversationId?: string): void {
    if (this.#stopped || this.#o.connection.state !== 'online') return;
    const ids =
      conversationId === undefined
        ? new Set(
            this.#o.outbox
              .items()
              .filter((i) => i.state === 'pending')
              .map((i) => i.conversationId),
          )
        : [conversationId];
    for (const id of ids) {
      if (this.#draining.has(id)) continue;
      const run = this.#drain(id)
        .catch((error: unknown) => {
          this.#o.onError(
            ChatError.is(error)
              ? error
              : new ChatError('internal', 'Sending stopped', { cause: error }),
          );
          this.#scheduleRetry(undefined);
        })
        .finally(() => this.#draining.delete(id));
      this.#draining.set(id, run);
    }
  }

  /** Stops sending; pending sends stay in the outbox for the next session. */
  stop(): void {
    this.#stopped = true;
    this.#o.timers.clearTimeout(this.#retryTimer);
    const closed = new ChatError(
      'unavailable',
      'The client was signed out or closed; the message stays in the outbox',
    );
    for (const waiter of this.#waiters.values()) waiter.reject(closed);
    this.#waiters.clear();
  }

  async #drain(conversationId: string): Promise<void> {
    for (;;) {
      if (this.#stopped || !this.#o.ctx.active() || this.#o.connection.state !== 'online') return;
      const item = this.#o.outbox.items(conversationId).find((i) => i.state === 'pending');
      if (item === undefined) return;
      const outcome = await this.#sendOne(item);
      if (outcome === 'wait') return;
    }
  }

  /** Sends one item; `'next'` to continue with the following one, `'wait'` to stop for now. */
  async #sendOne(item: OutboxItem): Promise<'next' | 'wait'> {
    try {
      const state = await this.#o.state(item.conversationId);
      if (state.left) return await this.#fail(item, 'forbidden', undefined);
      const wire = item.wire ?? (await this.#encrypt(state, item));
      const ack = await this.#o.connection.request(
        'send',
        {
          conversationId: item.conversationId,
          clientMsgId: item.clientMsgId,
          message: wire,
          ...(item.fileIds?.length ? { fileIds: [...item.fileIds] } : {}),
        },
        sendAck,
      );
      if (ack.ok) {
        this.#failures = 0;
        await this.#o.outbox.remove(item.clientMsgId);
        const message = state.confirmSent(item.clientMsgId, wire, ack) ?? {
          ...localMessage(this.#o.ctx, item),
          id: ack.id,
          seq: ack.seq,
          ts: ack.ts,
          status: 'sent' as const,
        };
        this.#settle(item.clientMsgId, message);
        return 'next';
      }
      return await this.#refused(
        state,
        item,
        new ChatError(ack.error.code, ack.error.message, {
          ...(ack.error.retryAfterMs === undefined ? {} : { retryAfterMs: ack.error.retryAfterMs }),
        }),
      );
    } catch (error) {
      const chatError = ChatError.is(error)
        ? error
        : new ChatError('invalid_input', error instanceof Error ? error.message : 'Cannot send', {
            cause: error,
          });
      return this.#refused(undefined, item, chatError);
    }
  }

  async #encrypt(state: ConversationState, item: OutboxItem) {
    const { ctx } = this.#o;
    const epoch = await ensureSendEpoch(ctx, state);
    const content = item.attachment
      ? ({ ctype: 'attachment', body: item.attachment } as const)
      : ({ ctype: 'text', body: { text: item.text } } as const);
    const wire = await encryptMessage(ctx.provider, {
      epoch,
      sender: ctx.signer(),
      ...content,
      ts: ctx.now(),
    });
    await this.#o.outbox.put({ ...item, wire });
    state.updateLocal(item.clientMsgId, { id: wire.header.msgId });
    return wire;
  }

  async #refused(
    state: ConversationState | undefined,
    item: OutboxItem,
    error: ChatError,
  ): Promise<'next' | 'wait'> {
    switch (classifySendError(error)) {
      case 'reencrypt': {
        if (item.attempts + 1 >= MAX_CONFLICTS) return this.#fail(item, error.code, error);
        await this.#o.outbox.put({ ...item, wire: null, attempts: item.attempts + 1 });
        try {
          await (state ?? (await this.#o.state(item.conversationId))).refreshKeys();
        } catch (refreshError) {
          if (ChatError.is(refreshError)) return this.#refused(state, item, refreshError);
          throw refreshError;
        }
        return 'next';
      }
      case 'offline':
        // The reconnect kicks the outbox again.
        return 'wait';
      case 'later':
        this.#scheduleRetry(error.retryAfterMs);
        return 'wait';
      case 'fail':
        return this.#fail(item, error.code, error);
    }
  }

  async #fail(item: OutboxItem, code: ErrorCode, error: ChatError | undefined): Promise<'next'> {
    await this.#o.outbox.put({ ...item, state: 'failed', error: code });
    try {
      const state = await this.#o.state(item.conversationId);
      state.updateLocal(item.clientMsgId, { status: 'failed', error: code });
    } catch {
      // The conversation is gone; the outbox keeps the failed item for the record.
    }
    const waiter = this.#waiters.get(item.clientMsgId);
    this.#waiters.delete(item.clientMsgId);
    waiter?.reject(error ?? new ChatError(code, 'The message could not be sent'));
    return 'next';
  }

  #scheduleRetry(retryAfterMs: number | undefined): void {
    const delay = Math.max(
      retryAfterMs ?? 0,
      backoffDelay(Math.min(this.#failures, 10), this.#o.backoff),
    );
    this.#failures++;
    this.#o.timers.clearTimeout(this.#retryTimer);
    this.#retryTimer = this.#o.timers.setTimeout(() => this.kick(), delay);
  }

  #wait(clientMsgId: string): Promise<Message> {
    return new Promise<Message>((resolve, reject) => {
      this.#waiters.set(clientMsgId, { resolve, reject });
    });
  }

  #settle(clientMsgId: string, message: Message): void {
    const waiter = this.#waiters.get(clientMsgId);
    this.#waiters.delete(clientMsgId);
    waiter?.resolve(message);
  }
}

function localMessage(ctx: ConversationContext, item: OutboxItem): Message {
  return {
    id: item.wire?.header.msgId ?? item.clientMsgId,
    clientMsgId: item.clientMsgId,
    conversationId: item.conversationId,
    sender: ctx.me.id,
    text: item.text,
    attachments: item.attachment ? [attachmentOf(item.attachment, ctx)] : [],
    ts: item.createdAt,
    seq: null,
    status: item.state,
    ...(item.error === undefined ? {} : { error: item.error }),
  };
}

/**
 * Refuses what cannot be sent before it reaches the outbox: empty text, and text whose padded
 * encryption would exceed the protocol's box limit.
 */
function checkText(text: string): void {
  if (typeof text !== 'string' || text.trim().length === 0) {
    throw new ChatError('invalid_input', 'A message needs some text', { field: 'text' });
  }
  const body = utf8(JSON.stringify({ text })).length;
  if (paddedLength(body) + BOX_OVERHEAD > MAX_BOX_BYTES) {
    throw new ChatError('payload_too_large', 'The message is too long', { field: 'text' });
  }
}
