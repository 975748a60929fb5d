import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { axeViolations, chromiumAvailable, startHarness } from '../../../test/browser-harness.js';
import type { Harness } from '../../../test/browser-harness.js';

describe.skipIf(!chromiumAvailable())('<chat-safety-number>', () => {
  let harness: Harness;
  beforeAll(async () => {
    harness = await startHarness();
  });
  afterAll(async () => {
    await harness?.close();
  });

  it('shows the 60 digits in twelve groups of five, left to right even in RTL', async () => {
    const digits = '123456789012345678901234567890123456789012345678901234567890';
    const page = await harness.open(
      `<main dir="rtl"><chat-safety-number name="Bob" number="${digits}"></chat-safety-number></main>`,
    );
    const groups = page.locator('chat-safety-number [part="group"]');
    await groups.first().waitFor();
    expect(await groups.allTextContents()).toEqual(digits.match(/\d{5}/g));
    expect(await page.locator('chat-safety-number [part="title"]').textContent()).toBe(
      'Safety number with Bob',
    );
    expect(
      await page
        .locator('chat-safety-number [part="number"]')
        .evaluate((el) => getComputedStyle(el).direction),
    ).toBe('ltr');
    expect(await axeViolations(page)).toEqual([]);
    await page.close();
  });
});
