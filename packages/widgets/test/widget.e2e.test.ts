/**
 * End to end: the real script-tag bundle (rollup, what `dist/widget.js` holds) served by a real Parley
 * server at `/widget.js`, embedded in a host page on another origin with nothing but the
 * script tag and `<chat-widget>`. Two browser contexts (two people) register, open a direct
 * chat and talk; a reload keeps the history; a message written offline is delivered after
 * reconnecting; markup in a message shows as text; an image sent from the composer shows
 * inline on the other side.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer as createHttpServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { rollup } from 'rollup';
import type { OutputOptions, RollupOptions } from 'rollup';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordStartedWorkers } from '../../sdk/test/browser/browser-site.js';
import { launchChromium } from '../../sdk/test/browser/chromium.js';
import { startServer } from '../../sdk/test/test-server.js';
import type { RunningServer } from '../../sdk/test/test-server.js';
import { TEST_KDF, axeViolations, chromiumAvailable, uniqueUsername } from './browser-harness.js';

const PASSWORD = 'correct horse battery staple';

/**
 * Builds the script-tag bundle with the package's rollup config (the files `dist/` gets), into
 * a temporary folder the server serves (`widgetDir`), so tests never race over `dist/`.
 */
async function buildBundle(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'parley-widget-e2e-'));
  const configUrl = new URL('../rollup.config.js', import.meta.url).href;
  const [entry, worker] = (
    (await import(/* @vite-ignore */ configUrl)) as { default: RollupOptions[] }
  ).default;
  const outputs: [RollupOptions, OutputOptions][] = [
    [entry!, { ...(entry!.output as OutputOptions), dir }],
    [worker!, { ...(worker!.output as OutputOptions), file: join(dir, 'kdf-worker.js') }],
  ];
  for (const [config, output] of outputs) {
    const bundle = await rollup({ ...config, onwarn: () => {} });
    await bundle.write(output);
    await bundle.close();
  }
  return dir;
}

describe.skipIf(!chromiumAvailable())('<chat-widget> from the script tag, end to end', () => {
  let parley: RunningServer;
  let site: Server;
  let hostUrl: string;
  let browser: Browser;
  let bundleDir: string;
  const alice = {
    name: uniqueUsername('alice'),
    context: undefined as unknown as BrowserContext,
    page: undefined as unknown as Page,
  };
  const bob = {
    name: uniqueUsername('bob'),
    context: undefined as unknown as BrowserContext,
    page: undefined as unknown as Page,
  };

  beforeAll(async () => {
    bundleDir = await buildBundle();
    site = createHttpServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html' });
      // The host page: nothing but the script tag and the element.
      res.end(`<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Host page</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<script type="module" src="${parley.url}/widget.js"></script></head>
<body><main><h1>Host page</h1><chat-widget server="${parley.url}" kdf='${JSON.stringify(TEST_KDF)}' style="height:600px"></chat-widget></main></body></html>`);
    });
    await new Promise<void>((resolve) => site.listen(0, '127.0.0.1', resolve));
    hostUrl = `http://127.0.0.1:${(site.address() as AddressInfo).port}/`;
    parley = await startServer({ allowedOrigins: [hostUrl.slice(0, -1)], widgetDir: bundleDir });
    browser = await launchChromium();
    for (const person of [alice, bob]) {
      person.context = await browser.newContext({ viewport: { width: 900, height: 700 } });
      person.page = await person.context.newPage();
      // Record the workers the page starts (the Argon2id worker), without changing them.
      await recordStartedWorkers(person.page);
      person.page.on('dialog', (dialog) => {
        throw new Error(`unexpected dialog: ${dialog.message()}`);
      });
    }
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await parley?.close();
    if (site) await new Promise((resolve) => site.close(resolve));
    if (bundleDir) await rm(bundleDir, { recursive: true, force: true });
  });

  async function register(page: Page, username: string): Promise<void> {
    await page.goto(hostUrl);
    await page.locator('chat-login [part="switch"]').click();
    await page.locator('chat-login input[name="username"]').fill(username);
    await page.locator('chat-login input[name="password"]').fill(PASSWORD);
    await page.locator('chat-login [part="submit"]').click();
    await page.locator('chat-widget [part="new-conversation"]').waitFor({ timeout: 30_000 });
  }

  const messageIn = (page: Page, text: string) =>
    page.locator('chat-thread chat-message [part="text"]', { hasText: text });

  async function send(page: Page, text: string): Promise<void> {
    const input = page.locator('chat-composer textarea');
    await input.fill(text);
    await input.press('Enter');
  }

  it(
    'two people register, open a direct chat and exchange messages',
    { timeout: 90_000 },
    async () => {
      await register(alice.page, alice.name);
      await register(bob.page, bob.name);
      // The server is another origin: the worker was fetched and started from a blob: URL.
      const workers = await alice.page.evaluate(
        () => (window as unknown as { startedWorkers: string[] }).startedWorkers,
      );
      expect(workers.some((url) => url.startsWith('blob:'))).toBe(true);
      expect(await axeViolations(alice.page)).toEqual([]);

      await alice.page.locator('chat-widget [part="new-conversation"]').click();
      await alice.page.locator('chat-new-conversation input[type="search"]').fill(bob.name);
      await alice.page
        .locator(`chat-new-conversation [part="result"][data-username="${bob.name}"]`)
        .click();
      await alice.page.locator('chat-composer textarea').waitFor();
      await send(alice.page, 'hello bob');
      await messageIn(alice.page, 'hello bob').waitFor();

      // Bob sees the new conversation in his list, opens it and reads the message.
      const item = bob.page.locator('chat-conversation-list [part="item"]').first();
      await item.waitFor({ timeout: 10_000 });
      await item.click();
      await messageIn(bob.page, 'hello bob').waitFor({ timeout: 10_000 });

      // Now both have it open: each message shows on the other side at once.
      const started = Date.now();
      await send(bob.page, 'hi alice');
      await messageIn(alice.page, 'hi alice').waitFor({ timeout: 5_000 });
      const bobToAlice = Date.now() - started;
      const again = Date.now();
      await send(alice.page, 'how are you?');
      await messageIn(bob.page, 'how are you?').waitFor({ timeout: 5_000 });
      console.log(
        `[widgets e2e] message shown on the other side after ${bobToAlice} ms and ${Date.now() - again} ms`,
      );
      // Own messages move past "Sending" once the server stored them (then delivered, read).
      await alice.page
        .locator('chat-thread chat-message[mine] [part="status"]', {
          hasText: /Sent|Delivered|Read/,
        })
        .first()
        .waitFor();
      expect(await axeViolations(bob.page)).toEqual([]);
    },
  );

  it('shows markup in a message as text on the other side', async () => {
    const evil = '<img src=x onerror=alert(1)>';
    await send(alice.page, evil);
    await messageIn(bob.page, evil).waitFor({ timeout: 5_000 });
    const images = await bob.page.evaluate(() => {
      const count = (root: Document | ShadowRoot): number =>
        root.querySelectorAll('img').length +
        [...root.querySelectorAll('*')].reduce(
          (n, el) => n + (el.shadowRoot ? count(el.shadowRoot) : 0),
          0,
        );
      return count(document);
    });
    expect(images).toBe(0);
  });

  it('keeps the history across a reload, and reports the time to the first message', async () => {
    await bob.page.reload();
    const preview = await bob.page.waitForFunction(
      () => {
        const find = (root: Document | ShadowRoot): boolean =>
          [...root.querySelectorAll('*')].some(
            (el) =>
              (el.getAttribute('part') === 'preview' && el.textContent?.includes('<img')) ||
              (el.shadowRoot !== null && find(el.shadowRoot)),
          );
        return find(document) ? performance.now() : 0;
      },
      undefined,
      { timeout: 20_000 },
    );
    const previewMs = Math.round((await preview.jsonValue()) as number);
    await bob.page.locator('chat-conversation-list [part="item"]').first().click();
    await messageIn(bob.page, 'hello bob').waitFor({ timeout: 10_000 });
    const threadMs = Math.round(await bob.page.evaluate(() => performance.now()));
    console.log(
      `[widgets e2e] page load to first message: ${previewMs} ms in the list preview, ${threadMs} ms in the opened thread (after a click)`,
    );
    await expect(messageIn(bob.page, 'how are you?').count()).resolves.toBe(1);
  });

  it(
    'queues a message written offline and delivers it after reconnecting',
    { timeout: 60_000 },
    async () => {
      await alice.context.setOffline(true);
      await alice.page
        .locator('chat-connection-banner [part="banner"]')
        .waitFor({ timeout: 15_000 });
      await send(alice.page, 'sent while offline');
      await alice.page
        .locator('chat-thread chat-message[mine]', { hasText: 'sent while offline' })
        .locator('[part="status"]', { hasText: 'Sending' })
        .waitFor();
      await alice.context.setOffline(false);
      await messageIn(bob.page, 'sent while offline').waitFor({ timeout: 30_000 });
      await alice.page
        .locator('chat-thread chat-message[mine]', { hasText: 'sent while offline' })
        .locator('[part="status"]', { hasText: /Sent|Delivered|Read/ })
        .waitFor({ timeout: 10_000 });
      expect(await messageIn(bob.page, 'sent while offline').count()).toBe(1);
    },
  );
  it(
    'sends an image from the composer; the other side sees it inline, decrypted',
    { timeout: 60_000 },
    async () => {
      const png = await alice.page.evaluate(async () => {
        const canvas = document.createElement('canvas');
        canvas.width = 120;
        canvas.height = 80;
        canvas.getContext('2d')!.fillRect(10, 10, 50, 30);
        const blob = await new Promise<Blob>((resolve) => canvas.toBlob((b) => resolve(b!)));
        return [...new Uint8Array(await blob.arrayBuffer())];
      });
      await alice.page
        .locator('chat-composer input[type="file"]')
        .setInputFiles({ name: 'photo.png', mimeType: 'image/png', buffer: Buffer.from(png) });
      const image = bob.page.locator('chat-thread chat-file [part="image"]');
      await image.waitFor({ timeout: 20_000 });
      await expect
        .poll(() => image.evaluate((img: HTMLImageElement) => img.naturalWidth))
        .toBe(120);
      expect(await image.evaluate((img: HTMLImageElement) => img.src)).toMatch(/^blob:/);
      expect(await axeViolations(bob.page)).toEqual([]);
    },
  );
});
