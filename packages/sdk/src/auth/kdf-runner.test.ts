import { describe, expect, it, vi } from 'vitest';
import { toB64u } from '../crypto/encoding.js';
import { argon2id } from '../crypto/kdf.js';
import type { KdfParams } from '../protocol/auth.js';
import { serveKdfRequest } from './kdf-messages.js';
import type { KdfRequest } from './kdf-messages.js';
import { createKdfRunner } from './kdf-runner.js';
import type { KdfWorker } from './kdf-runner.js';

const PARAMS: KdfParams = {
  alg: 'argon2id',
  m: 19_456,
  t: 2,
  p: 1,
  salt: toB64u(new Uint8Array(16).fill(7)),
};

/**
 * Stands in for the browser's `Worker` (Node 20 has none): runs the real worker handler with
 * messages structured-cloned in both directions, as a real worker boundary would.
 */
class InProcessWorker implements KdfWorker {
  onmessage: ((event: MessageEvent) => unknown) | null = null;
  onerror: ((event: ErrorEvent) => unknown) | null = null;
  terminated = false;

  postMessage(message: KdfRequest): void {
    void serveKdfRequest(structuredClone(message), (response, transfer) => {
      const data: unknown = structuredClone(response, transfer ? { transfer } : undefined);
      setTimeout(() => {
        if (!this.terminated) this.onmessage?.(new MessageEvent('message', { data }));
      });
    });
  }

  terminate(): void {
    this.terminated = true;
  }
}

/** A worker whose script never loads (404, CSP): an error event before any message. */
class BrokenWorker implements KdfWorker {
  onmessage: ((event: MessageEvent) => unknown) | null = null;
  onerror: ((event: ErrorEvent) => unknown) | null = null;
  terminated = false;
  postMessage(): void {
    setTimeout(() => this.onerror?.(new Event('error', { cancelable: true }) as ErrorEvent));
  }
  terminate(): void {
    this.terminated = true;
  }
}

describe('createKdfRunner', () => {
  it('derives the same master in a worker as inline, reporting progress up to 1', async () => {
    const workers: InProcessWorker[] = [];
    const viaWorker = createKdfRunner(() => {
      const worker = new InProcessWorker();
      workers.push(worker);
      return worker;
    });
    const progress: number[] = [];
    const fromWorker = await viaWorker('correct horse', PARAMS, {
      onProgress: (f) => progress.push(f),
    });
    const inline = await createKdfRunner('inline')('correct horse', PARAMS);
    expect(fromWorker).toEqual(inline);
    expect(fromWorker).toEqual(await argon2id('correct horse', PARAMS));
    expect(workers).toHaveLength(1);
    expect(workers[0]?.terminated).toBe(true);
    expect(progress.length).toBeGreaterThan(2);
    expect(progress.at(-1)).toBe(1);
    expect(progress).toEqual([...progress].sort((a, b) => a - b));
  });

  it('falls back to inline, once and for all, when the worker cannot start', async () => {
    const factory = vi.fn(() => new BrokenWorker());
    const run = createKdfRunner(factory);
    const onProgress = vi.fn();
    const master = await run('pw', PARAMS, { onProgress });
    expect(master).toEqual(await argon2id('pw', PARAMS));
    expect(onProgress).toHaveBeenCalled();
    await run('pw', PARAMS);
    expect(factory).toHaveBeenCalledTimes(1);
  });

  it('falls back to inline when creating the worker throws', async () => {
    const run = createKdfRunner(() => {
      throw new DOMException('blocked by CSP', 'SecurityError');
    });
    expect(await run('pw', PARAMS)).toHaveLength(32);
  });

  it('passes the worker-side error through with its type', async () => {
    const run = createKdfRunner(() => new InProcessWorker());
    await expect(run('pw', { ...PARAMS, m: 1024 })).rejects.toThrow(RangeError);
  });

  it('runs inline in Node by default, where there is no Worker', async () => {
    expect(typeof globalThis.Worker).toBe('undefined');
    const onProgress = vi.fn();
    expect(await createKdfRunner()('pw', PARAMS, { onProgress })).toHaveLength(32);
    expect(onProgress).toHaveBeenLastCalledWith(1);
  });
});

describe('serveKdfRequest', () => {
  it('answers an unexpected message with an error, not a crash', async () => {
    const post = vi.fn();
    await serveKdfRequest({ type: 'steal-keys' }, post);
    expect(post).toHaveBeenCalledWith({
      type: 'error',
      name: 'TypeError',
      message: 'KDF worker: unexpected message',
    });
  });

  it('refuses parameters below the floor instead of deriving a weak key', async () => {
    const post = vi.fn();
    await serveKdfRequest({ type: 'argon2id', password: 'pw', params: { ...PARAMS, t: 1 } }, post);
    expect(post).toHaveBeenCalledTimes(1);
    expect(post.mock.calls[0]?.[0]).toMatchObject({ type: 'error', name: 'RangeError' });
  });
});
