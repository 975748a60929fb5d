/**
 * The rig of the SDK's browser suites: a page site on one origin, a real Parley server on
 * another that allows it by CORS, and Chromium.
 */
import { createServer as createHttpServer } from 'node:http';
import type { RequestListener, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { BuildOptions } from 'esbuild';
import type { Browser, Page } from 'playwright-core';
import { startServer } from '../test-server.js';
import type { RunningServer } from '../test-server.js';
import { launchChromium } from './chromium.js';

/** esbuild options shared by the browser bundles: ESM for Chromium, the SDK from source. */
export const BROWSER_BUNDLE = {
  bundle: true,
  format: 'esm',
  platform: 'browser',
  target: 'es2022',
  conditions: ['parley-source'],
  external: ['node:*'],
  logLevel: 'error',
} satisfies BuildOptions;

/** A page titled `title` that loads `/entry.js` as a module. */
export const pageHtml = (title: string) =>
  `<!doctype html><title>${title}</title><script type="module" src="/entry.js"></script>`;

/** A running {@link startBrowserSite} rig. */
export interface BrowserSite {
  site: Server;
  siteUrl: string;
  parley: RunningServer;
  browser: Browser;
  /** Closes the browser, the Parley server and the site, in that order. */
  close(): Promise<void>;
}

/** Serves the page site with `handler` on 127.0.0.1, then starts Parley and Chromium. */
export async function startBrowserSite(handler: RequestListener): Promise<BrowserSite> {
  const site = createHttpServer(handler);
  await new Promise<void>((resolve) => site.listen(0, '127.0.0.1', resolve));
  const siteUrl = `http://127.0.0.1:${(site.address() as AddressInfo).port}`;
  let parley: RunningServer | undefined;
  let browser: Browser;
  try {
    parley = await startServer({ allowedOrigins: [siteUrl] });
    browser = await launchChromium();
  } catch (err) {
    await parley?.close();
    await new Promise((resolve) => site.close(resolve));
    throw err;
  }
  return {
    site,
    siteUrl,
    parley,
    browser,
    async close() {
      await browser.close();
      await parley!.close();
      await new Promise((resolve) => site.close(resolve));
    },
  };
}

/**
 * Records the URL of every Web Worker `page` starts in `window.startedWorkers`, without
 * changing the workers. Call before the page loads.
 */
export async function recordStartedWorkers(page: Page): Promise<void> {
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
}
