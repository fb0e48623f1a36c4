import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

/** Debian's Chromium: no browser is ever downloaded. */
export const CHROMIUM = '/usr/bin/chromium';

/**
 * Launches headless Chromium, or skips the calling suite with a printed reason when it is not installed.
 * Under CI=true a missing Chromium fails instead: CI must never skip the browser specs silently.
 */
export async function chromiumOrSkip(suite: Mocha.Context): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    const reason = `${CHROMIUM} is not installed (apt-get install -y chromium)`;
    if (process.env.CI === 'true') throw new Error(`CI=true but ${reason}`);
    console.log(`      (skipped: ${reason})`);
    suite.skip();
  }
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
}
