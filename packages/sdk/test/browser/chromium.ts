import { existsSync } from 'node:fs';
import { chromium } from 'playwright-core';
import type { Browser } from 'playwright-core';

/** Debian's Chromium; override with CHROMIUM_PATH. No browser is ever downloaded. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/**
 * Whether browser suites can run. Outside CI a missing Chromium skips them with a printed
 * reason; in CI (`CI=true`) it is a failure, so a broken install cannot pass silently.
 */
export function chromiumAvailable(): boolean {
  if (existsSync(CHROMIUM_PATH)) return true;
  if (process.env.CI === 'true') {
    throw new Error(`Chromium not found at ${CHROMIUM_PATH}: .ci/run installs it with apt-get`);
  }
  console.warn(
    `skipping browser tests: no Chromium at ${CHROMIUM_PATH} (apt-get install chromium)`,
  );
  return false;
}

/** Launches headless Chromium with the flags this sandboxed, offline machine needs. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-quic',
      '--no-first-run',
    ],
  });
}
