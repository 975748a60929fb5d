/**
 * The SDK in a real browser (Debian's Chromium): register with Argon2id in a Web Worker (with
 * progress), resume from IndexedDB without the password, a wrong password refused, logout —
 * against a real server on another origin allowed by CORS.
 */
import { createServer as createHttpServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, uniqueUsername } from '../test-server.js';
import type { RunningServer } from '../test-server.js';
import { chromiumAvailable, launchChromium } from './chromium.js';

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));
const TYPES: Record<string, string> = {
  '.html': 'text/html',
  '.js': 'text/javascript',
  '.map': 'application/json',
};

describe.skipIf(!chromiumAvailable())('SDK in Chromium', () => {
  let outDir: string;
  let site: Server;
  let siteUrl: string;
  let parley: RunningServer;
  let browser: Browser;

  beforeAll(async () => {
    outDir = await mkdtemp(join(tmpdir(), 'parley-browser-'));
    await build({
      entryPoints: {
        entry: here('./entry.ts'),
        'kdf-worker': here('../../src/auth/kdf-worker.ts'),
      },
      outdir: outDir,
      bundle: true,
      format: 'esm',
      platform: 'browser',
      target: 'es2022',
      conditions: ['parley-source'],
      external: ['node:*'],
      sourcemap: true,
      logLevel: 'error',
    });
    site = createHttpServer((req, res) => {
      const path = req.url === '/' ? '/index.html' : (req.url ?? '/');
      if (path === '/index.html') {
        res.writeHead(200, { 'content-type': 'text/html' });
        res.end(
          '<!doctype html><title>sdk test</title><script type="module" src="/entry.js"></script>',
        );
        return;
      }
      readFile(join(outDir, path.replace(/^\/+/, '').replace(/\.\./g, ''))).then(
        (body) => {
          res.writeHead(200, {
            'content-type': TYPES[extname(path)] ?? 'application/octet-stream',
          });
          res.end(body);
        },
        () => {
          res.writeHead(404);
          res.end();
        },
      );
    });
    await new Promise<void>((resolve) => site.listen(0, '127.0.0.1', resolve));
    siteUrl = `http://127.0.0.1:${(site.address() as AddressInfo).port}`;
    parley = await startServer({ allowedOrigins: [siteUrl] });
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await parley?.close();
    await new Promise((resolve) => site?.close(resolve));
    if (outDir) await rm(outDir, { recursive: true, force: true });
  });

  it('registers with Argon2id in a Web Worker, resumes from IndexedDB and refuses a wrong password', async () => {
    const page = await browser.newPage();
    const pageErrors: string[] = [];
    page.on('pageerror', (err) => pageErrors.push(err.message));
    // Count the workers the SDK starts, without changing what they do.
    await page.addInitScript(() => {
      const NativeWorker = window.Worker;
      const started: string[] = [];
      Object.assign(window, { startedWorkers: started });
      window.Worker = class extends NativeWorker {
        constructor(url: string | URL, options?: WorkerOptions) {
          super(url, options);
          started.push(String(url));
        }
      };
    });
    await page.goto(siteUrl);
    await page.waitForFunction(() => 'parleyTest' in globalThis);

    const username = uniqueUsername('web');
    const result = await page.evaluate(
      async ({ serverUrl, username }) => {
        interface Client {
          register(i: {
            username: string;
            password: string;
          }): Promise<{ id: string; username: string }>;
          login(i: { username: string; password: string }): Promise<unknown>;
          resume(): Promise<boolean>;
          logout(): Promise<void>;
          on(e: 'kdf-progress', f: (x: number) => void): () => void;
          readonly me: { id: string } | null;
        }
        const { ChatClient } = (
          globalThis as unknown as {
            parleyTest: { ChatClient: new (o: object) => Client };
          }
        ).parleyTest;
        const kdf = { m: 19_456, t: 2, p: 1 };
        const progress: number[] = [];
        const alice = new ChatClient({ serverUrl, kdf });
        alice.on('kdf-progress', (f) => progress.push(f));
        const me = await alice.register({ username, password: 'browser password 1' });
        // A second client in the same origin finds the stored session in IndexedDB.
        const again = new ChatClient({ serverUrl, kdf });
        const resumed = await again.resume();
        const resumedId = again.me?.id;
        let wrongCode: string | undefined;
        try {
          await new ChatClient({ serverUrl, kdf, persistSession: false }).login({
            username,
            password: 'not it',
          });
        } catch (err) {
          wrongCode = (err as { code?: string }).code;
        }
        await again.logout();
        const afterLogout = await new ChatClient({ serverUrl, kdf }).resume();
        return {
          me,
          resumed,
          resumedId,
          wrongCode,
          afterLogout,
          progressCount: progress.length,
          lastProgress: progress.at(-1),
          workers: (window as unknown as { startedWorkers: string[] }).startedWorkers,
        };
      },
      { serverUrl: parley.url, username },
    );

    expect(pageErrors).toEqual([]);
    expect(result.me.username).toBe(username);
    expect(result.resumed).toBe(true);
    expect(result.resumedId).toBe(result.me.id);
    expect(result.wrongCode).toBe('unauthorized');
    expect(result.afterLogout).toBe(false);
    expect(result.workers.some((url) => url.endsWith('/kdf-worker.js'))).toBe(true);
    expect(result.progressCount).toBeGreaterThan(1);
    expect(result.lastProgress).toBe(1);
    await page.close();
  });
});
