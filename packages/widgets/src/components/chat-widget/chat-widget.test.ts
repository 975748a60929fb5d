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

describe.skipIf(!chromiumAvailable())('<chat-widget>', () => {
  let harness: Harness;
  let alice: SeededUser;
  let bob: SeededUser;
  let server: string;

  beforeAll(async () => {
    harness = await startHarness({ server: true });
    server = harness.parley!.url;
    [alice, bob] = await seedUsers(harness.parley!, 'alice', 'bob');
    await seedDirect(bob, alice, ['hello alice']);
  }, 60_000);
  afterAll(async () => {
    alice?.client.close();
    bob?.client.close();
    await harness?.close();
  });

  it('launcher: a labelled button that opens a panel, never taking focus on its own', async () => {
    const page = await harness.open(
      `<main><p>Host content</p></main><chat-widget server="${server}" mode="launcher"></chat-widget>`,
    );
    const launcher = page.locator('chat-widget [part="launcher"]');
    await launcher.waitFor();
    await page
      .locator('chat-widget')
      .evaluate((el) => (el as unknown as { updateComplete: Promise<unknown> }).updateComplete);
    expect(await page.evaluate(() => document.activeElement === document.body)).toBe(true);
    expect(await launcher.getAttribute('aria-label')).toBe('Open chat');
    expect(await launcher.getAttribute('aria-expanded')).toBe('false');
    expect(await page.locator('chat-widget [part="panel"]').isVisible()).toBe(false);
    await launcher.click();
    expect(await launcher.getAttribute('aria-expanded')).toBe('true');
    await page.locator('chat-widget chat-login [part="submit"]').waitFor();
    expect(await axeViolations(page)).toEqual([]);
    await page.keyboard.press('Escape');
    expect(await launcher.getAttribute('aria-expanded')).toBe('false');
    expect(
      await page.evaluate(() =>
        document.querySelector('chat-widget')!.shadowRoot!.activeElement?.getAttribute('part'),
      ),
    ).toBe('launcher');
    await page.close();
  });

  it('inbox: list and conversation side by side on a wide screen', async () => {
    const page = await harness.open(`<main><chat-widget mode="inbox"></chat-widget></main>`);
    await page.setViewportSize({ width: 1200, height: 800 });
    await signInPage(page, server, alice.username, { selector: 'chat-widget' });
    await page.locator('chat-widget chat-conversation-list [part="item"]').first().click();
    await page
      .locator('chat-widget chat-thread [part="text"]', { hasText: 'hello alice' })
      .waitFor();
    expect(await page.locator('chat-widget chat-conversation-list').isVisible()).toBe(true);
    expect(await page.locator('chat-widget [part="back"]').isVisible()).toBe(false);
    expect(await axeViolations(page)).toEqual([]);
    await page.close();
  });

  it('fits a 320 px phone: one pane at a time, with a way back', async () => {
    const page = await harness.open(
      `<main><chat-widget style="height:560px"></chat-widget></main>`,
    );
    await page.setViewportSize({ width: 320, height: 640 });
    await signInPage(page, server, alice.username, { selector: 'chat-widget' });
    await page.locator('chat-widget chat-conversation-list [part="item"]').first().click();
    await page
      .locator('chat-widget chat-thread [part="text"]', { hasText: 'hello alice' })
      .waitFor();
    expect(await page.locator('chat-widget chat-conversation-list').isVisible()).toBe(false);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(
      320,
    );
    expect(await axeViolations(page)).toEqual([]);
    await page.locator('chat-widget [part="back"]').click();
    await page.locator('chat-widget chat-conversation-list').waitFor();
    await page.close();
  });

  it('right to left, in Spanish, with the dark theme', async () => {
    const page = await harness.open(
      `<main><chat-widget server="${server}" mode="launcher" lang="es" dir="rtl" theme="dark" open></chat-widget></main>`,
    );
    await page.locator('chat-widget chat-login [part="title"]').waitFor();
    expect(await page.locator('chat-widget chat-login [part="title"]').textContent()).toBe(
      'Iniciar sesión',
    );
    const layout = await page.evaluate(() => {
      const root = document.querySelector('chat-widget')!.shadowRoot!;
      const launcher = root.querySelector('[part="launcher"]')!.getBoundingClientRect();
      const panel = root.querySelector('[part="panel"]')!;
      return {
        launcherLeft: launcher.left,
        direction: getComputedStyle(panel).direction,
        background: getComputedStyle(panel).backgroundColor,
      };
    });
    expect(layout.direction).toBe('rtl');
    expect(layout.launcherLeft).toBeLessThan(100);
    expect(layout.background).toBe('rgb(22, 24, 29)');
    expect(await axeViolations(page)).toEqual([]);
    await page.close();
  });
});
