/**
 * Search in a real browser (Debian's Chromium): the SDK bundle (MiniSearch included) indexes a
 * received message, keeps the index in IndexedDB encrypted, and a reloaded page finds the
 * message offline from the index alone.
 */
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChatClient } from '../../src/client.js';
import { registerUser } from '../conversation-helpers.js';
import { uniqueUsername } from '../test-server.js';
import type { RunningServer } from '../test-server.js';
import { BROWSER_BUNDLE, pageHtml, startBrowserSite } from './browser-site.js';
import type { BrowserSite } from './browser-site.js';
import { chromiumAvailable } from './chromium.js';

const ENTRY = `
import { ChatClient } from './../../src/index.js';
globalThis.parleySearchTest = { ChatClient };
`;

/** What the page script sees of the SDK (typed here, since the page is plain JS). */
interface PageClient {
  register(i: { username: string; password: string }): Promise<{ id: string }>;
  resume(): Promise<boolean>;
  search(q: string): Promise<Array<{ text: string; conversationId: string }>>;
  close(): void;
}
type PageGlobals = { parleySearchTest: { ChatClient: new (o: object) => PageClient } };

describe.skipIf(!chromiumAvailable())('search in Chromium', () => {
  let rig: BrowserSite | undefined;
  let siteUrl: string;
  let parley: RunningServer;
  let browser: Browser;
  let bob: ChatClient | undefined;

  beforeAll(async () => {
    const bundle = await build({
      stdin: { contents: ENTRY, resolveDir: fileURLToPath(new URL('.', import.meta.url)) },
      ...BROWSER_BUNDLE,
      write: false,
    });
    const script = bundle.outputFiles[0]!.text;
    rig = await startBrowserSite((req, res) => {
      if (req.url === '/entry.js') {
        res.writeHead(200, { 'content-type': 'text/javascript' });
        res.end(script);
        return;
      }
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end(pageHtml('search'));
    });
    ({ siteUrl, parley, browser } = rig);
  });

  afterAll(async () => {
    bob?.close();
    await rig?.close();
  });

  it('finds a message after a reload from the IndexedDB index, which holds no plaintext', async () => {
    const page = await browser.newPage();
    const pageErrors: string[] = [];
    page.on('pageerror', (err) => pageErrors.push(err.message));
    await page.goto(siteUrl);
    await page.waitForFunction(() => 'parleySearchTest' in globalThis);
    const options = { serverUrl: parley.url, kdf: { m: 19_456, t: 2, p: 1 }, cachedMessages: 1 };

    const aliceId = await page.evaluate(
      async ({ options, username }) => {
        const { ChatClient } = (globalThis as unknown as PageGlobals).parleySearchTest;
        const client = new ChatClient({ ...options, kdfWorker: 'inline' });
        Object.assign(globalThis, { alice: client });
        return (await client.register({ username, password: 'browser search pw' })).id;
      },
      { options, username: uniqueUsername('web') },
    );
    const sender = await registerUser(parley, 'bob');
    bob = sender.client;
    const dm = await bob.conversations.openDirect(aliceId);
    await dm.send('the canaryword is kestrel');
    await dm.send('a later message, the only one cached');

    // Alice's page receives and indexes it, and the index reaches IndexedDB.
    const key = `parley:${aliceId}:search:index`;
    const found = await page.evaluate(
      async ({ key }) => {
        const alice = (globalThis as unknown as { alice: PageClient }).alice;
        const read = () =>
          new Promise<unknown>((resolve, reject) => {
            const open = indexedDB.open('parley');
            open.onerror = () => reject(open.error);
            open.onsuccess = () => {
              const request = open.result.transaction('kv').objectStore('kv').get(key);
              request.onsuccess = () => resolve(request.result);
              request.onerror = () => reject(request.error);
            };
          });
        const deadline = Date.now() + 15_000;
        let hits: string[] = [];
        while (Date.now() < deadline) {
          hits = (await alice.search('kestrel')).map((r) => r.text);
          if (hits.length > 0 && (await read()) !== undefined) break;
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
        alice.close();
        return { hits, stored: JSON.stringify(await read()) };
      },
      { key },
    );
    expect(found.hits).toEqual(['the canaryword is kestrel']);
    expect(found.stored.length).toBeGreaterThan(100);
    expect(found.stored).not.toMatch(/kestrel|canaryword/);

    // A reload, offline: only the newest message is cached, the old one comes from the index.
    await page.reload();
    await page.waitForFunction(() => 'parleySearchTest' in globalThis);
    const reloaded = await page.evaluate(async (options) => {
      const { ChatClient } = (globalThis as unknown as PageGlobals).parleySearchTest;
      const client = new ChatClient({ ...options, autoConnect: false });
      const resumed = await client.resume();
      const hits = (await client.search('kestr')).map((r) => r.text);
      client.close();
      return { resumed, hits };
    }, options);
    expect(reloaded).toEqual({ resumed: true, hits: ['the canaryword is kestrel'] });
    expect(pageErrors).toEqual([]);
    await page.close();
  });
});
