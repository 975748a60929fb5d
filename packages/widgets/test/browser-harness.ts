/**
 * Real-browser harness for the widget tests: bundles the components (esbuild, from source),
 * serves them with test pages from a small site on its own origin, optionally starts a real
 * Parley server that allows that origin, and drives Debian's Chromium through playwright-core.
 */
import { createServer as createHttpServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchChromium } from '../../sdk/test/browser/chromium.js';
import { startServer } from '../../sdk/test/test-server.js';
import type { RunningServer } from '../../sdk/test/test-server.js';

export { chromiumAvailable } from '../../sdk/test/browser/chromium.js';
export { TEST_KDF, uniqueUsername } from '../../sdk/test/test-server.js';

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));
const AXE_PATH = createRequire(import.meta.url).resolve('axe-core/axe.min.js');
const TYPES: Record<string, string> = {
  '.html': 'text/html',
  '.js': 'text/javascript',
  '.map': 'application/json',
};

/** One browser, one site serving the bundle and pages, and optionally a Parley server. */
export interface Harness {
  readonly browser: Browser;
  readonly siteUrl: string;
  /** The Parley server (when started with `server: true`). */
  readonly parley: RunningServer | undefined;
  /** Serves `body` (inside a page that loads the components) and opens it in a new page. */
  open(body: string, options?: { context?: BrowserContext; head?: string }): Promise<Page>;
  /** The URL a page with `body` is served at (for reloads and second contexts). */
  pageUrl(body: string, head?: string): string;
  close(): Promise<void>;
}

/** Options of {@link startHarness}. */
export interface HarnessOptions {
  /** Start a real Parley server that allows the site's origin. Default `false`. */
  server?: boolean;
}

/** Bundles the components, starts the site (and server) and launches Chromium. */
export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  const outDir = await mkdtemp(join(tmpdir(), 'parley-widgets-'));
  await build({
    entryPoints: {
      widgets: here('./entry.ts'),
      'kdf-worker': here('../../sdk/src/auth/kdf-worker.ts'),
    },
    outdir: outDir,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    conditions: ['parley-source'],
    sourcemap: true,
    logLevel: 'error',
  });
  const pages: string[] = [];
  const site: Server = createHttpServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    const pageMatch = /^\/page\/(\d+)$/.exec(path);
    if (pageMatch) {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end(pages[Number(pageMatch[1])] ?? '');
      return;
    }
    const file =
      path === '/axe.js' ? AXE_PATH : join(outDir, path.replace(/^\/+/, '').replace(/\.\./g, ''));
    readFile(file).then(
      (body) => {
        res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' });
        res.end(body);
      },
      () => {
        res.writeHead(404);
        res.end();
      },
    );
  });
  await new Promise<void>((resolve) => site.listen(0, '127.0.0.1', resolve));
  const siteUrl = `http://127.0.0.1:${(site.address() as AddressInfo).port}`;
  const parley = options.server ? await startServer({ allowedOrigins: [siteUrl] }) : undefined;
  const browser = await launchChromium();

  const pageUrl = (body: string, head = '') => {
    const html = `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>widget test</title>${head}<script type="module" src="/widgets.js"></script></head><body><header><h1>Widget test</h1></header>${body}</body></html>`;
    let index = pages.indexOf(html);
    if (index < 0) index = pages.push(html) - 1;
    return `${siteUrl}/page/${index}`;
  };

  return {
    browser,
    siteUrl,
    parley,
    pageUrl,
    async open(body, openOptions = {}) {
      const page = await (openOptions.context ?? browser).newPage();
      page.on('pageerror', (error) => console.error('[page error]', error.message));
      await page.goto(pageUrl(body, openOptions.head));
      await page.waitForFunction(() => customElements.get('chat-widget') !== undefined);
      return page;
    },
    async close() {
      await browser.close();
      await parley?.close();
      await new Promise((resolve) => site.close(resolve));
      await rm(outDir, { recursive: true, force: true });
    },
  };
}

/** An axe-core violation, reduced to what a failing test should print. */
export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  targets: string[];
}

let axeSource: Promise<string> | undefined;

/** Runs axe-core on the page (including open shadow roots) and returns its violations. */
export async function axeViolations(page: Page): Promise<AxeViolation[]> {
  if (!(await page.evaluate(() => 'axe' in window))) {
    axeSource ??= readFile(AXE_PATH, 'utf8');
    await page.addScriptTag({ content: await axeSource });
  }
  return page.evaluate(async () => {
    interface AxeResult {
      violations: {
        id: string;
        impact: string | null;
        help: string;
        nodes: { target: unknown[] }[];
      }[];
    }
    const axe = (window as unknown as { axe: { run(context: Document): Promise<AxeResult> } }).axe;
    const result = await axe.run(document);
    return result.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      targets: v.nodes.map((n) => JSON.stringify(n.target)),
    }));
  });
}

/** Signs a page's `<chat-provider>` (or `<chat-widget>`) in with a client made in the page. */
export async function signInPage(
  page: Page,
  serverUrl: string,
  username: string,
  options: { register?: boolean; selector?: string } = {},
): Promise<void> {
  await page.evaluate(
    async ({ serverUrl, username, register, selector, kdf }) => {
      interface Client {
        register(input: object): Promise<unknown>;
        login(input: object): Promise<unknown>;
      }
      const sdk = (
        globalThis as unknown as {
          parleySdk: { ChatClient: new (o: object) => Client; MemoryStore: new () => object };
        }
      ).parleySdk;
      const client = new sdk.ChatClient({ serverUrl, kdf, storage: new sdk.MemoryStore() });
      const input = { username, password: 'correct horse battery staple' };
      await (register ? client.register(input) : client.login(input));
      (document.querySelector(selector) as unknown as { client: Client }).client = client;
    },
    {
      serverUrl,
      username,
      register: options.register ?? false,
      selector: options.selector ?? 'chat-provider',
      kdf: { m: 19_456, t: 2, p: 1 },
    },
  );
}

/** Waits until `selector` (searched through shadow roots) matches an element. */
export async function waitForDeep(page: Page, selector: string, timeout = 10_000): Promise<void> {
  await page.locator(selector).first().waitFor({ timeout });
}
