import type { DecryptFailureReason } from '../crypto/decrypt-result.js';
import type { MessageBodies } from '../crypto/message-body.js';
import { decryptMessage } from '../crypto/messages.js';
import { attachmentOf } from '../files/attachment.js';
import type { MessageEvent } from '../protocol/conversations.js';
import type { Message } from '../types.js';
import type { ConversationContext } from './context.js';
import type { EpochKeyring } from './epoch-keyring.js';
import type { MemberLog } from './member-log.js';

/**
 * What a message event of the log becomes: a message to show, `null` for content types that
 * change other messages (edits, reactions, deletions: shown with a later issue), or an
 * undecryptable message carrying its reason (never dropped silently).
 *
 * The sender shown is the one inside the signed header; the server's `sender` field is used
 * only when the message cannot be verified at all.
 *
 * @throws ChatError when a network failure prevented opening the epoch (nothing is decided
 *   then: the caller tries again later).
 */
export async function decodeMessageEvent(
  ctx: ConversationContext,
  keyring: EpochKeyring,
  log: MemberLog,
  event: MessageEvent,
): Promise<Message | null> {
  const { header } = event.message;
  const base = {
    id: event.id,
    clientMsgId: null,
    conversationId: event.conversationId,
    attachments: [],
    ts: event.ts,
    seq: event.seq,
  } as const;
  const failed = (reason: DecryptFailureReason): Message => ({
    ...base,
    sender: event.sender,
    text: '',
    status: 'undecryptable',
    reason,
  });
  if (header.msgId !== event.id || header.conv !== event.conversationId) {
    return failed('invalid_input');
  }
  const opening = await keyring.open(header.epochId, log);
  if (!opening.ok) return failed(opening.reason);
  const result = await decryptMessage(ctx.provider, {
    wire: event.message,
    conv: event.conversationId,
    epoch: opening.epoch,
    isTrusted: (member) => ctx.trust.canReadFrom(member),
  });
  if (!result.ok) return failed(result.reason);
  const sent = { ...base, sender: result.header.sender, status: 'sent' } as const;
  // The body's type follows `header.ctype` (checked by decryptMessage); TypeScript cannot
  // narrow a union through a nested field, hence the casts.
  switch (result.header.ctype) {
    case 'text':
      return { ...sent, text: (result.body as MessageBodies['text']).text };
    case 'attachment': {
      const body = result.body as MessageBodies['attachment'];
      return { ...sent, text: body.text ?? '', attachments: [attachmentOf(body, ctx)] };
    }
    default:
      return null;
  }
}
