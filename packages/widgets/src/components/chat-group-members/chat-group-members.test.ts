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

describe.skipIf(!chromiumAvailable())('<chat-group-members>', () => {
  let harness: Harness;
  let alice: SeededUser;
  let bob: SeededUser;
  let carol: SeededUser;

  beforeAll(async () => {
    harness = await startHarness({ server: true });
    [alice, bob, carol] = await seedUsers(harness.parley!, 'alice', 'bob', 'carol');
    const group = await alice.client.conversations.create({
      title: 'Trip',
      members: [bob.username],
    });
    await group.send('welcome');
  }, 60_000);
  afterAll(async () => {
    for (const user of [alice, bob, carol]) user?.client.close();
    await harness?.close();
  });

  it('lets an admin add and remove members', async () => {
    const page = await harness.open(
      '<main><chat-provider><chat-conversation-list></chat-conversation-list><chat-group-members></chat-group-members></chat-provider></main>',
    );
    await signInPage(page, harness.parley!.url, alice.username);
    await page.locator('chat-conversation-list [part="item"]', { hasText: 'Trip' }).click();
    const members = page.locator('chat-group-members [part="member"]');
    await expect.poll(() => members.count()).toBe(2);
    await page.locator('chat-group-members [part="member"]', { hasText: 'Bob' }).waitFor();
    expect(await axeViolations(page)).toEqual([]);
    await page.locator('chat-group-members [part="search"]').fill(carol.username);
    await page
      .locator(`chat-group-members [part="result"][data-username="${carol.username}"]`)
      .click();
    await expect.poll(() => members.count(), { timeout: 10_000 }).toBe(3);
    await page
      .locator('chat-group-members [part="member"]', { hasText: 'Bob' })
      .locator('[part="remove"]')
      .click();
    await expect.poll(() => members.count(), { timeout: 10_000 }).toBe(2);
    expect(
      await page.locator('chat-group-members [part="member"]', { hasText: 'Bob' }).count(),
    ).toBe(0);
    await page.close();
  });
});
