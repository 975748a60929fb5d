/**
 * Files in a real browser (Debian's Chromium): a picture drawn on a canvas is sent with
 * `sendFile(blob)` — thumbnail made on an OffscreenCanvas, ciphertext gathered into a Blob and
 * uploaded across origins — and a Node client downloads, decrypts and verifies both; the
 * browser downloads its own file back as a typed Blob.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Attachment } from '../../src/index.js';
import { eventually, registerUser } from '../conversation-helpers.js';
import { uniqueUsername } from '../test-server.js';
import type { RunningServer } from '../test-server.js';
import { BROWSER_BUNDLE, pageHtml, startBrowserSite } from './browser-site.js';
import type { BrowserSite } from './browser-site.js';
import { chromiumAvailable } from './chromium.js';

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));

describe.skipIf(!chromiumAvailable())('files in Chromium', () => {
  let outDir: string;
  let rig: BrowserSite | undefined;
  let siteUrl: string;
  let parley: RunningServer;
  let browser: Browser;

  beforeAll(async () => {
    outDir = await mkdtemp(join(tmpdir(), 'parley-browser-files-'));
    await build({
      entryPoints: { entry: here('./entry.ts') },
      outdir: outDir,
      ...BROWSER_BUNDLE,
    });
    rig = await startBrowserSite((req, res) => {
      if (req.url === '/entry.js') {
        void readFile(join(outDir, 'entry.js')).then((body) => {
          res.writeHead(200, { 'content-type': 'text/javascript' });
          res.end(body);
        });
        return;
      }
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end(pageHtml('files'));
    });
    ({ siteUrl, parley, browser } = rig);
  });

  afterAll(async () => {
    await rig?.close();
    if (outDir) await rm(outDir, { recursive: true, force: true });
  });

  it('sends a picture with a thumbnail from the browser that a Node client verifies', async () => {
    const bob = await registerUser(parley, 'bob');
    try {
      const page = await browser.newPage();
      const pageErrors: string[] = [];
      page.on('pageerror', (err) => pageErrors.push(err.message));
      // Count the uploads sent through XMLHttpRequest (the path with upload progress).
      await page.addInitScript(() => {
        const opened: string[] = [];
        Object.assign(window, { xhrOpened: opened });
        const open = XMLHttpRequest.prototype.open;
        XMLHttpRequest.prototype.open = function (this: XMLHttpRequest, ...args: unknown[]) {
          opened.push(String(args[1]));
          return (open as (...a: unknown[]) => void).apply(this, args);
        } as typeof open;
      });
      await page.goto(siteUrl);
      await page.waitForFunction(() => 'parleyTest' in globalThis);
      const result = await page.evaluate(
        async ({ serverUrl, username, bobName }) => {
          interface Attachment {
            type: string;
            size: number;
            thumbnail: { width: number; height: number } | null;
            download(): Promise<Blob>;
          }
          interface Client {
            register(i: { username: string; password: string }): Promise<unknown>;
            conversations: {
              openDirect(u: string): Promise<{
                sendFile(
                  f: Blob,
                  o: {
                    caption: string;
                    onProgress: (p: { loaded: number; total: number }) => void;
                  },
                ): Promise<{ status: string; attachments: Attachment[] }>;
              }>;
            };
          }
          const { ChatClient } = (
            globalThis as unknown as { parleyTest: { ChatClient: new (o: object) => Client } }
          ).parleyTest;
          const canvas = new OffscreenCanvas(800, 600);
          const g = canvas.getContext('2d')!;
          g.fillStyle = '#3366cc';
          g.fillRect(0, 0, 800, 600);
          g.fillStyle = '#ffcc00';
          g.fillRect(100, 100, 200, 150);
          const picture = await canvas.convertToBlob({ type: 'image/png' });
          const alice = new ChatClient({
            serverUrl,
            kdf: { m: 19_456, t: 2, p: 1 },
            kdfWorker: 'inline',
            persistSession: false,
          });
          await alice.register({ username, password: 'browser password 1' });
          const dm = await alice.conversations.openDirect(bobName);
          const progress: number[] = [];
          const sent = await dm.sendFile(picture, {
            caption: 'from the browser',
            onProgress: ({ loaded, total }) => progress.push(loaded / total),
          });
          const own = await sent.attachments[0]!.download();
          const same =
            new Uint8Array(await own.arrayBuffer()).join() ===
            new Uint8Array(await picture.arrayBuffer()).join();
          return {
            status: sent.status,
            type: own.type,
            same,
            size: picture.size,
            thumbnail: sent.attachments[0]!.thumbnail,
            lastProgress: progress.at(-1),
            xhrUploads: (window as unknown as { xhrOpened: string[] }).xhrOpened.filter((u) =>
              u.includes('/files?'),
            ).length,
            original: Array.from(new Uint8Array(await picture.arrayBuffer())),
          };
        },
        { serverUrl: parley.url, username: uniqueUsername('web'), bobName: bob.username },
      );
      expect(pageErrors).toEqual([]);
      expect(result).toMatchObject({
        status: 'sent',
        type: 'image/png',
        same: true,
        lastProgress: 1,
      });
      expect(result.thumbnail).toMatchObject({ width: 320, height: 240 });
      expect(result.xhrUploads).toBe(1); // the picture, whose progress is observed

      let message: { attachments: readonly Attachment[] } | undefined;
      await eventually(async () => {
        const [dm] = await bob.client.conversations.list();
        message = dm?.messages.find((m) => m.text === 'from the browser');
        return message !== undefined;
      }, 'bob receives the picture');
      const [file] = message!.attachments;
      expect(file).toMatchObject({ type: 'image/png', size: result.size });
      expect(await file!.download()).toEqual(Uint8Array.from(result.original));
      const thumb = (await file!.downloadThumbnail()) as Uint8Array;
      expect([...thumb.subarray(0, 3)]).toEqual([0xff, 0xd8, 0xff]);
      await page.close();
    } finally {
      bob.client.close();
    }
  });
});
