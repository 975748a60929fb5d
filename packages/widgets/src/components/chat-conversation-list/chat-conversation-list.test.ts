import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  axeViolations,
  chromiumAvailable,
  signInPage,
  startHarness,
} from '../../../test/browser-harness.js';
import type { Harness } from '../../../test/browser-harness.js';
import { seedDirect, seedUser, seedUsers } from '../../../test/seed.js';
import type { SeededUser } from '../../../test/seed.js';

describe.skipIf(!chromiumAvailable())('<chat-conversation-list>', () => {
  let harness: Harness;
  let alice: SeededUser;
  let bob: SeededUser;
  let carol: SeededUser;
  const body =
    '<main><chat-provider><chat-conversation-list></chat-conversation-list><chat-thread></chat-thread></chat-provider></main>';

  beforeAll(async () => {
    harness = await startHarness({ server: true });
    [alice, bob, carol] = await seedUsers(harness.parley!, 'alice', 'bob', 'carol');
    await seedDirect(bob, alice, ['hi from bob']);
    await seedDirect(carol, alice, ['hello from carol']);
  });
  afterAll(async () => {
    for (const user of [alice, bob, carol]) user?.client.close();
    await harness?.close();
  });

  it('lists conversations with name, last message and time, newest first', async () => {
    const page = await harness.open(body);
    await signInPage(page, harness.parley!.url, alice.username);
    const preview = page.locator('chat-conversation-list [part="preview"]', {
      hasText: 'hello from carol',
    });
    await preview.waitFor({ timeout: 8000 });
    await page
      .locator('chat-conversation-list [part="preview"]', { hasText: 'hi from bob' })
      .waitFor({ timeout: 8000 });
    const items = await page.locator('chat-conversation-list [part="item"]').allTextContents();
    expect(items).toHaveLength(2);
    expect(items[0]).toContain('Carol');
    expect(items[1]).toContain('Bob');
    expect(await page.locator('chat-conversation-list [part="time"]').count()).toBe(2);
    // Bob's Node client is connected: his presence shows on his conversation.
    await page
      .locator('chat-conversation-list [part="item"]', { hasText: 'Bob' })
      .locator('[part="presence"][data-state="online"]')
      .waitFor({ timeout: 8000 });
    expect(await axeViolations(page)).toEqual([]);
    await page.close();
  });

  it('opens a conversation on click and counts what arrives in the others as unread', async () => {
    const page = await harness.open(body);
    await signInPage(page, harness.parley!.url, alice.username);
    await page.locator('chat-conversation-list [part="item"]', { hasText: 'Bob' }).click();
    await page
      .locator('chat-thread [part="text"]', { hasText: 'hi from bob' })
      .waitFor({ timeout: 8000 });
    const bobItem = page.locator('chat-conversation-list [part="item"]', { hasText: 'Bob' });
    expect(await bobItem.getAttribute('aria-current')).toBe('true');
    await seedDirect(carol, alice, ['are you there?']);
    const badge = page
      .locator('chat-conversation-list [part="item"]', { hasText: 'Carol' })
      .locator('[part="badge"]');
    // The server's count: the first message and the new one, both unread.
    await page
      .locator('chat-conversation-list [part="item"]', { hasText: 'Carol' })
      .locator('[part="badge"]', { hasText: '2' })
      .waitFor({ timeout: 8000 });
    expect(await bobItem.locator('[part="badge"]').count()).toBe(0);
    // Arrow keys move between conversations.
    await bobItem.focus();
    await page.keyboard.press('ArrowUp');
    const focused = await page.evaluate(() => {
      const list = document.querySelector('chat-conversation-list')!;
      return list.shadowRoot!.activeElement?.textContent ?? '';
    });
    expect(focused).toContain('Carol');
    await page.keyboard.press('Enter');
    await page
      .locator('chat-thread [part="text"]', { hasText: 'are you there?' })
      .waitFor({ timeout: 8000 });
    await badge.waitFor({ state: 'detached', timeout: 8000 });
    await page.close();
  });

  it('says so when there is no conversation yet', async () => {
    const dave = await seedUser(harness.parley!, 'dave');
    const page = await harness.open(body);
    await signInPage(page, harness.parley!.url, dave.username);
    await page
      .locator('chat-conversation-list [part="empty"]', { hasText: 'No conversations yet.' })
      .waitFor({ timeout: 8000 });
    expect(await axeViolations(page)).toEqual([]);
    dave.client.close();
    await page.close();
  });
});
