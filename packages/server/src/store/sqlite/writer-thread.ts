import { createHash } from 'node:crypto';
import { access, mkdir, rename, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { Worker, threadId } from 'node:worker_threads';
import type * as Esbuild from 'esbuild';
import type { MessageAppendResult, NewMessage } from '../conversation-store.js';
import { decodeResults, encodeBatch } from './writer-protocol.js';
import type { WriterRequest, WriterResponse, WriterWorkerData } from './writer-protocol.js';

/**
 * The message-append transaction on a thread of its own (ADR 0010). better-sqlite3 is
 * synchronous, so on the event loop every `synchronous=FULL` commit stalls all sockets for its
 * fsync; here the next batch gathers while the last one commits.
 */
export interface WriterThread {
  /** Runs the append transaction on the writer thread; same contract as the store's. */
  appendMessages(batch: readonly NewMessage[]): Promise<MessageAppendResult[]>;
  /** Waits for the batches in flight, closes the thread's connection and ends the thread. */
  close(): Promise<void>;
  /**
   * Ends the thread at once, as a crash would (tests). Batches in flight are rejected, whether
   * or not their transaction got to commit; the next batch starts a new thread.
   */
  kill(): Promise<void>;
}

/** Where the built worker goes when running from source (beside the dependencies it imports). */
const SOURCE_BUILD_DIR = new URL(
  '../../../../../node_modules/.cache/parley-writer/',
  import.meta.url,
);
let sourceBuild: Promise<URL> | undefined;
const ESBUILD = 'esbuild';

/**
 * The worker's entry. Built (tsup's dist/*.js, the bench's esbuild *.mjs): the file beside the
 * bundle. From source (vitest, tsx): Node 20 runs no loader hooks in worker threads, so the
 * TypeScript entry is bundled once per process with esbuild (a dev dependency), into a file
 * named by its content hash so parallel test processes share it safely.
 */
function workerEntry(): Promise<URL> {
  const here = import.meta.url;
  if (!here.endsWith('.ts')) {
    return Promise.resolve(
      new URL(`./sqlite-writer${here.endsWith('.mjs') ? '.mjs' : '.js'}`, here),
    );
  }
  sourceBuild ??= (async () => {
    // Not a literal: the release bundlers must not pull esbuild into dist.
    const { build } = (await import(ESBUILD)) as typeof Esbuild;
    const result = await build({
      entryPoints: [fileURLToPath(new URL('./writer-worker.ts', here))],
      bundle: true,
      write: false,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      packages: 'external',
      logLevel: 'error',
    });
    const code = result.outputFiles[0]!.contents;
    const hash = createHash('sha256').update(code).digest('hex').slice(0, 16);
    const file = new URL(`sqlite-writer-${hash}.mjs`, SOURCE_BUILD_DIR);
    const exists = await access(file).then(
      () => true,
      () => false,
    );
    if (!exists) {
      await mkdir(SOURCE_BUILD_DIR, { recursive: true });
      const temp = new URL(`.${hash}-${process.pid}-${threadId}.tmp`, SOURCE_BUILD_DIR);
      await writeFile(temp, code);
      await rename(temp, file);
    }
    return file;
  })();
  return sourceBuild;
}

class WriterThreadError extends Error {
  readonly code: string | undefined;
  constructor(message: string, code?: string) {
    super(message);
    this.name = 'WriterThreadError';
    this.code = code;
  }
}

/**
 * Starts the writer thread on `<dataDir>/parley.db` (already migrated) and resolves once its
 * connection is open. If the thread dies, the batches in flight are rejected (their senders
 * got no ack and retry) and the next batch starts a new thread.
 */
export async function startWriterThread(data: WriterWorkerData): Promise<WriterThread> {
  /** Batches sent to the thread and not answered yet, by request id. */
  const pending = new Map<
    number,
    {
      batch: readonly NewMessage[];
      answer: Promise<MessageAppendResult[]>;
      resolve(r: MessageAppendResult[]): void;
      reject(e: Error): void;
    }
  >();
  let nextId = 0;
  let current: Promise<Worker> | undefined;
  let closing: Promise<void> | undefined;

  function failAll(error: Error): void {
    for (const p of pending.values()) p.reject(error);
    pending.clear();
  }

  function spawn(): Promise<Worker> {
    const started = workerEntry().then(
      (url) =>
        new Promise<Worker>((resolve, reject) => {
          const worker = new Worker(url, { workerData: data });
          worker.unref();
          worker.on('message', (m: WriterResponse) => {
            if ('ready' in m) {
              resolve(worker);
              return;
            }
            const p = pending.get(m.id);
            if (!p) return;
            pending.delete(m.id);
            if (pending.size === 0) worker.unref();
            if ('stored' in m) p.resolve(decodeResults(p.batch, m.stored, m.others));
            else p.reject(new WriterThreadError(m.error.message, m.error.code));
          });
          worker.on('error', (err) => {
            reject(err);
            failAll(new WriterThreadError(`the SQLite writer thread failed: ${err.message}`));
          });
          worker.on('exit', (code) => {
            reject(new WriterThreadError(`the SQLite writer thread exited with code ${code}`));
            failAll(new WriterThreadError(`the SQLite writer thread exited with code ${code}`));
            if (current === started) current = undefined;
          });
        }),
    );
    return started;
  }

  current = spawn();
  await current;

  return {
    async appendMessages(batch) {
      if (batch.length === 0) return [];
      if (closing) throw new WriterThreadError('the store is closed');
      current ??= spawn();
      const worker = await current;
      // The batch goes as one buffer of its own, moved rather than cloned (and a Buffer decoded
      // from base64 is a view into Node's shared 8 KiB pool, which a clone would copy whole).
      // Encoded before it counts as in flight: a batch that cannot be encoded leaves nothing.
      const bytes = encodeBatch(batch);
      const id = nextId++;
      let resolve!: (r: MessageAppendResult[]) => void;
      let reject!: (e: Error) => void;
      const answer = new Promise<MessageAppendResult[]>((res, rej) => {
        resolve = res;
        reject = rej;
      });
      pending.set(id, { batch, answer, resolve, reject });
      // Keeps the process alive until the batch is answered (a script awaiting it).
      worker.ref();
      worker.postMessage({ id, bytes } satisfies WriterRequest, [bytes.buffer]);
      return answer;
    },
    async kill() {
      const worker = await current?.catch(() => undefined);
      await worker?.terminate();
    },
    close() {
      closing ??= (async () => {
        const running = current;
        current = undefined;
        if (!running) return;
        const worker = await running.catch(() => undefined);
        if (!worker) return;
        await Promise.allSettled([...pending.values()].map((p) => p.answer));
        const exited = new Promise<void>((done) => worker.once('exit', () => done()));
        worker.postMessage({ close: true } satisfies WriterRequest);
        await exited;
      })();
      return closing;
    },
  };
}
