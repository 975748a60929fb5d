import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { axeViolations, chromiumAvailable, startHarness } from '../../../test/browser-harness.js';
import type { Harness } from '../../../test/browser-harness.js';

describe.skipIf(!chromiumAvailable())('<chat-unread-badge>', () => {
  let harness: Harness;
  beforeAll(async () => {
    harness = await startHarness();
  });
  afterAll(async () => {
    await harness?.close();
  });

  it('shows nothing at zero, the count with a spoken label, and 99+ above 99', async () => {
    const page = await harness.open(
      '<main><chat-unread-badge id="a"></chat-unread-badge><chat-unread-badge id="b" count="3"></chat-unread-badge><chat-unread-badge id="c" count="250"></chat-unread-badge></main>',
    );
    const read = (id: string) =>
      page.evaluate((id) => {
        const root = document.getElementById(id)!.shadowRoot!;
        return {
          badge: root.querySelector('[part="badge"]')?.textContent ?? null,
          label: root.querySelector('.visually-hidden')?.textContent ?? null,
        };
      }, id);
    await page.locator('#b [part="badge"]').waitFor();
    expect(await read('a')).toEqual({ badge: null, label: null });
    expect(await read('b')).toEqual({ badge: '3', label: '3 unread' });
    expect(await read('c')).toEqual({ badge: '99+', label: '250 unread' });
    expect(await axeViolations(page)).toEqual([]);
    await page.close();
  });
});
