import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { chromiumAvailable } from '../../test/browser-harness.js';
import { launchChromium } from '../../../sdk/test/browser/chromium.js';

describe.skipIf(!chromiumAvailable())('@parley/widgets/react', () => {
  it('renders <chat-widget> from React with properties and typed event props', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'parley-react-'));
    const entry = join(dir, 'app.tsx');
    const wrappers = fileURLToPath(new URL('./index.js', import.meta.url)).replace(/\.js$/, '.ts');
    await writeFile(
      entry,
      `import * as React from 'react';
import { createRoot } from 'react-dom/client';
import { ChatWidget } from ${JSON.stringify(wrappers)};
const events: boolean[] = [];
(window as any).openEvents = events;
createRoot(document.getElementById('root')!).render(
  <ChatWidget mode="launcher" theme="dark" onChatOpenChange={(e) => events.push(e.detail.open)} />,
);`,
    );
    await build({
      entryPoints: [entry],
      outfile: join(dir, 'app.js'),
      bundle: true,
      format: 'esm',
      conditions: ['parley-source'],
      jsx: 'automatic',
      nodePaths: [fileURLToPath(new URL('../../../../node_modules', import.meta.url))],
      define: { 'process.env.NODE_ENV': '"production"' },
      logLevel: 'error',
    });
    const site = createServer(async (req, res) => {
      if (req.url === '/app.js') {
        res.writeHead(200, { 'content-type': 'text/javascript' });
        res.end(await import('node:fs/promises').then((fs) => fs.readFile(join(dir, 'app.js'))));
        return;
      }
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end(
        '<!doctype html><main id="root"></main><script type="module" src="/app.js"></script>',
      );
    });
    await new Promise<void>((resolve) => site.listen(0, '127.0.0.1', resolve));
    const browser = await launchChromium();
    try {
      const page = await browser.newPage();
      await page.goto(`http://127.0.0.1:${(site.address() as AddressInfo).port}/`);
      const launcher = page.locator('chat-widget [part="launcher"]');
      await launcher.click();
      await launcher.click();
      expect(
        await page.evaluate(() => (window as unknown as { openEvents: boolean[] }).openEvents),
      ).toEqual([true, false]);
      expect(await page.locator('chat-widget').getAttribute('theme')).toBe('dark');
    } finally {
      await browser.close();
      await new Promise((resolve) => site.close(resolve));
      await rm(dir, { recursive: true, force: true });
    }
  });
});
