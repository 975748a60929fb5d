import type { AppContext } from '../app-context.js';
import { loadForMember } from '../conversations/access.js';
import { ApiError } from '../http/api-error.js';
import type { FileRecord } from '../store/file-store.js';

function noSuchFile(): ApiError {
  return new ApiError('not_found', 'No such file');
}

/**
 * Loads a file for someone allowed to download it: a current member of the file's
 * conversation once a message there references it, or its uploader before that. Everyone else
 * (non-members, removed members, people who left, other members before the message is sent)
 * gets the same `not_found` as for an id that does not exist, so file ids cannot be probed.
 *
 * @throws {ApiError} `not_found`.
 */
export async function loadFileForReader(
  ctx: AppContext,
  fileId: string,
  userId: string,
): Promise<FileRecord> {
  const file = await ctx.store.findFile(fileId);
  if (!file || file.state !== 'ready') throw noSuchFile();
  if (file.msgId === null && file.ownerId !== userId) throw noSuchFile();
  try {
    await loadForMember(ctx, file.convId, userId);
  } catch (error) {
    if (error instanceof ApiError && error.code === 'not_found') throw noSuchFile();
    throw error;
  }
  return file;
}
