/**
 * The SDK in a real browser (Debian's Chromium): register with Argon2id in a Web Worker (with
 * progress), resume from IndexedDB without the password, a wrong password refused, logout —
 * against a real server on another origin allowed by CORS.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uniqueUsername } from '../test-server.js';
import type { RunningServer } from '../test-server.js';
import {
  BROWSER_BUNDLE,
  pageHtml,
  recordStartedWorkers,
  startBrowserSite,
} from './browser-site.js';
import type { BrowserSite } from './browser-site.js';
import { chromiumAvailable } from './chromium.js';

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));
const TYPES: Record<string, string> = {
  '.html': 'text/html',
  '.js': 'text/javascript',
  '.map': 'application/json',
};

describe.skipIf(!chromiumAvailable())('SDK in Chromium', () => {
  let outDir: string;
  let rig: BrowserSite | undefined;
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
      ...BROWSER_BUNDLE,
      sourcemap: true,
    });
    rig = await startBrowserSite((req, res) => {
      const path = req.url === '/' ? '/index.html' : (req.url ?? '/');
      if (path === '/index.html') {
        res.writeHead(200, { 'content-type': 'text/html' });
        res.end(pageHtml('sdk test'));
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
    ({ siteUrl, parley, browser } = rig);
  });

  afterAll(async () => {
    await rig?.close();
    if (outDir) await rm(outDir, { recursive: true, force: true });
  });

  it('registers with Argon2id in a Web Worker, resumes from IndexedDB and refuses a wrong password', async () => {
    const page = await browser.newPage();
    const pageErrors: string[] = [];
    page.on('pageerror', (err) => pageErrors.push(err.message));
    // Count the workers the SDK starts, without changing what they do.
    await recordStartedWorkers(page);
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
