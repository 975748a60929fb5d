/**
 * The demo site in a real browser: `/` (the chat app, `<chat-widget mode="inbox">`) and
 * `/embed-demo` (a host page with the launcher and a theming panel), served by a real server
 * with its Content-Security-Policy. Pages load with no CSP violation, console error or failed
 * request, axe-core finds nothing, the theming panel drives the tokens, and someone signs in
 * on `/` and chats. With `UPDATE_SCREENSHOT=1` (`npm run screenshot`) the last test also
 * writes `docs/images/widget.png` for the README.
 */
import { mkdir, readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumAvailable, launchChromium } from '../../sdk/test/browser/chromium.js';
import { startTestServer } from './helpers.js';
import type { TestServer } from './helpers.js';
import { buildWidgetBundle } from './widget-bundle.js';
import type { WidgetBundle } from './widget-bundle.js';

const AXE_PATH = createRequire(import.meta.url).resolve('axe-core/axe.min.js');
const SCREENSHOT = fileURLToPath(new URL('../../../docs/images/widget.png', import.meta.url));
const PASSWORD = 'correct horse battery staple';
const TEST_KDF = { m: 19_456, t: 2, p: 1 };

/**
 * The part of `@parley/sdk` this test uses. The SDK is imported at run time, so the server's
 * type check (no DOM types) does not pull in the client; see `src/ops/seed.ts`.
 */
interface DemoConversation {
  send(text: string): Promise<unknown>;
}
interface DemoClient {
  register(input: { username: string; password: string; displayName: string }): Promise<unknown>;
  conversations: {
    openDirect(user: string): Promise<DemoConversation>;
    create(input: { title: string; members: string[] }): Promise<DemoConversation>;
  };
  logout(): Promise<void>;
}
interface DemoSdk {
  ChatClient: new (options: { serverUrl: string; storage: unknown; kdf: object }) => DemoClient;
  MemoryStore: new () => unknown;
}
const SDK = '@parley/sdk';

interface Violation {
  id: string;
  help: string;
  targets: string[];
}

/** Everything that went wrong on a page: console errors (CSP reports are among them). */
function watch(page: Page): string[] {
  const problems: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console: ${message.text()}`);
  });
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('requestfailed', (request) => problems.push(`request failed: ${request.url()}`));
  page.on('response', (response) => {
    if (response.status() >= 400) problems.push(`HTTP ${response.status()}: ${response.url()}`);
  });
  return problems;
}

let axeSource: string | undefined;

/**
 * axe-core over the page and open shadow roots. Evaluated through the DevTools protocol, which
 * the page's CSP does not govern (a `<script>` tag would be refused, as it should be).
 */
async function axe(page: Page): Promise<Violation[]> {
  axeSource ??= await readFile(AXE_PATH, 'utf8');
  if (!(await page.evaluate<boolean>('"axe" in window'))) await page.evaluate(axeSource);
  return page.evaluate<Violation[]>(`axe.run(document).then((result) =>
    result.violations.map((v) => ({
      id: v.id,
      help: v.help,
      targets: v.nodes.map((n) => JSON.stringify(n.target)),
    })))`);
}

function widgetStyle(page: Page, name: string): Promise<string> {
  return page.evaluate<string>(
    `document.querySelector('chat-widget').style.getPropertyValue(${JSON.stringify(name)})`,
  );
}

describe.skipIf(!chromiumAvailable())('demo site', () => {
  let bundle: WidgetBundle;
  let server: TestServer;
  let browser: Browser;

  beforeAll(async () => {
    bundle = await buildWidgetBundle();
    server = await startTestServer({ widgetDir: bundle.dir });
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await bundle?.remove();
  });

  it('serves its pages under a CSP that allows no inline script', async () => {
    for (const path of ['/', '/embed-demo']) {
      const res = await server.fetch(path);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^text\/html/);
      const csp = res.headers.get('content-security-policy') ?? '';
      const scriptSrc = csp.split(';').find((d) => d.trim().startsWith('script-src'));
      expect(scriptSrc?.trim()).toBe("script-src 'self'");
      expect(await res.text()).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    }
  });

  it('/ shows the welcome and the inbox sign-in form, cleanly and accessibly', async () => {
    for (const colorScheme of ['light', 'dark'] as const) {
      const context = await browser.newContext({ colorScheme });
      const page = await context.newPage();
      const problems = watch(page);
      await page.goto(`${server.url}/`);
      await page.locator('chat-widget[mode="inbox"] chat-login input[name="username"]').waitFor();
      await expect(page.locator('.welcome').textContent()).resolves.toContain(
        'who talks to whom, when',
      );
      await page.locator('.welcome summary').click();
      expect(await axe(page), colorScheme).toEqual([]);
      expect(problems).toEqual([]);
      await context.close();
    }
  });

  it('/embed-demo shows the launcher, opens it, and the panel themes it', async () => {
    const page = await browser.newPage();
    page.setDefaultTimeout(10_000);
    const problems = watch(page);
    await page.goto(`${server.url}/embed-demo`);
    const launcher = page.locator('chat-widget [part="launcher"]');
    await launcher.waitFor();
    expect(await axe(page)).toEqual([]);

    await page.getByRole('button', { name: 'Open the chat' }).click();
    await page.locator('chat-widget chat-login input[name="username"]').waitFor();

    await page.getByLabel('Dark').check();
    await expect(page.locator('chat-widget').getAttribute('theme')).resolves.toBe('dark');
    await page.getByLabel('Accent colour').fill('#ffb000');
    expect(await widgetStyle(page, '--chat-color-accent')).toBe('#ffb000');
    // A light accent gets dark text on it, so contrast holds whatever colour is picked.
    expect(await widgetStyle(page, '--chat-color-on-accent')).toBe('#111111');
    await page.getByLabel('Corner radius').fill('4');
    expect(await widgetStyle(page, '--chat-radius')).toBe('4px');
    await page.getByLabel(/Square message bubbles/).check();
    await expect(page.locator('chat-widget').getAttribute('class')).resolves.toContain(
      'square-bubbles',
    );
    const css = await page.locator('#theme-css').textContent();
    expect(css).toContain('--chat-color-accent: #ffb000;');
    expect(css).toContain('--chat-radius: 4px;');
    expect(css).toContain('::part(thread-message-bubble)');
    expect(await axe(page)).toEqual([]);

    await page.getByRole('button', { name: 'Reset' }).click();
    await expect.poll(() => widgetStyle(page, '--chat-color-accent')).toBe('');
    await expect(page.locator('chat-widget').getAttribute('theme')).resolves.toBe('light');
    expect(problems).toEqual([]);
    await page.close();
  });

  it('someone signs in on / and chats with a contact', async () => {
    const sdk = (await import(SDK)) as DemoSdk;
    const people = await Promise.all(
      (
        [
          ['alice', 'Alice'],
          ['bob', 'Bob'],
          ['carol', 'Carol'],
        ] as const
      ).map(async ([username, displayName]) => {
        const client = new sdk.ChatClient({
          serverUrl: server.url,
          storage: new sdk.MemoryStore(),
          kdf: TEST_KDF,
        });
        await client.register({ username, password: PASSWORD, displayName });
        return client;
      }),
    );
    const [alice, bob, carol] = people as [DemoClient, DemoClient, DemoClient];
    const group = await carol.conversations.create({
      title: 'Tea tasting',
      members: ['alice', 'bob'],
    });
    await group.send('Samples arrive on Friday 🍵');
    const direct = await bob.conversations.openDirect('alice');
    await direct.send('Hi Alice! Did the new oolong arrive?');
    const fromAlice = await alice.conversations.openDirect('bob');
    await fromAlice.send('It did. Steeping the third round now.');
    await direct.send('Nice. Notes of peach, or is that just me?');

    const context = await browser.newContext({
      viewport: { width: 960, height: 700 },
      colorScheme: 'light',
    });
    const page = await context.newPage();
    const problems = watch(page);
    await page.goto(`${server.url}/`);
    await page.locator('chat-login input[name="username"]').fill('alice');
    await page.locator('chat-login input[name="password"]').fill(PASSWORD);
    await page.locator('chat-login [part="submit"]').click();
    // app.js shrinks the welcome once someone is signed in.
    await page.locator('body.signed-in').waitFor({ timeout: 30_000 });
    await page.locator('chat-conversation-list [part="item"]', { hasText: 'Bob' }).click();
    const message = (text: string) =>
      page.locator('chat-thread chat-message [part="text"]', { hasText: text });
    await message('Notes of peach').waitFor();

    // Bob answers while Alice has the conversation open: it shows at once, decrypted.
    await direct.send('Peach and honey. Same time next week?');
    await message('Peach and honey').waitFor({ timeout: 10_000 });
    const input = page.locator('chat-composer textarea');
    await input.fill('Definitely. I will bring the green one.');
    await input.press('Enter');
    await page
      .locator('chat-thread chat-message[mine] [part="status"]', { hasText: /Sent|Delivered|Read/ })
      .last()
      .waitFor();
    expect(problems).toEqual([]);

    if (process.env.UPDATE_SCREENSHOT === '1') {
      await input.blur();
      await mkdir(dirname(SCREENSHOT), { recursive: true });
      await page.locator('chat-widget').screenshot({ path: SCREENSHOT, animations: 'disabled' });
    }
    await context.close();
    for (const client of people) await client.logout();
  });
});
