import { afterAll, beforeAll } from 'vitest';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { Writable } from 'node:stream';
import { join } from 'node:path';
import { createServer } from '@parley/server';
import type { ServerOptions } from '@parley/server';
import { ChatClient } from '../src/client.js';
import { ChatError } from '../src/errors.js';
import { MemoryStore } from '../src/store/memory-store.js';
import type { ChatClientOptions, SessionState } from '../src/types.js';

/** Argon2id floor parameters: every test account uses them to keep the suite fast. */
export const TEST_KDF = { m: 19_456, t: 2, p: 1 } as const;

/** A real Parley server on a random port with its own data directory, and a movable clock. */
export interface RunningServer {
  url: string;
  /** Moves the server's clock forward (it starts at real time). */
  advanceClock(ms: number): void;
  close(): Promise<void>;
}

/** Starts a real server (SQLite in a temporary directory) for end-to-end tests. */
export async function startServer(options: Partial<ServerOptions> = {}): Promise<RunningServer> {
  const dataDir = await mkdtemp(join(tmpdir(), 'parley-sdk-e2e-'));
  let offset = 0;
  const server = await createServer({
    dataDir,
    port: 0,
    logLevel: 'silent',
    now: () => Date.now() + offset,
    ...options,
  });
  const { url } = await server.listen();
  return {
    url,
    advanceClock: (ms) => {
      offset += ms;
    },
    close: async () => {
      await server.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

let counter = 0;

/** A fresh, valid, unique username. */
export function uniqueUsername(prefix = 'user'): string {
  counter++;
  return `${prefix}${counter}x${Math.random().toString(36).slice(2, 8)}`;
}

/** A client for `server` with floor KDF parameters and its own memory store unless given. */
export function newClient(
  server: RunningServer,
  options: Partial<ChatClientOptions> = {},
): ChatClient {
  return new ChatClient({
    serverUrl: server.url,
    storage: new MemoryStore(),
    kdf: TEST_KDF,
    ...options,
  });
}

/** The `ChatError` a call fails with; throws if it succeeds or fails otherwise. */
export async function caught(promise: Promise<unknown>): Promise<ChatError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof ChatError) return error;
    throw error;
  }
  throw new Error('expected a ChatError');
}

/** Records the `session` events of a client, in order. */
export function sessionEvents(target: ChatClient): SessionState[] {
  const seen: SessionState[] = [];
  target.on('session', (state) => seen.push(state));
  return seen;
}

/** A stream that keeps what a server logs, for tests that read the logs. */
export class LogCapture extends Writable {
  text = '';
  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: () => void): void {
    this.text += chunk.toString('utf8');
    callback();
  }
}

/** One real server for a test file, with the clients the file creates closed after it. */
export interface SuiteServer {
  /** The running server (available inside tests). */
  readonly server: RunningServer;
  /** A new client of the server, merged over the suite's default options. */
  client(options?: Partial<ChatClientOptions>): ChatClient;
}

/**
 * Starts a server before the file's tests and closes it, and every client made through
 * `client()`, after them.
 */
export function useTestServer(defaults: Partial<ChatClientOptions> = {}): SuiteServer {
  let running: RunningServer | undefined;
  const clients: ChatClient[] = [];
  beforeAll(async () => {
    running = await startServer();
  });
  afterAll(async () => {
    for (const client of clients) client.close();
    await running?.close();
  });
  const suite: SuiteServer = {
    get server() {
      if (!running) throw new Error('the test server is not started yet');
      return running;
    },
    client(options = {}) {
      const created = newClient(suite.server, { ...defaults, ...options });
      clients.push(created);
      return created;
    },
  };
  return suite;
}
