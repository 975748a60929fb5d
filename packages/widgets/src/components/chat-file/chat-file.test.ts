import { readFile } from 'node:fs/promises';
import { crc32, deflateSync } from 'node:zlib';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  axeViolations,
  chromiumAvailable,
  signInPage,
  startHarness,
} from '../../../test/browser-harness.js';
import type { Harness } from '../../../test/browser-harness.js';
import { seedUsers } from '../../../test/seed.js';
import type { SeededUser } from '../../../test/seed.js';

/** A real PNG of one colour (so the browser can decode it), made without a canvas. */
function png(width: number, height: number, rgb: [number, number, number]): Uint8Array {
  const chunk = (type: string, data: Buffer) => {
    const head = Buffer.alloc(8);
    head.writeUInt32BE(data.length, 0);
    head.write(type, 4, 'ascii');
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0);
    return Buffer.concat([head, data, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, 2, 0, 0, 0], 8); // 8-bit RGB
  const row = Buffer.concat([Buffer.from([0]), Buffer.from(Array(width).fill(rgb).flat())]);
  const pixels = Buffer.concat(Array<Buffer>(height).fill(row));
  return new Uint8Array(
    Buffer.concat([
      Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
      chunk('IHDR', ihdr),
      chunk('IDAT', deflateSync(pixels)),
      chunk('IEND', Buffer.alloc(0)),
    ]),
  );
}

/** Flips one byte of every file download: what a malicious or broken server would serve. */
async function tamperDownloads(page: Page): Promise<void> {
  await page.route(
    (url) => /\/api\/v1\/files\/[^/]+$/.test(url.pathname),
    async (route) => {
      if (route.request().method() !== 'GET') return route.continue();
      const response = await route.fetch();
      const body = Buffer.from(await response.body());
      body[body.length - 40]! ^= 0x01;
      await route.fulfill({ response, body });
    },
  );
}

describe.skipIf(!chromiumAvailable())('<chat-file>', () => {
  let harness: Harness;
  let alice: SeededUser;
  let bob: SeededUser;
  const text = new TextEncoder().encode('hello file\n'.repeat(100));
  const body =
    '<main><chat-provider><chat-conversation-list></chat-conversation-list><chat-thread style="height:420px"></chat-thread></chat-provider></main>';

  beforeAll(async () => {
    harness = await startHarness({ server: true });
    [alice, bob] = await seedUsers(harness.parley!, 'alice', 'bob');
    const dm = await alice.client.conversations.openDirect(bob.username);
    await dm.send('files for you');
    await dm.sendFile(png(64, 48, [200, 30, 30]), {
      name: 'red.png',
      type: 'image/png',
      thumbnail: { data: png(16, 12, [200, 30, 30]), type: 'image/png', width: 16, height: 12 },
    });
    await dm.sendFile(text, { name: 'notes.txt', type: 'text/plain' });
  }, 60_000);
  afterAll(async () => {
    for (const user of [alice, bob]) user?.client.close();
    await harness?.close();
  });

  async function openAsBob(tamper = false): Promise<Page> {
    const page = await harness.open(body);
    if (tamper) await tamperDownloads(page);
    await signInPage(page, harness.parley!.url, bob.username);
    await page.locator('chat-conversation-list [part="item"]', { hasText: 'Alice' }).click();
    await page.locator('chat-thread [part="text"]', { hasText: 'files for you' }).waitFor();
    return page;
  }

  it('shows an image inline from a decrypted blob URL and revokes it once removed', async () => {
    const page = await openAsBob();
    const image = page.locator('chat-file [part="image"]');
    await image.waitFor();
    // The thumbnail (16 px wide) shows first; then the full image replaces it.
    await expect.poll(() => image.evaluate((img: HTMLImageElement) => img.naturalWidth)).toBe(64);
    const url = await image.evaluate((img: HTMLImageElement) => img.src);
    expect(url).toMatch(/^blob:/);
    expect(await image.getAttribute('alt')).toBe('red.png');
    const fetchUrl = (u: string) =>
      page.evaluate(
        (u) =>
          fetch(u).then(
            (r) => r.blob().then((b) => b.type),
            () => 'revoked',
          ),
        u,
      );
    expect(await fetchUrl(url)).toBe('image/png');
    expect(await axeViolations(page)).toEqual([]);

    await page.evaluate(() => document.querySelector('chat-thread')!.remove());
    expect(await fetchUrl(url)).toBe('revoked');
    await page.close();
  });

  it('revokes the image URL when the element is given another file', async () => {
    const page = await openAsBob();
    const image = page.locator('chat-file [part="image"]');
    await expect.poll(() => image.evaluate((img: HTMLImageElement) => img.naturalWidth)).toBe(64);
    const result = await page.evaluate(async () => {
      const all: Element[] = [];
      const collect = (root: Document | ShadowRoot) =>
        root.querySelectorAll('*').forEach((el) => {
          if (el.localName === 'chat-file') all.push(el);
          if (el.shadowRoot) collect(el.shadowRoot);
        });
      collect(document);
      type FileEl = Element & {
        attachment: unknown;
        objectUrl?: string;
        updateComplete: Promise<unknown>;
      };
      const [picture, card] = all as FileEl[];
      const url = picture!.objectUrl!;
      picture!.attachment = card!.attachment;
      await picture!.updateComplete;
      const fetched = await fetch(url).then(
        () => 'still there',
        () => 'revoked',
      );
      return {
        fetched,
        now: picture!.objectUrl ?? null,
        img: picture!.shadowRoot!.querySelectorAll('img').length,
      };
    });
    expect(result).toEqual({ fetched: 'revoked', now: null, img: 0 });
    await page.close();
  });

  it('shows other files as a card that downloads the same bytes', async () => {
    const page = await openAsBob();
    const card = page.locator('chat-file', { hasText: 'notes.txt' });
    expect(await card.locator('[part="name"]').textContent()).toBe('notes.txt');
    expect(await card.locator('[part="size"]').textContent()).toBe('1.1 kB');
    const button = card.locator('[part="download"]');
    expect(await button.getAttribute('aria-label')).toBe('Download notes.txt');
    expect(await axeViolations(page)).toEqual([]);

    const [download] = await Promise.all([page.waitForEvent('download'), button.press('Enter')]);
    expect(download.suggestedFilename()).toBe('notes.txt');
    expect(new Uint8Array(await readFile((await download.path())!))).toEqual(text);
    await page.close();
  });

  it('shows a clear error, and nothing of the content, for a file that fails its integrity check', async () => {
    const page = await openAsBob(true);
    const image = page.locator('chat-file', { hasText: 'red.png' });
    await image.locator('[part="error"]').waitFor();
    expect(await image.locator('[part="error"]').textContent()).toContain(
      'failed its integrity check',
    );
    expect(await image.locator('img, [part="download"]').count()).toBe(0);

    const card = page.locator('chat-file', { hasText: 'notes.txt' });
    await card.locator('[part="download"]').click();
    await card.locator('[part="error"]').waitFor();
    expect(await card.locator('[part="download"]').count()).toBe(0);
    expect(await axeViolations(page)).toEqual([]);
    await page.close();
  });

  it('offers Try again when a file could not be loaded', async () => {
    const page = await harness.open(body);
    const files = (url: URL) => /\/api\/v1\/files\/[^/]+$/.test(url.pathname);
    await page.route(files, (route) => route.abort('failed'));
    await signInPage(page, harness.parley!.url, bob.username);
    await page.locator('chat-conversation-list [part="item"]', { hasText: 'Alice' }).click();
    const file = page.locator('chat-file', { hasText: 'red.png' });
    await file.locator('[part="error"]').waitFor();
    expect(await file.locator('[part="error"]').textContent()).toContain(
      'The file could not be loaded (network_error).',
    );
    expect(await axeViolations(page)).toEqual([]);

    await page.unroute(files);
    await file.locator('[part="retry"]').press('Enter');
    const image = file.locator('[part="image"]');
    await expect.poll(() => image.evaluate((img: HTMLImageElement) => img.naturalWidth)).toBe(64);
    expect(await file.locator('[part="error"]').count()).toBe(0);
    await page.close();
  });

  it('uses the page language for the size and labels', async () => {
    const page = await harness.open(body.replace('<main>', '<main lang="es">'));
    await signInPage(page, harness.parley!.url, bob.username);
    await page.locator('chat-conversation-list [part="item"]', { hasText: 'Alice' }).click();
    const card = page.locator('chat-file', { hasText: 'notes.txt' });
    expect(await card.locator('[part="size"]').textContent()).toBe('1,1 kB');
    expect(await card.locator('[part="download"]').getAttribute('aria-label')).toBe(
      'Descargar notes.txt',
    );
    await page.close();
  });
});
