import { argon2id } from '../crypto/kdf.js';
import type { KdfParams } from '../protocol/auth.js';
import type { KdfRequest, KdfResponse } from './kdf-messages.js';

/** The part of a `Worker` the runner uses, so hosts and tests can supply their own. */
export interface KdfWorker {
  /** Starts a derivation. */
  postMessage(message: KdfRequest): void;
  /** Stops the worker. */
  terminate(): void;
  /** Receives progress and the result. */
  onmessage: ((event: MessageEvent) => unknown) | null;
  /** Receives a failure of the worker itself. */
  onerror: ((event: ErrorEvent) => unknown) | null;
}

/**
 * Where Argon2id runs. `'auto'` (default): in a module Web Worker where `Worker` exists
 * (browsers), inline otherwise (Node, where it is async and yields to the event loop);
 * `'inline'`: always on the calling thread; a function: creates the worker to use (for
 * bundlers that need the worker URL spelled out, or a strict CSP). The worker script is
 * exported as `@parley/sdk/kdf-worker`.
 *
 * @example
 * ```ts
 * // Vite
 * import KdfWorker from '@parley/sdk/kdf-worker?worker';
 * const client = new ChatClient({ serverUrl, kdfWorker: () => new KdfWorker() });
 * ```
 */
export type KdfWorkerOption = 'auto' | 'inline' | (() => KdfWorker);

/** Per-call options of a {@link KdfRunner}. */
export interface KdfRunOptions {
  /** Called with the completed fraction (0…1). */
  onProgress?: (fraction: number) => void;
}

/** Derives Argon2id `master` (32 bytes) from a password; the caller zeroes it when done. */
export type KdfRunner = (
  password: string,
  params: KdfParams,
  options?: KdfRunOptions,
) => Promise<Uint8Array>;

/**
 * Creates a {@link KdfRunner}. A worker that cannot start (blocked by CSP, file not served,
 * bundler dropped it) is detected by an error before its first message; the runner then falls
 * back to the inline derivation for this and every later call rather than failing the login.
 *
 * @param worker - See {@link KdfWorkerOption}. Default `'auto'`.
 */
export function createKdfRunner(worker: KdfWorkerOption = 'auto'): KdfRunner {
  let create = resolveWorkerFactory(worker);
  return async (password, params, options = {}) => {
    if (create) {
      const result = await runInWorker(create, { type: 'argon2id', password, params }, options);
      if (result !== 'unavailable') return result;
      create = undefined;
    }
    return argon2id(password, params, options.onProgress ? { onProgress: options.onProgress } : {});
  };
}

function resolveWorkerFactory(option: KdfWorkerOption): (() => KdfWorker) | undefined {
  if (typeof option === 'function') return option;
  if (option === 'inline' || typeof Worker === 'undefined') return undefined;
  return () =>
    new Worker(new URL('./kdf-worker.js', import.meta.url), { type: 'module', name: 'parley-kdf' });
}

function runInWorker(
  create: () => KdfWorker,
  request: KdfRequest,
  options: KdfRunOptions,
): Promise<Uint8Array | 'unavailable'> {
  let worker: KdfWorker;
  try {
    worker = create();
  } catch {
    return Promise.resolve('unavailable');
  }
  return new Promise((resolve, reject) => {
    let started = false;
    // One worker per derivation, terminated at once: Argon2id holds m KiB (64 MiB by default)
    // that only the worker's exit reliably gives back.
    const finish = () => {
      worker.onmessage = null;
      worker.onerror = null;
      worker.terminate();
    };
    worker.onmessage = (event) => {
      started = true;
      const message = event.data as KdfResponse;
      if (message.type === 'progress') {
        options.onProgress?.(message.fraction);
        return;
      }
      finish();
      if (message.type === 'done') resolve(message.master);
      else reject(rebuildError(message.name, message.message));
    };
    worker.onerror = (event) => {
      finish();
      if (!started) {
        event.preventDefault?.();
        resolve('unavailable');
      } else reject(new Error('The KDF worker failed'));
    };
    worker.postMessage(request);
  });
}

function rebuildError(name: string, message: string): Error {
  if (name === 'RangeError') return new RangeError(message);
  if (name === 'TypeError') return new TypeError(message);
  return new Error(message);
}
