/**
 * The script-tag bundle (`dist/widget.js`, served by the reference server at `/widget.js`):
 * registers every component, with Lit, the SDK, socket.io-client and the crypto inside.
 * The Argon2id worker (`kdf-worker.js`, next to it) loads only when someone signs in.
 */
import { setKdfWorkerBase } from './internal/kdf-worker-source.js';

// kdf-worker.js sits next to this file; on another origin it is started from a blob: URL.
setKdfWorkerBase(import.meta.url);

export * from './define.js';
