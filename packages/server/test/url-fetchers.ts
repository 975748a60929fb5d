import type { TestServer } from './helpers.js';

/** `fetch` and a JSON `post` against the server at `url`, as {@link TestServer} has them. */
export function urlFetchers(url: string): Pick<TestServer, 'fetch' | 'post'> {
  return {
    fetch: (path, init) => fetch(new URL(path, url), init),
    post: (path, body, headers = {}) =>
      fetch(new URL(path, url), {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify(body),
      }),
  };
}
