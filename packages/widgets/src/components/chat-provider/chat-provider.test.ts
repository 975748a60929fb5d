import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { axeViolations, chromiumAvailable, startHarness } from '../../../test/browser-harness.js';
import type { Harness } from '../../../test/browser-harness.js';

describe.skipIf(!chromiumAvailable())('<chat-provider>', () => {
  let harness: Harness;
  beforeAll(async () => {
    harness = await startHarness({ server: true });
  });
  afterAll(async () => {
    await harness?.close();
  });

  it('shares one store with every part inside it and themes them', async () => {
    const page = await harness.open(
      `<main><chat-provider server="${harness.parley!.url}" theme="dark"><chat-login></chat-login><chat-connection-banner></chat-connection-banner></chat-provider></main>`,
    );
    await page.locator('chat-login [part="submit"]').waitFor();
    const shared = await page.evaluate(() => {
      const provider = document.querySelector('chat-provider') as unknown as { store: unknown };
      const login = document.querySelector('chat-login')!;
      const form = login.shadowRoot!.querySelector('form')!;
      return {
        hasStore: provider.store !== null,
        surface: getComputedStyle(login).getPropertyValue('--chat-color-surface').trim(),
        text: getComputedStyle(form).color,
      };
    });
    expect(shared).toEqual({ hasStore: true, surface: '#16181d', text: 'rgb(230, 232, 235)' });
    await page.close();
  });

  it('shows the sign-in form without a stored session, and the SDK agrees on where one lives', async () => {
    const page = await harness.open(
      `<main><chat-provider server="${harness.parley!.url}"><chat-login></chat-login></chat-provider></main>`,
    );
    await page.locator('chat-login [part="submit"]').waitFor();
    expect(await axeViolations(page)).toEqual([]);
    const seen = await page.evaluate(async () => {
      const g = globalThis as unknown as {
        parleyInternals: { mayHaveStoredSession(): Promise<boolean> };
        parleySdk: {
          IndexedDbStore: new () => {
            set(k: string, v: unknown): Promise<void>;
            delete(k: string): Promise<void>;
          };
          SESSION_KEY: string;
        };
      };
      const before = await g.parleyInternals.mayHaveStoredSession();
      const store = new g.parleySdk.IndexedDbStore();
      await store.set(g.parleySdk.SESSION_KEY, { any: 'thing' });
      const after = await g.parleyInternals.mayHaveStoredSession();
      await store.delete(g.parleySdk.SESSION_KEY);
      return { before, after, afterDelete: await g.parleyInternals.mayHaveStoredSession() };
    });
    expect(seen).toEqual({ before: false, after: true, afterDelete: false });
    await page.close();
  });
});
