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

describe.skipIf(!chromiumAvailable())('<chat-composer>', () => {
  let harness: Harness;
  let alice: SeededUser;
  let bob: SeededUser;
  let carol: SeededUser;
  const body =
    '<main><chat-provider><chat-conversation-list></chat-conversation-list><chat-thread style="height:300px"></chat-thread><chat-composer></chat-composer></chat-provider></main>';

  beforeAll(async () => {
    harness = await startHarness({ server: true });
    [alice, bob, carol] = await seedUsers(harness.parley!, 'alice', 'bob', 'carol');
    await seedDirect(bob, alice, ['hi from bob']);
    await seedDirect(carol, alice, ['hi from carol']);
  }, 60_000);
  afterAll(async () => {
    for (const user of [alice, bob, carol]) user?.client.close();
    await harness?.close();
  });

  async function open(name: string) {
    const page = await harness.open(body);
    await signInPage(page, harness.parley!.url, alice.username);
    await page.locator('chat-conversation-list [part="item"]', { hasText: name }).click();
    await page
      .locator('chat-thread [part="text"]', { hasText: `hi from ${name.toLowerCase()}` })
      .waitFor();
    return page;
  }

  it('sends with Enter and starts a new line with Shift+Enter', async () => {
    const page = await open('Bob');
    const input = page.locator('chat-composer textarea');
    await input.click();
    await page.keyboard.type('first line');
    await page.keyboard.press('Shift+Enter');
    await page.keyboard.type('second line');
    expect(await input.inputValue()).toBe('first line\nsecond line');
    await page.keyboard.press('Enter');
    expect(await input.inputValue()).toBe('');
    await page
      .locator('chat-thread [part="text"]', { hasText: 'first line\nsecond line' })
      .waitFor();
    const received = await bob.client.conversations.openDirect(alice.username);
    await expect.poll(() => received.messages.at(-1)?.text).toBe('first line\nsecond line');
    expect(await axeViolations(page)).toEqual([]);
    await page.close();
  });

  it('keeps a draft per conversation', async () => {
    const page = await open('Bob');
    const input = page.locator('chat-composer textarea');
    await input.fill('draft for bob');
    await page.locator('chat-conversation-list [part="item"]', { hasText: 'Carol' }).click();
    await page.locator('chat-thread [part="text"]', { hasText: 'hi from carol' }).waitFor();
    expect(await input.inputValue()).toBe('');
    await input.fill('draft for carol');
    await page.locator('chat-conversation-list [part="item"]', { hasText: 'Bob' }).click();
    await expect.poll(() => input.inputValue()).toBe('draft for bob');
    await page.close();
  });

  it('lets the host veto a send by cancelling chat-request-send', async () => {
    const page = await open('Carol');
    await page.evaluate(() =>
      document.addEventListener('chat-request-send', (e) => e.preventDefault()),
    );
    const input = page.locator('chat-composer textarea');
    await input.fill('not this one');
    await input.press('Enter');
    expect(await input.inputValue()).toBe('not this one');
    expect(
      await page.locator('chat-thread [part="text"]', { hasText: 'not this one' }).count(),
    ).toBe(0);
    await page.close();
  });
});
