import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type * as Sdk from '@parley/sdk';
import type { ChatClient, ChatClientOptions } from '@parley/sdk';
import { startServer } from './test-server.js';
import type { RunningServer } from './test-server.js';

/**
 * Runs every code sample of the documentation (docs/samples/*.ts, embedded in the markdown by
 * `npm run docs:samples`) against a real server, one fresh server per sample. The samples are
 * written as a reader would write them, `new ChatClient({ serverUrl: 'http://localhost:3000' })`;
 * here `ChatClient` is the real class with three test defaults: that URL points at the test
 * server, accounts use the Argon2id floor cost (TEST_KDF) instead of 64 MiB, and every client
 * is closed after its sample.
 */
const harness = vi.hoisted(() => ({ url: '', clients: [] as ChatClient[] }));

vi.mock('@parley/sdk', async (importOriginal) => {
  const sdk = await importOriginal<typeof Sdk>();
  const { TEST_KDF } = await import('./test-server.js');
  class DocsChatClient extends sdk.ChatClient {
    constructor(options: ChatClientOptions) {
      const local = options.serverUrl === 'http://localhost:3000';
      super({ kdf: TEST_KDF, ...options, serverUrl: local ? harness.url : options.serverUrl });
      harness.clients.push(this);
    }
  }
  return { ...sdk, ChatClient: DocsChatClient };
});

const SAMPLES = fileURLToPath(new URL('../../../docs/samples/', import.meta.url));
const files = readdirSync(SAMPLES)
  .filter((name) => name.endsWith('.ts'))
  .sort();

describe('the code samples of the documentation', () => {
  let server: RunningServer | undefined;

  afterEach(async () => {
    for (const client of harness.clients.splice(0)) client.close();
    await server?.close();
    server = undefined;
    vi.restoreAllMocks();
  });

  it.each(files)('docs/samples/%s runs against a real server', async (file) => {
    server = await startServer();
    harness.url = server.url;
    vi.spyOn(console, 'log').mockImplementation(() => undefined);
    const sample = (await import(join(SAMPLES, file))) as { default: () => Promise<void> };
    await sample.default();
    // The samples must have gone through the test defaults above, not a real localhost:3000.
    expect(harness.clients.length).toBeGreaterThan(0);
  });
});
