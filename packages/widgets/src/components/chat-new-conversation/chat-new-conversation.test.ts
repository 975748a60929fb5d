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

describe.skipIf(!chromiumAvailable())('<chat-new-conversation>', () => {
  let harness: Harness;
  let alice: SeededUser;
  let bob: SeededUser;
  let carol: SeededUser;
  const body =
    '<main><chat-provider><button id="opener">New</button><chat-new-conversation></chat-new-conversation><chat-thread></chat-thread></chat-provider></main>';

  beforeAll(async () => {
    harness = await startHarness({ server: true });
    [alice, bob, carol] = await seedUsers(harness.parley!, 'alice', 'bob', 'carol');
  }, 60_000);
  afterAll(async () => {
    for (const user of [alice, bob, carol]) user?.client.close();
    await harness?.close();
  });

  async function openDialog() {
    const page = await harness.open(body);
    await signInPage(page, harness.parley!.url, alice.username);
    await page.evaluate(() => {
      const dialog = document.querySelector('chat-new-conversation') as unknown as {
        show(): Promise<void>;
      };
      document.getElementById('opener')!.addEventListener('click', () => void dialog.show());
      document.addEventListener('chat-conversation-created', (e) => {
        const { conversation } = (e as CustomEvent).detail as {
          conversation: { kind: string; title: string | null };
        };
        (window as unknown as { created: object }).created = {
          kind: conversation.kind,
          title: conversation.title,
        };
      });
    });
    await page.locator('#opener').click();
    await page.locator('chat-new-conversation [part="dialog"]').waitFor();
    return page;
  }

  it('finds people by username and opens a direct chat', async () => {
    const page = await openDialog();
    expect(await axeViolations(page)).toEqual([]);
    await page.locator('chat-new-conversation [part="search"]').fill(bob.username.slice(0, 6));
    const result = page.locator(
      `chat-new-conversation [part="result"][data-username="${bob.username}"]`,
    );
    await result.waitFor();
    expect(
      await page
        .locator(`chat-new-conversation [part="result"][data-username="${alice.username}"]`)
        .count(),
    ).toBe(0);
    await result.click();
    await page.waitForFunction(() => 'created' in window);
    expect(await page.evaluate(() => (window as unknown as { created: object }).created)).toEqual({
      kind: 'direct',
      title: null,
    });
    await page.locator('chat-new-conversation [part="dialog"]').waitFor({ state: 'hidden' });
    await page.close();
  });

  it('creates a group with a name and several people', async () => {
    const page = await openDialog();
    await page.locator('chat-new-conversation input[value="group"]').check();
    await page.locator('chat-new-conversation [part="group-title"]').fill('Trip');
    for (const user of [bob, carol]) {
      await page.locator('chat-new-conversation [part="search"]').fill(user.username);
      await page
        .locator(`chat-new-conversation [part="result"][data-username="${user.username}"]`)
        .click();
    }
    expect(await page.locator('chat-new-conversation [part="selected"] button').count()).toBe(2);
    expect(await axeViolations(page)).toEqual([]);
    await page.locator('chat-new-conversation [part="create"]').click();
    await page.waitForFunction(() => 'created' in window, undefined, { timeout: 15_000 });
    expect(await page.evaluate(() => (window as unknown as { created: object }).created)).toEqual({
      kind: 'group',
      title: 'Trip',
    });
    await page.close();
  });

  it('closes with Escape and gives focus back to what opened it', async () => {
    const page = await openDialog();
    await page.keyboard.press('Escape');
    await page.locator('chat-new-conversation [part="dialog"]').waitFor({ state: 'hidden' });
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('opener');
    await page.close();
  });
});
