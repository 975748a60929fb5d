import type { ChatStore } from '../state/chat-store.js';
import type { ParleyElement } from './parley-element.js';

/** Whether a drag carries files (not text or a link dragged from the page). */
export function carriesFiles(event: DragEvent): boolean {
  return event.dataTransfer?.types.includes('Files') ?? false;
}

/**
 * Starts uploading `files` from a component (attach button, drop or paste): dispatches the
 * cancelable `chat-request-upload` first, then hands them to the store's upload queue and
 * dispatches `chat-message-sent` for each file the server stored.
 *
 * @returns `false` when there was nothing to send or the host vetoed it.
 */
export function requestUpload(
  from: ParleyElement,
  store: ChatStore | undefined,
  conversationId: string | undefined,
  files: readonly File[],
): boolean {
  if (!store || !conversationId || files.length === 0) return false;
  if (!from.emit('chat-request-upload', { conversationId, files })) return false;
  for (const result of store.uploads.add(conversationId, files)) {
    void result.then((message) => {
      if (message) from.emit('chat-message-sent', { conversationId, message });
    });
  }
  return true;
}
