/**
 * Sends a request with `XMLHttpRequest` instead of `fetch`, for the one thing `fetch` cannot do
 * in browsers: report upload progress. Used for file uploads only, and only where the global
 * `fetch` is in use (an injected `fetch` is always respected).
 */

/** Whether this runtime has `XMLHttpRequest` (browsers; not Node or most workers' tests). */
export function hasXhr(): boolean {
  return typeof XMLHttpRequest !== 'undefined';
}

/** Options of {@link xhrSend}. */
export interface XhrSendOptions {
  method: string;
  headers: Record<string, string>;
  body: Blob;
  signal?: AbortSignal;
  onUploadProgress: (loaded: number, total: number) => void;
}

function abortError(signal: AbortSignal): unknown {
  return signal.reason ?? new DOMException('The upload was aborted', 'AbortError');
}

/**
 * Sends `body` to `url` and resolves with a `Response` built from the answer. Rejects with a
 * `TypeError` on a network failure (as `fetch` does) and with the signal's reason on abort.
 */
export function xhrSend(url: string, options: XhrSendOptions): Promise<Response> {
  return new Promise((resolve, reject) => {
    const { signal } = options;
    if (signal?.aborted) return reject(abortError(signal));
    const xhr = new XMLHttpRequest();
    xhr.open(options.method, url);
    for (const [name, value] of Object.entries(options.headers)) xhr.setRequestHeader(name, value);
    xhr.responseType = 'blob';
    xhr.upload.onprogress = (e) => options.onUploadProgress(e.loaded, e.total);
    const onAbort = () => xhr.abort();
    signal?.addEventListener('abort', onAbort, { once: true });
    const done = () => signal?.removeEventListener('abort', onAbort);
    xhr.onload = () => {
      done();
      const headers = new Headers();
      for (const line of xhr
        .getAllResponseHeaders()
        .trim()
        .split(/[\r\n]+/)) {
        const at = line.indexOf(':');
        if (at > 0) headers.append(line.slice(0, at).trim(), line.slice(at + 1).trim());
      }
      const empty = [204, 205, 304].includes(xhr.status);
      resolve(new Response(empty ? null : (xhr.response as Blob), { status: xhr.status, headers }));
    };
    xhr.onerror = () => {
      done();
      reject(new TypeError('Network request failed'));
    };
    xhr.onabort = () => {
      done();
      reject(signal ? abortError(signal) : new DOMException('aborted', 'AbortError'));
    };
    xhr.send(options.body);
  });
}
