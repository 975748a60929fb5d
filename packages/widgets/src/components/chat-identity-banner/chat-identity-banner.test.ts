import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { axeViolations, chromiumAvailable, startHarness } from '../../../test/browser-harness.js';
import type { Harness } from '../../../test/browser-harness.js';

describe.skipIf(!chromiumAvailable())('<chat-identity-banner>', () => {
  let harness: Harness;
  beforeAll(async () => {
    harness = await startHarness();
  });
  afterAll(async () => {
    await harness?.close();
  });

  it('warns about a changed key and asks to compare safety numbers', async () => {
    const page = await harness.open('<main><chat-identity-banner></chat-identity-banner></main>');
    await page.evaluate(async () => {
      const el = document.querySelector('chat-identity-banner') as unknown as {
        changes: object[];
        updateComplete: Promise<unknown>;
      };
      el.changes = [
        {
          userId: 'u-bob',
          username: 'bob',
          previousKey: 'a',
          newKey: 'b',
          previouslyVerified: true,
          source: 'directory',
        },
      ];
      await el.updateComplete;
      document.addEventListener('chat-request-safety-number', (e) => {
        (window as unknown as { asked: unknown }).asked = (e as CustomEvent).detail;
      });
    });
    const banner = page.locator('chat-identity-banner [part="banner"]');
    expect(await banner.getAttribute('role')).toBe('alert');
    expect(await banner.textContent()).toContain("bob's security key changed");
    await page.locator('chat-identity-banner [part="compare"]').click();
    expect(await page.evaluate(() => (window as unknown as { asked: unknown }).asked)).toEqual({
      userId: 'u-bob',
    });
    expect(await axeViolations(page)).toEqual([]);
    await page.close();
  });
});
