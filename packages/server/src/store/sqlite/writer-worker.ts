/**
 * The SQLite writer thread (see writer-thread.ts): its own connection to `parley.db`, with the
 * same pragmas (`synchronous=FULL`), running the message-append transaction so that its
 * commit, fsync included, happens off the server's event loop.
 *
 * Protocol over `parentPort`: `{ id, batch, bytes }` → `{ id, results }` or `{ id, error }`;
 * `{ close: true }` closes the connection, after which the thread ends.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { createLogQueries } from './log-queries.js';
import { openDatabase } from './open-database.js';
import { unpackBatch } from './writer-protocol.js';
import type {
  WireResult,
  WriterRequest,
  WriterResponse,
  WriterWorkerData,
} from './writer-protocol.js';

const port = parentPort;
if (!port) throw new Error('writer-worker.ts runs as a worker thread');
const db = openDatabase(workerData as WriterWorkerData);
const { appendMessages } = createLogQueries(db);

port.on('message', (request: WriterRequest) => {
  if ('close' in request) {
    db.close();
    port.close();
    return;
  }
  appendMessages(unpackBatch(request.batch, request.bytes)).then(
    (stored) => {
      const results = stored.map((r): WireResult =>
        r.status === 'stored' ? { status: 'stored', seq: r.event.seq, ts: r.event.ts } : r,
      );
      port.postMessage({ id: request.id, results } satisfies WriterResponse);
    },
    (err: unknown) => {
      const e = err instanceof Error ? err : new Error(String(err));
      const code = (e as { code?: unknown }).code;
      const error = {
        name: e.name,
        message: e.message,
        ...(typeof code === 'string' ? { code } : {}),
      };
      port.postMessage({ id: request.id, error } satisfies WriterResponse);
    },
  );
});
port.postMessage({ ready: true } satisfies WriterResponse);
