/**
 * Shared harness of the examples' browser tests: reads a Vite build's JavaScript, and serves a
 * built example with `vite preview` in front of a real Parley server, opened in Chromium.
 */
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { createLogger, preview } from 'vite';
import type { PreviewServer } from 'vite';
import { afterAll, beforeAll } from 'vitest';
import { launchChromium } from '../../packages/sdk/test/browser/chromium.js';
import { startServer } from '../../packages/sdk/test/test-server.js';
import type { RunningServer } from '../../packages/sdk/test/test-server.js';

/** The password the examples' test accounts use. */
export const PASSWORD = 'correct horse battery staple';

/** Vite's logger at `error`, minus the proxy's reports of sockets cut when a page closes. */
export function quietProxyLogger() {
  const logger = createLogger('error');
  const error = logger.error.bind(logger);
  logger.error = (msg, options) => {
    if (!/ws proxy (socket )?error/.test(msg)) error(msg, options);
  };
  return logger;
}

/** Every JavaScript file of a Vite build's `assets` folder, joined into one string. */
export async function readBuiltScripts(outDir: string): Promise<string> {
  const assets = await readdir(join(outDir, 'assets'));
  return (
    await Promise.all(
      assets
        .filter((f) => f.endsWith('.js'))
        .map((f) => readFile(join(outDir, 'assets', f), 'utf8')),
    )
  ).join('\n');
}

/** What {@link usePreviewSite} hands a suite; filled in once its `beforeAll` has run. */
export interface PreviewSite {
  parley: RunningServer;
  site: PreviewServer;
  browser: Browser;
}

/**
 * Call inside a `describe`: before it, starts a Parley server, `vite preview` of the build in
 * `outDir()` with the example's config (`root`) forwarding `/api` and `/socket.io` to that
 * server, and Chromium; after it, closes all three.
 */
export function usePreviewSite(root: string, outDir: () => string): PreviewSite {
  const env = {} as PreviewSite;
  beforeAll(async () => {
    env.parley = await startServer();
    env.site = await preview({
      root,
      customLogger: quietProxyLogger(),
      build: { outDir: outDir() },
      preview: {
        port: 0,
        strictPort: false,
        host: '127.0.0.1',
        proxy: {
          '/api': env.parley.url,
          '/socket.io': { target: env.parley.url, ws: true },
        },
      },
    });
    env.browser = await launchChromium();
  });
  afterAll(async () => {
    await env.browser?.close();
    await new Promise<void>((resolve) => env.site?.httpServer.close(() => resolve()));
    await env.parley?.close();
  });
  return env;
}
