/**
 * The Vue example builds with Vite (its own config, the workspace sources), the `<chat-*>`
 * tags stay custom elements (not unresolved Vue components), and the built app works in
 * Chromium against a real server: Vue binds the element's properties and hears its events.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumAvailable } from '../../../packages/sdk/test/browser/chromium.js';
import { newClient, uniqueUsername } from '../../../packages/sdk/test/test-server.js';
import { PASSWORD, readBuiltScripts, usePreviewSite } from '../../test-support/preview.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

describe('examples/vue', () => {
  let outDir = '';
  const warnings: string[] = [];

  beforeAll(async () => {
    outDir = await mkdtemp(join(tmpdir(), 'parley-example-vue-'));
    await build({
      root: ROOT,
      mode: 'production',
      logLevel: 'warn',
      // Unminified, so the compiled template's calls can be read below.
      build: { outDir, emptyOutDir: true, minify: false },
      customLogger: {
        info: () => undefined,
        warn: (msg) => warnings.push(msg),
        warnOnce: (msg) => warnings.push(msg),
        error: (msg) => warnings.push(msg),
        clearScreen: () => undefined,
        hasErrorLogged: () => false,
        hasWarned: false,
      },
    });
  }, 120_000);

  afterAll(async () => {
    if (outDir) await rm(outDir, { recursive: true, force: true });
  });

  it('builds with vite build, keeping <chat-*> as custom elements', async () => {
    const html = await readFile(join(outDir, 'index.html'), 'utf8');
    expect(html).toMatch(/<script type="module" crossorigin src="\/assets\/index-[\w-]+\.js">/);
    const code = await readBuiltScripts(outDir);
    // Compiled templates create the tag by name; resolveComponent would mean Vue took it for
    // one of its own components (and warned "Failed to resolve component" at run time).
    expect(/["'`]chat-widget["'`]/.test(code)).toBe(true);
    expect(/resolveComponent\w*\(\s*["'`]chat-/.test(code)).toBe(false);
    expect(warnings.filter((w) => /Failed to resolve component/.test(w))).toEqual([]);
  });

  describe.skipIf(!chromiumAvailable())('in Chromium, against a real server', () => {
    // `vite preview` with the example's config, forwarding to a real server.
    const env = usePreviewSite(ROOT, () => outDir);

    it('signs in through <chat-widget>; Vue shows its unread count and drives its theme', async () => {
      const { parley, site, browser } = env;
      const alice = { name: uniqueUsername('alice'), client: newClient(parley) };
      const bob = { name: uniqueUsername('bob'), client: newClient(parley) };
      await alice.client.register({ username: alice.name, password: PASSWORD });
      await alice.client.logout();
      await bob.client.register({ username: bob.name, password: PASSWORD });

      const page = await browser.newPage();
      const problems: string[] = [];
      page.on('pageerror', (e) => problems.push(e.message));
      page.on('console', (m) => {
        if (m.type() === 'warning' && m.text().includes('[Vue warn]')) problems.push(m.text());
      });
      await page.goto(site.resolvedUrls!.local[0]!);
      await page.locator('chat-widget chat-login input[name="username"]').fill(alice.name);
      await page.locator('chat-widget chat-login input[name="password"]').fill(PASSWORD);
      await page.locator('chat-widget chat-login [part="submit"]').click();
      await page.locator('chat-widget [part="new-conversation"]').waitFor({ timeout: 30_000 });
      // The widget's chat-signed-in event reached Vue.
      await page.getByText(`Signed in as ${alice.name}`).waitFor({ timeout: 10_000 });

      // A message from Bob: the widget's chat-unread-change event reaches Vue, which passes
      // the count to the <chat-unread-badge> in the page's own header.
      const direct = await bob.client.conversations.openDirect(alice.name);
      await direct.send('hello from bob');
      await expect
        .poll(() => page.locator('header chat-unread-badge').getAttribute('count'), {
          timeout: 10_000,
        })
        .toBe('1');

      await page.getByLabel('Theme').selectOption('dark');
      await expect.poll(() => page.locator('chat-widget').getAttribute('theme')).toBe('dark');
      expect(problems).toEqual([]);
      await page.close();
      await bob.client.logout();
    });
  });
});
