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

describe.skipIf(!chromiumAvailable())('<chat-thread>', () => {
  let harness: Harness;
  let alice: SeededUser;
  let bob: SeededUser;
  const body =
    '<main><chat-provider><chat-conversation-list></chat-conversation-list><chat-thread style="height:400px"></chat-thread></chat-provider></main>';

  beforeAll(async () => {
    harness = await startHarness({ server: true });
    [alice, bob] = await seedUsers(harness.parley!, 'alice', 'bob');
    // More than one page of history (the SDK loads 50 at a time).
    await seedDirect(
      bob,
      alice,
      Array.from({ length: 80 }, (_, i) => `message ${i + 1}`),
    );
  }, 120_000);
  afterAll(async () => {
    alice?.client.close();
    bob?.client.close();
    await harness?.close();
  });

  async function openThread() {
    const page = await harness.open(body);
    await signInPage(page, harness.parley!.url, alice.username);
    await page.locator('chat-conversation-list [part="item"]').first().click();
    await page.locator('chat-thread [part="text"]', { hasText: 'message 80' }).waitFor();
    return page;
  }

  it('opens at the newest message, in a labelled log with a date separator', async () => {
    const page = await openThread();
    const log = page.locator('chat-thread [part="log"]');
    expect(await log.getAttribute('role')).toBe('log');
    expect(await log.getAttribute('aria-label')).toBe('Messages with Bob');
    expect(
      await page.locator('chat-thread [part="date-separator"]').first().textContent(),
    ).toContain('Today');
    const atBottom = await log.evaluate(
      (el) => el.scrollHeight - el.scrollTop - el.clientHeight < 2,
    );
    expect(atBottom).toBe(true);
    expect(await axeViolations(page)).toEqual([]);
    await page.close();
  });

  it(
    'loads older messages when scrolled to the top, without the view jumping',
    { timeout: 60_000 },
    async () => {
      const page = await openThread();
      const log = page.locator('chat-thread [part="log"]');
      // The thread first settles at the newest message.
      await expect
        .poll(() => log.evaluate((el) => el.scrollHeight - el.scrollTop - el.clientHeight < 2))
        .toBe(true);
      const before = await page.locator('chat-thread chat-message').count();
      expect(await page.locator('chat-thread [part="beginning"]').count()).toBe(0);
      // Scroll so a known message sits at the top, then note where it is on screen.
      const anchorId = await log.evaluate((el) => {
        const first = el.querySelector('chat-message') as HTMLElement;
        el.scrollTop = 0;
        return first.dataset.id!;
      });
      await page.waitForFunction(
        (n) =>
          document.querySelector('chat-thread')!.shadowRoot!.querySelectorAll('chat-message')
            .length > n,
        before,
      );
      await page.waitForFunction(
        () =>
          document
            .querySelector('chat-thread')!
            .shadowRoot!.querySelector('[part="log"]')!
            .getAttribute('aria-busy') === 'false',
      );
      const position = await log.evaluate((el, id) => {
        const anchor = el.querySelector(`chat-message[data-id="${id}"]`) as HTMLElement;
        return anchor.getBoundingClientRect().top - el.getBoundingClientRect().top;
      }, anchorId);
      // The message that was at the top is still where it was (not pushed down by the new page).
      expect(Math.abs(position)).toBeLessThan(150);
      expect(
        await page.locator('chat-thread [part="text"]', { hasText: /^message 1$/ }).count(),
      ).toBe(1);
      expect(await page.locator('chat-thread [part="beginning"]').count()).toBe(1);
      await page.close();
    },
  );

  it('moves between messages with the arrow keys', async () => {
    const page = await openThread();
    await page.locator('chat-thread chat-message[tabindex="0"]').focus();
    await page.keyboard.press('ArrowUp');
    await page.keyboard.press('ArrowUp');
    const focused = await page.evaluate(() => {
      const active = document.querySelector('chat-thread')!.shadowRoot!.activeElement;
      return active?.shadowRoot?.querySelector('[part="text"]')?.textContent;
    });
    expect(focused).toBe('message 78');
    await page.close();
  });

  it('marks where new messages start and shows who is typing', async () => {
    const page = await harness.open(body);
    await signInPage(page, harness.parley!.url, alice.username);
    await page.locator('chat-conversation-list [part="item"]').first().waitFor({ timeout: 8000 });
    const conversation = await bob.client.conversations.openDirect(alice.username);
    await conversation.send('are you there?');
    await page
      .locator('chat-conversation-list [part="preview"]', { hasText: 'are you there?' })
      .waitFor({ timeout: 8000 });
    await page.locator('chat-conversation-list [part="item"]').first().click();
    const marker = page.locator('chat-thread [part="new-marker"]');
    await marker.waitFor({ state: 'attached', timeout: 8000 });
    expect(await marker.textContent()).toBe('New messages');
    // It sits right before the first unread message.
    const next = await marker.evaluate(
      (el) => el.nextElementSibling?.shadowRoot?.querySelector('[part="text"]')?.textContent,
    );
    expect(next).toBe('are you there?');
    conversation.setTyping(true);
    const typing = page.locator('chat-thread [part="indicator"]');
    await typing.waitFor({ timeout: 8000 });
    expect(await typing.textContent()).toContain('Bob is typing');
    conversation.setTyping(false);
    await page.close();
  });
});
