import type { AppContext } from '../app-context.js';
import { ApiError } from '../http/api-error.js';
import { fileService } from './file-service.js';

/** A message's claim on uploaded files (the `fileIds` of a `send`). */
export interface FileClaim {
  userId: string;
  convId: string;
  msgId: string;
  fileIds: readonly string[];
}

function refused(): ApiError {
  return new ApiError(
    'invalid_input',
    'fileIds: each file must be a finished upload of the sender for this conversation, not sent with another message',
    { field: 'fileIds' },
  );
}

/**
 * Checks, before the message is stored, that every claimed file could be attached: uploaded by
 * the sender, for this conversation, complete, and not attached to another message. A message
 * refused here is not stored.
 *
 * @throws {ApiError} `invalid_input` on `fileIds`.
 */
export async function checkFileClaim(ctx: AppContext, claim: FileClaim): Promise<void> {
  for (const id of claim.fileIds) {
    const file = await ctx.store.findFile(id);
    if (
      !file ||
      file.state !== 'ready' ||
      file.ownerId !== claim.userId ||
      file.convId !== claim.convId ||
      (file.msgId !== null && file.msgId !== claim.msgId)
    ) {
      throw refused();
    }
  }
}

/**
 * Attaches the files to the stored message (idempotent, so the retry of a send whose
 * acknowledgement was lost attaches them too). Called after the message's commit: if the
 * process dies in between, the client's retry of the same `clientMsgId` gets here again.
 *
 * @returns Whether every file was attached; `false` only if a file vanished (the cleanup ran
 *   between the check and the commit) or another message took it meanwhile.
 */
export async function attachFiles(ctx: AppContext, claim: FileClaim): Promise<boolean> {
  if (claim.fileIds.length === 0) return true;
  const attached = await ctx.store.referenceFiles({
    convId: claim.convId,
    msgId: claim.msgId,
    ownerId: claim.userId,
    fileIds: claim.fileIds,
  });
  if (!attached) {
    ctx.logger.warn(
      { convId: claim.convId, msgId: claim.msgId },
      'a stored message could not attach all of its files',
    );
  }
  return attached;
}

/**
 * Deletes the files of a message that a `delete` (with `redacts`) removed: the bytes go at
 * once, and every later download gets `not_found`. Only the message's sender (the files'
 * owner) or an admin of the conversation can have that effect, as for the redaction itself.
 *
 * @returns How many files were deleted.
 */
export async function deleteFilesOfMessage(
  ctx: AppContext,
  request: { userId: string; convId: string; msgId: string },
): Promise<number> {
  const files = await ctx.store.listFilesOfMessage(request.convId, request.msgId);
  if (files.length === 0) return 0;
  const owner = files.every((f) => f.ownerId === request.userId);
  if (!owner) {
    const conversation = await ctx.store.findConversation(request.convId);
    const admin = conversation?.members.some((m) => m.userId === request.userId && m.admin);
    if (!admin) return 0;
  }
  const service = fileService(ctx);
  let deleted = 0;
  for (const file of files) if (await service.remove(file)) deleted++;
  return deleted;
}
