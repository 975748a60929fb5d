import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { axeViolations, chromiumAvailable, startHarness } from '../../../test/browser-harness.js';
import type { Harness } from '../../../test/browser-harness.js';

describe.skipIf(!chromiumAvailable())('<chat-connection-banner>', () => {
  let harness: Harness;
  beforeAll(async () => {
    harness = await startHarness();
  });
  afterAll(async () => {
    await harness?.close();
  });

  it('says nothing online, and tells when offline or reconnecting, in a status region', async () => {
    const page = await harness.open(
      '<main><chat-connection-banner state="online"></chat-connection-banner></main>',
    );
    const show = (state: string) =>
      page.evaluate(async (state) => {
        const el = document.querySelector('chat-connection-banner') as unknown as HTMLElement & {
          updateComplete: Promise<unknown>;
        };
        el.setAttribute('state', state);
        await el.updateComplete;
        const root = el.shadowRoot!;
        return {
          text: root.querySelector('[part="banner"]')?.textContent ?? null,
          status: root.querySelector('[role="status"]') !== null,
        };
      }, state);
    expect(await show('online')).toEqual({ text: null, status: true });
    expect(await show('reconnecting')).toEqual({ text: 'Reconnecting…', status: true });
    expect((await show('offline')).text).toBe(
      'You are offline. Messages will be sent when the connection is back.',
    );
    expect(await axeViolations(page)).toEqual([]);
    await page.close();
  });
});
