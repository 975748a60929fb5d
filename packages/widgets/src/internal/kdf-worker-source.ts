/**
 * Where the script-tag bundle finds the Argon2id worker. Browsers refuse `new Worker(url)` for
 * a script on another origin, which is exactly the case of a page embedding
 * `https://chat.example.com/widget.js`: the worker file is then fetched (it is served with CORS)
 * and started from a `blob:` URL. Same-origin pages keep the SDK's default
 * (`new URL('./kdf-worker.js', import.meta.url)`). If the fetch fails or the page's CSP forbids
 * `blob:` workers, the SDK stretches the password on the page's thread instead.
 */
let base: string | undefined;
let blobUrl: Promise<string | null> | undefined;

/** Called by the script-tag bundle's entry with its own URL. */
export function setKdfWorkerBase(url: string): void {
  base = url;
}

/** Starts fetching the worker when it lives on another origin; cheap to call repeatedly. */
export function prefetchKdfWorker(): void {
  if (base === undefined || blobUrl !== undefined || typeof location === 'undefined') return;
  const url = new URL('./kdf-worker.js', base);
  if (url.origin === location.origin) return;
  blobUrl = fetch(url)
    .then((res) => (res.ok ? res.text() : null))
    .then((code) =>
      code === null ? null : URL.createObjectURL(new Blob([code], { type: 'text/javascript' })),
    )
    .catch(() => null);
}

/** A worker factory for `ChatClientOptions.kdfWorker`, or `undefined` for the SDK's default. */
export async function kdfWorkerFactory(): Promise<(() => Worker) | undefined> {
  prefetchKdfWorker();
  const url = await blobUrl;
  if (!url) return undefined;
  return () => new Worker(url, { type: 'module', name: 'parley-kdf' });
}
