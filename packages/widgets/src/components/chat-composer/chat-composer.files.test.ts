import { readFile } from 'node:fs/promises';
import type { Page, Route } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  axeViolations,
  chromiumAvailable,
  signInPage,
  startHarness,
} from '../../../test/browser-harness.js';
import type { Harness } from '../../../test/browser-harness.js';
import { seedDirect, seedUsers } from '../../../test/seed.js';
import type { SeededUser } from '../../../test/seed.js';

const isUpload = (url: URL) => url.pathname.endsWith('/api/v1/files');

/** Holds every file upload of `page` until `release()` (to see it in progress, or cancel it). */
async function holdUploads(page: Page): Promise<{ held: Promise<void>; release(): void }> {
  let release!: () => void;
  let seen!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  const held = new Promise<void>((resolve) => (seen = resolve));
  await page.route(isUpload, async (route: Route) => {
    if (route.request().method() !== 'POST') return route.continue();
    seen();
    await gate;
    // The page may have cancelled it meanwhile.
    await route.continue().catch(() => undefined);
  });
  return { held, release };
}

describe.skipIf(!chromiumAvailable())('<chat-composer> with files', () => {
  let harness: Harness;
  let alice: SeededUser;
  let bob: SeededUser;
  const body =
    '<main><chat-provider><chat-conversation-list></chat-conversation-list><chat-thread style="height:360px"></chat-thread><chat-composer></chat-composer></chat-provider></main>';

  beforeAll(async () => {
    harness = await startHarness({ server: true });
    [alice, bob] = await seedUsers(harness.parley!, 'alice', 'bob');
    await seedDirect(bob, alice, ['hi from bob']);
  }, 60_000);
  afterAll(async () => {
    for (const user of [alice, bob]) user?.client.close();
    await harness?.close();
  });

  async function open(user: SeededUser, peer: string): Promise<Page> {
    const page = await harness.open(body);
    await signInPage(page, harness.parley!.url, user.username);
    await page.locator('chat-conversation-list [part="item"]', { hasText: peer }).click();
    await page.locator('chat-thread [part="text"]', { hasText: 'hi from bob' }).waitFor();
    return page;
  }

  const fileIn = (page: Page, name: string) =>
    page.locator('chat-thread chat-file', { hasText: name });

  it('attaches a file, shows its progress, and the other side downloads the same bytes', async () => {
    const page = await open(alice, 'Bob');
    const { held, release } = await holdUploads(page);
    const bytes = Buffer.from('quarterly numbers\n'.repeat(20_000));
    await page.evaluate(() => {
      interface Store {
        state: { activeId: string };
        uploads: {
          subscribe(f: () => void): void;
          list(id: string): { loaded: number; total: number }[];
        };
      }
      const store = (document.querySelector('chat-provider') as unknown as { store: Store }).store;
      const seen: number[] = [];
      Object.assign(window, { progress: seen });
      store.uploads.subscribe(() => {
        for (const u of store.uploads.list(store.state.activeId)) seen.push(u.loaded / u.total);
      });
    });
    const [chooser] = await Promise.all([
      page.waitForEvent('filechooser'),
      page.locator('chat-composer [part="attach"]').click(),
    ]);
    await chooser.setFiles({ name: 'plan.txt', mimeType: 'text/plain', buffer: bytes });
    await held;
    const upload = page.locator('chat-composer [part="upload"]');
    await upload.waitFor();
    expect(await upload.locator('[part="upload-name"]').textContent()).toBe('plan.txt');
    expect(await upload.locator('progress').getAttribute('aria-label')).toBe('Uploading plan.txt');
    expect(await axeViolations(page)).toEqual([]);

    release();
    await fileIn(page, 'plan.txt').waitFor();
    await expect.poll(() => upload.count()).toBe(0);
    const progress = await page.evaluate(
      () => (window as unknown as { progress: number[] }).progress,
    );
    expect(progress[0]).toBe(0);
    expect(progress.at(-1)).toBe(1);

    const other = await open(bob, 'Alice');
    const card = fileIn(other, 'plan.txt');
    expect(await card.locator('[part="size"]').textContent()).toBe('351.6 kB');
    const [download] = await Promise.all([
      other.waitForEvent('download'),
      card.locator('[part="download"]').click(),
    ]);
    expect(Buffer.from(await readFile((await download.path())!)).equals(bytes)).toBe(true);
    await page.close();
    await other.close();
  });

  it('cancels an upload: nothing is sent', async () => {
    const page = await open(alice, 'Bob');
    const { held, release } = await holdUploads(page);
    const failed: string[] = [];
    page.on('requestfailed', (r) => {
      if (isUpload(new URL(r.url()))) failed.push(r.failure()?.errorText ?? '');
    });
    await page
      .locator('chat-composer input[type="file"]')
      .setInputFiles({ name: 'cancel-me.txt', mimeType: 'text/plain', buffer: Buffer.from('x') });
    await held;
    await page.locator('chat-composer [part="cancel"]').click();
    await expect.poll(() => page.locator('chat-composer [part="upload"]').count()).toBe(0);
    release();
    await expect.poll(() => failed.length).toBe(1);

    // A text sent afterwards arrives; the cancelled file never does.
    const input = page.locator('chat-composer textarea');
    await input.fill('after the cancel');
    await input.press('Enter');
    const dm = await bob.client.conversations.openDirect(alice.username);
    await expect.poll(() => dm.messages.at(-1)?.text).toBe('after the cancel');
    expect(dm.messages.some((m) => m.attachments.some((a) => a.name === 'cancel-me.txt'))).toBe(
      false,
    );
    expect(await fileIn(page, 'cancel-me.txt').count()).toBe(0);
    await page.close();
  });

  it('keeps a failed upload with the reason, and Retry sends it', async () => {
    const page = await open(alice, 'Bob');
    await page.route(isUpload, (route) =>
      route.request().method() === 'POST' ? route.abort('failed') : route.continue(),
    );
    await page
      .locator('chat-composer input[type="file"]')
      .setInputFiles({ name: 'flaky.txt', mimeType: 'text/plain', buffer: Buffer.from('flaky') });
    const error = page.locator('chat-composer [part="upload-error"]');
    await error.waitFor({ timeout: 15_000 });
    expect(await error.textContent()).toBe('flaky.txt was not sent (network_error).');
    expect(await axeViolations(page)).toEqual([]);

    await page.unroute(isUpload);
    await page.locator('chat-composer [part="upload-retry"]').click();
    await fileIn(page, 'flaky.txt').waitFor();
    await expect.poll(() => page.locator('chat-composer [part="upload"]').count()).toBe(0);
    await page.close();
  });

  it('uploads files pasted into the box or dropped on the thread or the composer', async () => {
    const page = await open(alice, 'Bob');
    await page.evaluate(() => {
      const seen: string[] = [];
      Object.assign(window, { uploadRequests: seen });
      document.addEventListener('chat-request-upload', (e) =>
        seen.push(...e.detail.files.map((f) => f.name)),
      );
      const carrying = (name: string) => {
        const data = new DataTransfer();
        data.items.add(new File([`contents of ${name}`], name, { type: 'text/plain' }));
        return data;
      };
      const composer = document.querySelector('chat-composer')!;
      const textarea = composer.shadowRoot!.querySelector('textarea')!;
      textarea.dispatchEvent(
        new ClipboardEvent('paste', {
          clipboardData: carrying('pasted.txt'),
          bubbles: true,
          cancelable: true,
        }),
      );
      const drop = (target: Element, name: string) => {
        const dataTransfer = carrying(name);
        const init = { dataTransfer, bubbles: true, cancelable: true, composed: true };
        target.dispatchEvent(new DragEvent('dragover', init));
        target.dispatchEvent(new DragEvent('drop', init));
      };
      drop(
        document.querySelector('chat-thread')!.shadowRoot!.querySelector('.log')!,
        'dropped-on-thread.txt',
      );
      drop(composer, 'dropped-on-composer.txt');
    });
    expect(
      await page.evaluate(() => (window as unknown as { uploadRequests: string[] }).uploadRequests),
    ).toEqual(['pasted.txt', 'dropped-on-thread.txt', 'dropped-on-composer.txt']);
    for (const name of ['pasted.txt', 'dropped-on-thread.txt', 'dropped-on-composer.txt']) {
      await fileIn(page, name).waitFor();
    }
    // The pasted file did not end up as text in the box.
    expect(await page.locator('chat-composer textarea').inputValue()).toBe('');
    await page.close();
  });

  it('lets the host veto an upload by cancelling chat-request-upload', async () => {
    const page = await open(alice, 'Bob');
    await page.evaluate(() =>
      document.addEventListener('chat-request-upload', (e) => e.preventDefault()),
    );
    await page
      .locator('chat-composer input[type="file"]')
      .setInputFiles({ name: 'vetoed.txt', mimeType: 'text/plain', buffer: Buffer.from('no') });
    expect(await page.locator('chat-composer [part="upload"]').count()).toBe(0);
    expect(await fileIn(page, 'vetoed.txt').count()).toBe(0);
    await page.close();
  });
});
