import type { ChatError } from '../errors.js';

/**
 * What to do with a message the server (or the SDK on its way out) refused:
 * - `reencrypt`: the epoch is stale or another member's rotation won (409 `conflict`): fetch the
 *   current epoch, encrypt again under it, send again (the same `clientMsgId`);
 * - `offline`: the connection is gone or the session is being renewed: wait for the reconnect;
 * - `later`: the server is overloaded or restarting: retry after a backoff (or `retryAfterMs`);
 * - `fail`: it will not work as is (not a member, an unaccepted identity change, invalid):
 *   mark the message `failed` until the user retries.
 */
export type SendErrorAction = 'reencrypt' | 'offline' | 'later' | 'fail';

/** Classifies a send failure by its stable code. */
export function classifySendError(error: ChatError): SendErrorAction {
  switch (error.code) {
    case 'conflict':
      return 'reencrypt';
    case 'network_error':
    case 'unauthorized':
    case 'token_expired':
      return 'offline';
    case 'rate_limited':
    case 'unavailable':
    case 'internal':
      return 'later';
    default:
      return 'fail';
  }
}
