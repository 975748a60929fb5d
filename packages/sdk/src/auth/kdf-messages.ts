import { argon2id } from '../crypto/kdf.js';
import type { KdfParams } from '../protocol/auth.js';

/** Main thread → KDF worker: derive `master` from a password. */
export interface KdfRequest {
  type: 'argon2id';
  password: string;
  params: KdfParams;
}

/** KDF worker → main thread. `master` is transferred, not copied. */
export type KdfResponse =
  | { type: 'progress'; fraction: number }
  | { type: 'done'; master: Uint8Array }
  | { type: 'error'; name: string; message: string };

/** The part of a worker's global scope the KDF worker uses. */
export interface KdfWorkerScope {
  postMessage(message: KdfResponse, transfer?: Transferable[]): void;
  addEventListener(type: 'message', listener: (event: { data: unknown }) => void): void;
}

/** Progress is posted at most this often: each message costs a structured clone and a task. */
const PROGRESS_STEP = 0.01;

/**
 * Serves one {@link KdfRequest}: runs the same {@link argon2id} as the inline path, posting
 * progress and then the result (or the error's name and message: an `Error` does not survive
 * `postMessage` intact everywhere).
 *
 * @param data - The message received; anything else is answered with a `TypeError`.
 * @param post - Where to send responses.
 */
export async function serveKdfRequest(
  data: unknown,
  post: (message: KdfResponse, transfer?: Transferable[]) => void,
): Promise<void> {
  if (!isKdfRequest(data)) {
    post({ type: 'error', name: 'TypeError', message: 'KDF worker: unexpected message' });
    return;
  }
  let reported = -1;
  try {
    const master = await argon2id(data.password, data.params, {
      onProgress: (fraction) => {
        if (fraction - reported < PROGRESS_STEP && fraction < 1) return;
        reported = fraction;
        post({ type: 'progress', fraction });
      },
    });
    post({ type: 'done', master }, [master.buffer]);
  } catch (error) {
    const name = error instanceof Error ? error.name : 'Error';
    const message = error instanceof Error ? error.message : String(error);
    post({ type: 'error', name, message });
  }
}

function isKdfRequest(data: unknown): data is KdfRequest {
  return (
    typeof data === 'object' &&
    data !== null &&
    'type' in data &&
    data.type === 'argon2id' &&
    'password' in data &&
    typeof data.password === 'string' &&
    'params' in data &&
    typeof data.params === 'object' &&
    data.params !== null
  );
}
