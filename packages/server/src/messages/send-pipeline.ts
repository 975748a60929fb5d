import { UNREAD_CTYPES } from '@parley/sdk/protocol';
import type { LogEvent, SendAck, SendRequest, WireMessageData } from '@parley/sdk/protocol';
import type { AppContext } from '../app-context.js';
import { decodeB64u } from '../auth/encoding.js';
import { noSuchConversation } from '../conversations/access.js';
import { publishLogEvents } from '../conversations/log-bus.js';
import { attachFiles, checkFileClaim, deleteFilesOfMessage } from '../files/file-references.js';
import { ApiError } from '../http/api-error.js';
import type { MessageAppendResult, NewMessage } from '../store/conversation-store.js';
import { createWriteBatcher } from './write-batcher.js';

/** Stores messages sent over the socket: checks, group commit, then fan-out and ack. */
export interface SendPipeline {
  /**
   * Stores one message for `userId` and answers with its acknowledgement once committed.
   * @throws {ApiError} for anything refused (see {@link createSendPipeline}).
   */
  send(userId: string, request: SendRequest): Promise<Extract<SendAck, { ok: true }>>;
  /** Stops taking messages (`unavailable`, so clients retry) and writes what is queued. */
  drain(): Promise<void>;
}

/** Options of {@link createSendPipeline}. */
export interface SendPipelineOptions {
  /** Called after each committed batch with its size and duration (metrics). */
  onBatch?: (size: number, ms: number) => void;
}

const COUNTED: ReadonlySet<string> = new Set(UNREAD_CTYPES);

/** A message waiting for its group commit: what to store, and the request's message. */
interface Queued {
  stored: NewMessage;
  wire: WireMessageData;
}

/**
 * The next group commit waits this many times the last commit's duration (its items gather
 * meanwhile). With a store that commits on the event loop (SQLite without its writer thread),
 * 3: commits then take at most a quarter of the loop's time when the disk turns slow (each
 * fsync taking milliseconds).
 */
const LOOP_COMMIT_SPACING = 3;
/**
 * With a store that commits elsewhere (the SQLite writer thread, PostgreSQL), a gap as long as
 * the last commit, at most {@link OFF_LOOP_MAX_GAP_MS}: a commit costs much whatever its size
 * (the fsync, the pages every batch rewrites, the hop to the thread, a pass of fan-out), so
 * fewer, larger batches save CPU and disk writes under load; the cap keeps the latency this adds
 * within 2 ms, however long a commit took (a checkpoint, a slow disk). At 1,500 messages per
 * second on one core: 16 % less CPU for about 1 ms more ack p50 (docs/performance.md).
 */
const OFF_LOOP_COMMIT_SPACING = 1;
/** The longest gap after a commit off the event loop, in ms. */
const OFF_LOOP_MAX_GAP_MS = 2;

function invalid(field: string, message: string): ApiError {
  return new ApiError('invalid_input', `${field}: ${message}`, { field });
}

function toAck(result: MessageAppendResult): Extract<SendAck, { ok: true }> {
  switch (result.status) {
    case 'stored':
      return { ok: true, id: result.event.msgId ?? '', seq: result.event.seq, ts: result.event.ts };
    case 'duplicate':
      return { ok: true, id: result.msgId, seq: result.seq, ts: result.ts };
    case 'rejected':
      switch (result.reason) {
        case 'not_member':
          throw noSuchConversation();
        case 'unknown_epoch':
          throw invalid('message.header.epochId', 'is not an epoch of this conversation');
        case 'stale_epoch':
          throw new ApiError(
            'conflict',
            'The epoch predates the latest removal from the conversation; start a new epoch',
          );
        case 'msg_id_taken':
          throw new ApiError('conflict', 'This message id is already used in the conversation');
        case 'client_msg_id_reused':
          throw new ApiError('conflict', 'This clientMsgId was used for another conversation');
      }
  }
}

/**
 * The send path of DESIGN §4 "Delivery guarantees": the request is checked against the caller
 * (`header.conv` must be the conversation, `header.sender` the caller), queued for the tick's
 * group commit, where the store re-checks membership, the epoch and idempotency inside the
 * transaction. Only after the commit are the new events published (fan-out) and the sender
 * acknowledged; a retry with the same `clientMsgId` gets the original `{ id, seq, ts }`.
 */
export function createSendPipeline(
  ctx: AppContext,
  options: SendPipelineOptions = {},
): SendPipeline {
  let draining = false;
  const batcher = createWriteBatcher<Queued, MessageAppendResult>({
    write: (items) => ctx.store.appendMessages(items.map((i) => i.stored)),
    committed(results, items) {
      const events: LogEvent[] = [];
      results.forEach((r, i) => {
        if (r.status !== 'stored') return;
        const { convId, seq, ts, sender, msgId } = r.event;
        // The validated request's message is what was stored (its header as `data`, its
        // canonical base64url as the bytes): no need to decode the stored row again.
        const message = items[i]!.wire;
        events.push({
          conversationId: convId,
          seq,
          ts,
          sender,
          kind: 'message',
          id: msgId ?? '',
          message,
        });
      });
      publishLogEvents(ctx, events);
    },
    ...(ctx.store.commitsOnEventLoop
      ? { spacing: LOOP_COMMIT_SPACING }
      : { spacing: OFF_LOOP_COMMIT_SPACING, maxGapMs: OFF_LOOP_MAX_GAP_MS }),
    ...(options.onBatch ? { onBatch: options.onBatch } : {}),
  });

  return {
    async send(userId, request) {
      if (draining) throw new ApiError('unavailable', 'The server is restarting; send again');
      const { header, box, sig } = request.message;
      if (header.conv !== request.conversationId) {
        throw invalid('message.header.conv', 'must equal conversationId');
      }
      if (header.sender !== userId) {
        throw new ApiError('forbidden', 'message.header.sender must be the caller');
      }
      if (request.redacts !== undefined && header.ctype !== 'delete') {
        throw invalid('redacts', 'is only allowed with message.header.ctype "delete"');
      }
      const claim = {
        userId,
        convId: request.conversationId,
        msgId: header.msgId,
        fileIds: request.fileIds ?? [],
      };
      if (claim.fileIds.length > 0) await checkFileClaim(ctx, claim);
      const stored: NewMessage = {
        convId: request.conversationId,
        sender: userId,
        clientMsgId: request.clientMsgId,
        msgId: header.msgId,
        epochId: header.epochId,
        data: JSON.stringify(header),
        box: decodeB64u(box, 'message.box'),
        sig: decodeB64u(sig, 'message.sig'),
        now: ctx.now(),
        countsAsUnread: COUNTED.has(header.ctype),
        ...(request.redacts === undefined ? {} : { redacts: request.redacts }),
      };
      const result = await batcher.submit({ stored, wire: request.message });
      const ack = toAck(result);
      // After the commit, before the ack: a retry after a crash here attaches them again.
      if (claim.fileIds.length > 0) await attachFiles(ctx, { ...claim, msgId: ack.id });
      // A deleted message's files go with it (its sender's or an admin's deletion).
      if (request.redacts !== undefined) {
        const target = { userId, convId: claim.convId, msgId: request.redacts };
        // The deletion is stored either way; a failure here leaves files the cleanup cannot
        // see (they stay referenced), so it is logged for the operator.
        await deleteFilesOfMessage(ctx, target).catch((err: unknown) => {
          ctx.logger.warn({ err, convId: target.convId }, "deleting a message's files failed");
        });
      }
      return ack;
    },
    async drain() {
      draining = true;
      await batcher.flush();
    },
  };
}
