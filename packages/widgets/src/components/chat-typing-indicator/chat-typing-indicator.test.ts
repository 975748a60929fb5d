import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { axeViolations, chromiumAvailable, startHarness } from '../../../test/browser-harness.js';
import type { Harness } from '../../../test/browser-harness.js';

describe.skipIf(!chromiumAvailable())('<chat-typing-indicator>', () => {
  let harness: Harness;
  beforeAll(async () => {
    harness = await startHarness();
  });
  afterAll(async () => {
    await harness?.close();
  });

  it('names one, two, or "several people" typing, politely announced', async () => {
    const page = await harness.open('<main><chat-typing-indicator></chat-typing-indicator></main>');
    const show = (names: string[]) =>
      page.evaluate(async (names) => {
        const el = document.querySelector('chat-typing-indicator') as unknown as {
          names: string[];
          updateComplete: Promise<unknown>;
          shadowRoot: ShadowRoot;
        };
        el.names = names;
        await el.updateComplete;
        const live = el.shadowRoot.querySelector('[aria-live]');
        return { text: live?.textContent ?? '', live: live?.getAttribute('aria-live') };
      }, names);
    expect(await show([])).toEqual({ text: '', live: 'polite' });
    expect((await show(['Ann'])).text).toBe('Ann is typing');
    expect((await show(['Ann', 'Ben'])).text).toBe('Ann and Ben are typing');
    expect((await show(['Ann', 'Ben', 'Cy'])).text).toBe('Several people are typing');
    expect(await axeViolations(page)).toEqual([]);
    await page.close();
  });
});
