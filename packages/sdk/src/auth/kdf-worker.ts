/**
 * Entry point of the module Web Worker that runs Argon2id off the main thread in browsers, so
 * a 1–2 second password derivation never freezes the page. Built as its own file
 * (`dist/kdf-worker.js`) and started by the KDF runner with
 * `new Worker(new URL('./kdf-worker.js', import.meta.url), { type: 'module' })`.
 */
import { serveKdfRequest } from './kdf-messages.js';
import type { KdfWorkerScope } from './kdf-messages.js';

const scope = globalThis as unknown as KdfWorkerScope;

scope.addEventListener('message', (event) => {
  void serveKdfRequest(event.data, (message, transfer) => scope.postMessage(message, transfer));
});
