import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  TEST_KDF,
  axeViolations,
  chromiumAvailable,
  startHarness,
  uniqueUsername,
} from '../../../test/browser-harness.js';
import type { Harness } from '../../../test/browser-harness.js';

describe.skipIf(!chromiumAvailable())('<chat-login>', () => {
  let harness: Harness;
  let body: string;
  beforeAll(async () => {
    harness = await startHarness({ server: true });
    body = `<main><chat-provider server="${harness.parley!.url}" kdf='${JSON.stringify(TEST_KDF)}'><chat-login></chat-login></chat-provider></main>`;
  });
  afterAll(async () => {
    await harness?.close();
  });

  it('registers with a progress indicator while the password is stretched', async () => {
    const page = await harness.open(body);
    await page.locator('chat-login [part="submit"]').waitFor();
    expect(await axeViolations(page)).toEqual([]);
    await page.evaluate(() => {
      document.addEventListener('chat-signed-in', (e) => {
        (window as unknown as { signedIn: unknown }).signedIn = (
          e as CustomEvent
        ).detail.user.username;
      });
    });
    const username = uniqueUsername('reg');
    await page.locator('chat-login [part="switch"]').click();
    await page.locator('chat-login input[name="username"]').fill(username);
    await page.locator('chat-login input[name="displayName"]').fill('Reggie');
    await page.locator('chat-login input[name="password"]').fill('a long enough password');
    await page.locator('chat-login [part="submit"]').click();
    await page.locator('chat-login [part="progress"]').waitFor();
    await page.waitForFunction(() => 'signedIn' in window, undefined, { timeout: 30_000 });
    expect(await page.evaluate(() => (window as unknown as { signedIn: string }).signedIn)).toBe(
      username,
    );
    await page.close();
  });

  it('says "wrong username or password" without telling which', async () => {
    const page = await harness.open(body);
    await page.locator('chat-login input[name="username"]').fill(uniqueUsername('nobody'));
    await page.locator('chat-login input[name="password"]').fill('whatever it is');
    await page.locator('chat-login input[name="password"]').press('Enter');
    const error = page.locator('chat-login [part="error"]');
    await error.waitFor({ timeout: 30_000 });
    expect(await error.textContent()).toBe('Wrong username or password.');
    expect(await error.getAttribute('role')).toBe('alert');
    expect(await axeViolations(page)).toEqual([]);
    await page.close();
  });

  it('asks for the missing field instead of submitting', async () => {
    const page = await harness.open(body);
    await page.locator('chat-login [part="submit"]').click();
    expect(await page.locator('chat-login [part="error"]').textContent()).toBe(
      'Please check the Username.',
    );
    await page.close();
  });
});
