import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { createServer } from '../src/index.js';
import type { ParleyServer, ServerOptions } from '../src/index.js';
import type { AuditEvent } from '../src/observability/audit.js';
import { urlFetchers } from './url-fetchers.js';

/** A line-collecting stream, so tests can read what the server logged. */
export class MemoryLog extends Writable {
  readonly lines: string[] = [];
  override _write(chunk: Buffer, _enc: BufferEncoding, cb: (err?: Error | null) => void): void {
    this.lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
    cb();
  }
  get text(): string {
    return this.lines.join('\n');
  }
}

/** A started server on a random port with its own temporary data folder and captured logs. */
export interface TestServer {
  server: ParleyServer;
  url: string;
  dataDir: string;
  log: MemoryLog;
  audit: AuditEvent[];
  /** `fetch` relative to the server's URL. */
  fetch(path: string, init?: RequestInit): Promise<Response>;
  /** POST a JSON body. */
  post(path: string, body: unknown, headers?: Record<string, string>): Promise<Response>;
  close(): Promise<void>;
}

/** Starts a real server on 127.0.0.1:0 for one test file. */
export async function startTestServer(options: ServerOptions = {}): Promise<TestServer> {
  const dataDir = await mkdtemp(join(tmpdir(), 'parley-test-'));
  const log = new MemoryLog();
  const audit: AuditEvent[] = [];
  const server = await createServer({
    port: 0,
    host: '127.0.0.1',
    dataDir,
    logLevel: 'info',
    logDestination: log,
    auditLog: { write: (e) => audit.push(e), flush: () => undefined },
    shutdownGraceMs: 1000,
    ...options,
  });
  const { url } = await server.listen();
  return {
    server,
    url,
    dataDir,
    log,
    audit,
    ...urlFetchers(url),
    async close() {
      await server.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
