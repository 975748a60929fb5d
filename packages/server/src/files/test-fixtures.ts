import { readdir } from 'node:fs/promises';
import { request } from 'node:http';
import { join, relative } from 'node:path';
import type { TestServer } from '../../test/helpers.js';
import type { ChatUser } from '../conversations/test-fixtures.js';

/** Options of {@link upload}. */
export interface UploadOptions {
  size?: number;
  type?: string;
  contentType?: string;
  headers?: Record<string, string>;
}

/** Uploads `body` for `convId` as `user` through the real API. */
export function upload(
  t: TestServer,
  user: ChatUser,
  convId: string,
  body: Uint8Array,
  options: UploadOptions = {},
): Promise<Response> {
  const query = new URLSearchParams({
    conversationId: convId,
    size: String(options.size ?? body.length),
    type: options.type ?? 'image/png',
  });
  return t.fetch(`/api/v1/files?${query}`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${user.token}`,
      'content-type': options.contentType ?? 'application/octet-stream',
      ...options.headers,
    },
    body,
  });
}

/** Downloads a file as `user`, with optional extra headers (Range). */
export function download(
  t: TestServer,
  user: ChatUser,
  fileId: string,
  headers: Record<string, string> = {},
): Promise<Response> {
  return t.fetch(`/api/v1/files/${fileId}`, {
    headers: { authorization: `Bearer ${user.token}`, ...headers },
  });
}

/**
 * Sends an upload over a raw HTTP connection without Content-Length (chunked), writing
 * `chunks` and then either ending or destroying the connection: what `fetch` will not do
 * (lie about the size, stop mid-stream).
 *
 * @returns The status, or `'reset'` when the server cut the connection before answering.
 */
export function rawUpload(
  t: TestServer,
  user: ChatUser,
  path: string,
  chunks: readonly Uint8Array[],
  finish: 'end' | 'abort',
): Promise<number | 'reset'> {
  return new Promise((resolve) => {
    const req = request(new URL(path, t.url), {
      method: 'POST',
      headers: {
        authorization: `Bearer ${user.token}`,
        'content-type': 'application/octet-stream',
        'transfer-encoding': 'chunked',
      },
    });
    req.on('response', (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', () => resolve('reset'));
    const writeAll = async () => {
      for (const chunk of chunks) {
        if (req.destroyed) return;
        req.write(chunk);
        await new Promise((r) => setTimeout(r, 20));
      }
      if (finish === 'end') req.end();
      else {
        req.destroy();
        resolve('reset');
      }
    };
    void writeAll();
  });
}

/** Every file under `root` (recursively), as paths relative to it. */
export async function listFiles(root: string): Promise<string[]> {
  const entries = await readdir(root, { recursive: true, withFileTypes: true }).catch(() => []);
  return entries.filter((e) => e.isFile()).map((e) => relative(root, join(e.parentPath, e.name)));
}
