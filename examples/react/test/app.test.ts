/**
 * The React example builds with Vite (its own config, the workspace sources), and the built
 * app works in Chromium against a real server: someone signs in through `<ChatWidget>`, and
 * the list built directly on the SDK shows their messages, decrypted, as they arrive.
 */
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumAvailable } from '../../../packages/sdk/test/browser/chromium.js';
import { newClient, uniqueUsername } from '../../../packages/sdk/test/test-server.js';
import { PASSWORD, readBuiltScripts, usePreviewSite } from '../../test-support/preview.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

describe('examples/react', () => {
  let outDir = '';

  beforeAll(async () => {
    outDir = await mkdtemp(join(tmpdir(), 'parley-example-react-'));
    // A production build as `npm run build` makes it (vitest sets NODE_ENV=test, which would
    // pick React's and Lit's development builds).
    const nodeEnv = process.env.NODE_ENV;
    process.env.NODE_ENV = 'production';
    try {
      await build({
        root: ROOT,
        mode: 'production',
        logLevel: 'error',
        build: { outDir, emptyOutDir: true },
      });
    } finally {
      process.env.NODE_ENV = nodeEnv;
    }
  }, 120_000);

  afterAll(async () => {
    if (outDir) await rm(outDir, { recursive: true, force: true });
  });

  it('builds with vite build: the page, the app and the Argon2id worker', async () => {
    const html = await readFile(join(outDir, 'index.html'), 'utf8');
    expect(html).toMatch(/<script type="module" crossorigin src="\/assets\/index-[\w-]+\.js">/);
    const assets = await readdir(join(outDir, 'assets'));
    expect(assets.some((f) => /^kdf-worker-[\w-]+\.js$/.test(f))).toBe(true);
    const code = await readBuiltScripts(outDir);
    // Booleans: a failing toContain would print megabytes of bundle.
    expect(code.includes('chat-widget')).toBe(true);
    expect(code.includes('Recent messages (built on the SDK)')).toBe(true);
  });

  describe.skipIf(!chromiumAvailable())('in Chromium, against a real server', () => {
    // `vite preview` with the example's config, forwarding to a real server.
    const env = usePreviewSite(ROOT, () => outDir);

    it('signs in with <ChatWidget>; the SDK-built list shows messages as they arrive', async () => {
      const { parley, site, browser } = env;
      const alice = { name: uniqueUsername('alice'), client: newClient(parley) };
      const bob = { name: uniqueUsername('bob'), client: newClient(parley) };
      await alice.client.register({ username: alice.name, password: PASSWORD });
      await alice.client.logout();
      await bob.client.register({ username: bob.name, password: PASSWORD, displayName: 'Bob' });
      const direct = await bob.client.conversations.openDirect(alice.name);
      await direct.send('sent before you signed in');

      const page = await browser.newPage();
      const problems: string[] = [];
      page.on('pageerror', (e) => problems.push(e.message));
      await page.goto(site.resolvedUrls!.local[0]!);
      await page.getByText('Sign in with the widget to see your messages here.').waitFor();
      await page.locator('chat-widget chat-login input[name="username"]').fill(alice.name);
      await page.locator('chat-widget chat-login input[name="password"]').fill(PASSWORD);
      await page.locator('chat-widget chat-login [part="submit"]').click();

      const recent = page.getByRole('list', { name: 'Recent messages' });
      await recent.getByText('sent before you signed in').waitFor({ timeout: 30_000 });
      await direct.send('sent while you watch');
      const item = recent.locator('li', { hasText: 'sent while you watch' });
      await item.waitFor({ timeout: 10_000 });
      await expect(item.locator('.sender').textContent()).resolves.toBe('Bob');
      expect(problems).toEqual([]);
      await page.close();
      await bob.client.logout();
    });
  });
});
