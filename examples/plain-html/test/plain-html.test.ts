/**
 * The plain-HTML example in Chromium: index.html, served from its own origin exactly as
 * written except for the server's address, embeds the widget from a real Parley server's
 * `/widget.js`. The sign-in form renders and someone signs in across origins.
 */
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumAvailable, launchChromium } from '../../../packages/sdk/test/browser/chromium.js';
import {
  TEST_KDF,
  newClient,
  startServer,
  uniqueUsername,
} from '../../../packages/sdk/test/test-server.js';
import type { RunningServer } from '../../../packages/sdk/test/test-server.js';
import { buildWidgetBundle } from '../../../packages/server/test/widget-bundle.js';
import type { WidgetBundle } from '../../../packages/server/test/widget-bundle.js';
import { startStaticSite } from '../src/site.js';
import type { StaticSite } from '../src/site.js';

const PASSWORD = 'correct horse battery staple';

describe.skipIf(!chromiumAvailable())('examples/plain-html', () => {
  let bundle: WidgetBundle;
  let parley: RunningServer;
  let site: StaticSite;
  let browser: Browser;

  beforeAll(async () => {
    const html = await readFile(fileURLToPath(new URL('../index.html', import.meta.url)), 'utf8');
    expect(html).toContain('<script type="module" src="http://localhost:3000/widget.js">');
    // The page's origin must be known before the server starts (ALLOWED_ORIGINS): start the
    // site with a placeholder, then swap in the real address.
    let page = html;
    site = await startStaticSite('', { port: 0 });
    await site.close();
    const port = Number(new URL(site.url).port);
    bundle = await buildWidgetBundle();
    const origin = `http://127.0.0.1:${port}`;
    parley = await startServer({ allowedOrigins: [origin], widgetDir: bundle.dir });
    page = html.replaceAll('http://localhost:3000', parley.url);
    site = await startStaticSite(page, { port });
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await site?.close();
    await parley?.close();
    await bundle?.remove();
  });

  it('renders the sign-in form and signs someone in from another origin', async () => {
    const username = uniqueUsername('plain');
    const client = newClient(parley, { kdf: TEST_KDF });
    await client.register({ username, password: PASSWORD });
    await client.logout();

    const page = await browser.newPage();
    const problems: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error') problems.push(`${m.text()} (${m.location().url})`);
    });
    page.on('pageerror', (e) => problems.push(e.message));
    await page.goto(`${site.url}/`);
    await page.locator('chat-widget chat-login input[name="username"]').fill(username);
    await page.locator('chat-widget chat-login input[name="password"]').fill(PASSWORD);
    await page.locator('chat-widget chat-login [part="submit"]').click();
    await page.locator('chat-widget [part="new-conversation"]').waitFor({ timeout: 30_000 });
    expect(problems).toEqual([]);
    await page.close();
  });
});
