/**
 * The development page of `npm run dev`: the components from source, hot-reloaded by Vite.
 * The widget talks to this page's own origin; Vite proxies `/api`, `/socket.io` and the
 * Argon2id worker to the dev server on port 3000 (see `vite.config.ts`).
 */
import '../src/define.js';
import { setKdfWorkerBase } from '../src/internal/kdf-worker-source.js';

// kdf-worker.js comes from the server (built by the rollup watcher); without it the SDK
// stretches the password on the page's thread.
setKdfWorkerBase(new URL('/widget.js', location.href).href);

const params = new URLSearchParams(location.search);
const widget = document.createElement('chat-widget');
widget.setAttribute('server', location.origin);
widget.setAttribute('mode', params.get('mode') ?? 'inbox');
widget.setAttribute('theme', params.get('theme') ?? 'auto');
if (params.has('dir')) document.documentElement.dir = params.get('dir') ?? 'ltr';
if (params.has('lang')) document.documentElement.lang = params.get('lang') ?? 'en';
document.body.append(widget);
