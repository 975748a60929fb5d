/**
 * The SQLite writer thread (see writer-thread.ts): its own connection to `parley.db`, with the
 * same pragmas (`synchronous=FULL`), running the message-append transaction so that its
 * commit, fsync included, happens off the server's event loop.
 *
 * Protocol over `parentPort` (writer-protocol.ts): `{ id, bytes }` → `{ id, stored, others }`
 * or `{ id, error }`; `{ close: true }` closes the connection, after which the thread ends.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { createLogQueries } from './log-queries.js';
import { openDatabase } from './open-database.js';
import { decodeBatch, encodeResults } from './writer-protocol.js';
import type { WriterRequest, WriterResponse, WriterWorkerData } from './writer-protocol.js';

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
  Promise.resolve()
    .then(() => appendMessages(decodeBatch(request.bytes)))
    .then(
      (results) => {
        const { stored, others } = encodeResults(results);
        port.postMessage({ id: request.id, stored, others } satisfies WriterResponse, [
          stored.buffer,
        ]);
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
